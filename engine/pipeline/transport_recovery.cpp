// What the run does when a durable transport lets a message down: a push whose delivery failed
// for good is compensated (the unit it reserved goes back, the request goes to the DLQ: seed
// 003's producer-failure path), and messages lost to an offset that fell out of range are sent
// again from the run's own record. Neither is ever silent: both are counted in the snapshot.

#include "pipeline/run.h"

namespace stampede::pipeline {

using core::Request;
using core::RequestState;

void Run::compensateFailedPushes() {
    if (!m_lossMonitor) return;
    std::vector<std::uint32_t> failed;
    m_lossMonitor->takeFailedPushes(failed);
    if (failed.empty()) return;
    std::lock_guard apiLock(m_apiMutex);
    Lane lane{m_apiLane, m_apiBlock.get()};
    for (const std::uint32_t message : failed) {
        const core::RequestId id = message & ~kReplayBit;
        // Only a request nobody took: a message "possibly persisted" may still have reached a
        // consumer, which then owns it.
        if (!claimDelivered(id)) continue;
        Request& r = m_arena[id];
        const std::int64_t now = m_clock.nowNs();
        {
            metrics::CounterWrite w(*lane.block);
            lane.block->move(r.campaign, RequestState::Queued, RequestState::Processing);
        }
        r.startedNs = now;
        ++r.attempts;
        if (r.flags & Request::kStockReserved) {
            m_guard->giveBack(r.campaign, lane.index);
            r.flags &= static_cast<std::uint8_t>(~Request::kStockReserved);
        }
        deadLetter(lane, id, "transport failure",
                   "the transport could not deliver the request; its unit was given back", now);
    }
}

void Run::resendAfterLoss() {
    if (!m_lossMonitor) return;
    const std::int64_t lost = m_lossMonitor->takeLostMessages();
    if (lost <= 0) return;
    // Which messages were lost is unknown, so every request still waiting goes again. Copies
    // that were not lost are absorbed: only one consumer can claim a queued request.
    std::int64_t resent = 0;
    const core::RequestId size = m_arena.size();
    for (core::RequestId id = 0; id < size; ++id) {
        const Request& r = m_arena[id];
        if (r.loadState() != RequestState::Queued) continue;
        if ((r.flags & Request::kLotteryEntry) &&
            !m_campaigns[r.campaign]->drawn.load(std::memory_order_acquire))
            continue;  // not sent before the draw
        if (!pushToTransport(id, id)) break;
        ++resent;
    }
    if (resent > 0) notifyAllPartitions();
    m_lossMonitor->countResent(resent);
}

}  // namespace stampede::pipeline
