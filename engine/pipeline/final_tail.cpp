#include "pipeline/final_tail.h"

namespace stampede::pipeline {

using core::RequestState;

void FinalTail::emit(std::vector<FinalRequest>& out, core::RequestId id, RequestState state) const {
    const core::Request& r = m_state.arena[id];
    out.push_back({id, m_plan.scenario.campaigns[r.campaign].id, m_state.users.nameOf(r.user),
                   state, r.reason, r.attempts, r.seq, r.receivedNs, r.startedNs, r.finishedNs});
}

// Dead letters first: a replay may have made one final again.
void FinalTail::takeWatched(std::vector<FinalRequest>& out, std::size_t max, std::size_t before) {
    for (std::size_t i = 0; i < m_watched.size() && out.size() - before < max;) {
        const RequestState s = m_state.arena[m_watched[i]].loadState();
        if (!core::isFinal(s) || s == RequestState::FailedFinal) {  // waiting, or replaying
            ++i;
            continue;
        }
        emit(out, m_watched[i], s);
        m_watched[i] = m_watched.back();
        m_watched.pop_back();
    }
}

// Moves the low-water mark over the prefix that is done, so the next call starts there.
void FinalTail::advanceLowWater() {
    std::uint32_t done = 0;
    while (done < m_taken.size() && m_taken[done]) ++done;
    if (done == 0) return;
    m_taken.erase(m_taken.begin(), m_taken.begin() + done);
    m_low += done;
}

std::size_t FinalTail::take(std::vector<FinalRequest>& out, std::size_t max) {
    std::lock_guard lock(m_mutex);
    const std::size_t before = out.size();
    takeWatched(out, max, before);
    const std::uint32_t size = m_state.arena.size();
    if (m_taken.size() < size - m_low) m_taken.resize(size - m_low, false);
    for (std::uint32_t id = m_low; id < size && out.size() - before < max; ++id) {
        if (m_taken[id - m_low]) continue;
        const RequestState s = m_state.arena[id].loadState();
        if (!core::isFinal(s)) continue;
        emit(out, id, s);
        m_taken[id - m_low] = true;
        if (s == RequestState::FailedFinal) m_watched.push_back(id);
    }
    advanceLowWater();
    return out.size() - before;
}

}  // namespace stampede::pipeline
