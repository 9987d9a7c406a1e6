#include "pipeline/transport_recovery.h"

namespace stampede::pipeline {

using core::Request;
using core::RequestState;

void TransportRecovery::compensateFailedPushes() {
    transport::LossMonitor* monitor = m_state.queue.lossMonitor();
    if (!monitor) return;
    std::vector<std::uint32_t> failed;
    monitor->takeFailedPushes(failed);
    if (failed.empty()) return;
    m_lane.with([&](Lane& lane) {
        for (const std::uint32_t message : failed) {
            const core::RequestId id = message & ~kReplayBit;
            // Only a request nobody took: a message "possibly persisted" may still have reached
            // a consumer, which then owns it.
            if (!m_decisions.claimDelivered(id)) continue;
            Request& r = m_state.arena[id];
            const std::int64_t now = m_state.clock.nowNs();
            m_decisions.startOutside(lane, r, now);
            ++r.attempts;
            m_decisions.giveBackReserved(lane, r);
            m_decisions.deadLetter(
                lane, id, "transport failure",
                "the transport could not deliver the request; its unit was given back", now);
        }
    });
}

void TransportRecovery::resendAfterLoss() {
    transport::LossMonitor* monitor = m_state.queue.lossMonitor();
    if (!monitor) return;
    const std::int64_t lost = monitor->takeLostMessages();
    if (lost <= 0) return;
    // Which messages were lost is unknown, so every request still waiting goes again. Copies
    // that were not lost are absorbed: only one consumer can claim a queued request.
    std::int64_t resent = 0;
    const core::RequestId size = m_state.arena.size();
    for (core::RequestId id = 0; id < size; ++id) {
        const Request& r = m_state.arena[id];
        if (r.loadState() != RequestState::Queued) continue;
        if ((r.flags & Request::kLotteryEntry) &&
            !m_state.campaign(r.campaign).drawn.load(std::memory_order_acquire))
            continue;  // not sent before the draw
        if (!m_handoff.push(id, id)) break;
        ++resent;
    }
    if (resent > 0) m_state.queue.notifyEveryPartition();
    monitor->countResent(resent);
}

}  // namespace stampede::pipeline
