#include "guards/race_recorder.h"

namespace stampede::guards {

void RaceRecorder::reset(int campaigns) {
    std::lock_guard lock(m_mutex);
    m_recent.clear();
    m_recent.resize(std::size_t(std::max(campaigns, 0)));
    m_witnesses.clear();
    m_full.store(false, std::memory_order_relaxed);
}

bool RaceRecorder::collided(const RaceDecision& earlier, const RaceDecision& later) const {
    if (earlier.valueRead != later.valueRead) return false;
    // Both read before the other's write: neither saw what the other did.
    const bool overlapped = later.readNs < earlier.writeNs && earlier.readNs < later.writeNs;
    if (!overlapped) return false;
    return m_kind == Kind::LostUpdate || earlier.valueWritten < 0 || later.valueWritten < 0;
}

void RaceRecorder::note(int campaign, const RaceDecision& decision) {
    if (full()) return;
    std::lock_guard lock(m_mutex);
    // Again under the lock: another decider may have filled it after our look at the flag.
    if (m_witnesses.size() >= std::size_t(kMaxRaceWitnesses)) return;
    if (campaign < 0 || std::size_t(campaign) >= m_recent.size()) return;
    auto& recent = m_recent[std::size_t(campaign)];
    if (!recent) recent = std::make_unique<Recent>();
    const std::size_t slot =
        std::size_t(decision.valueRead < 0 ? -decision.valueRead : decision.valueRead) % kRecent;
    RaceDecision& earlier = recent->byValue[slot];
    if (recent->used[slot] && collided(earlier, decision)) {
        // The earlier one stays: a third decision on the same value collides with it too.
        const bool firstEarlier = earlier.readNs <= decision.readNs;
        m_witnesses.push_back(
            {campaign, firstEarlier ? earlier : decision, firstEarlier ? decision : earlier});
        if (m_witnesses.size() >= std::size_t(kMaxRaceWitnesses))
            m_full.store(true, std::memory_order_relaxed);
        return;
    }
    earlier = decision;
    recent->used[slot] = true;
}

std::vector<RaceWitness> RaceRecorder::witnesses() const {
    std::lock_guard lock(m_mutex);
    return m_witnesses;
}

}  // namespace stampede::guards
