// takeFinal: the store's view of a run. It follows the request arena from behind, reading only
// requests that are final (their fields were all written before the final state was stored), so
// the decision path pays nothing for persistence.

#include "pipeline/run.h"

namespace stampede::pipeline {

using core::RequestState;

std::size_t Run::takeFinal(std::vector<FinalRequest>& out, std::size_t max) {
    std::lock_guard lock(m_tailMutex);
    const std::size_t before = out.size();
    auto emit = [&](core::RequestId id, RequestState state) {
        const core::Request& r = m_arena[id];
        out.push_back({id, m_scenario.campaigns[r.campaign].id, m_users.nameOf(r.user), state,
                       r.reason, r.attempts, r.seq, r.receivedNs, r.startedNs, r.finishedNs});
    };
    // Dead letters first: a replay may have made one final again.
    for (std::size_t i = 0; i < m_tailWatched.size() && out.size() - before < max;) {
        const RequestState s = m_arena[m_tailWatched[i]].loadState();
        if (!core::isFinal(s) || s == RequestState::FailedFinal) {  // waiting, or replaying
            ++i;
            continue;
        }
        emit(m_tailWatched[i], s);
        m_tailWatched[i] = m_tailWatched.back();
        m_tailWatched.pop_back();
    }
    const std::uint32_t size = m_arena.size();
    if (m_tailTaken.size() < size - m_tailLow) m_tailTaken.resize(size - m_tailLow, false);
    for (std::uint32_t id = m_tailLow; id < size && out.size() - before < max; ++id) {
        if (m_tailTaken[id - m_tailLow]) continue;
        const RequestState s = m_arena[id].loadState();
        if (!core::isFinal(s)) continue;
        emit(id, s);
        m_tailTaken[id - m_tailLow] = true;
        if (s == RequestState::FailedFinal) m_tailWatched.push_back(id);
    }
    // Move the low-water mark over the prefix that is done, so the next call starts there.
    std::uint32_t done = 0;
    while (done < m_tailTaken.size() && m_tailTaken[done]) ++done;
    if (done > 0) {
        m_tailTaken.erase(m_tailTaken.begin(), m_tailTaken.begin() + done);
        m_tailLow += done;
    }
    return out.size() - before;
}

}  // namespace stampede::pipeline
