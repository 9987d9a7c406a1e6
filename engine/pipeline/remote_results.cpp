// Workers in other processes (`stampede-cli worker`): what the run tells them when it starts
// (the topics are the transport's; the guard's shared stock, the campaigns and the retry rules
// are the run's), and how their decisions come back into the run's own records. A decision for a
// request that already ended here (a copy decided twice after a rebalance) changes nothing.

#include <QJsonDocument>
#include <QJsonObject>

#include "pipeline/run.h"
#include "transport/run_announcement.h"

namespace stampede::pipeline {

using core::RejectReason;
using core::Request;
using core::RequestState;

std::string Run::remoteAnnouncement() const {
    transport::RunAnnouncement a;
    a.scenario = m_scenario.name;
    a.guard = m_config.guard;
    a.sharedKey = m_guard->sharedKey();
    for (const auto& rt : m_campaigns) a.campaigns.push_back({rt->def.id, rt->def.stock});
    a.maxAttempts = m_config.maxAttempts;
    a.retryBackoffMs = m_config.retryBackoffMs;
    a.retryBackoffMaxMs = m_config.retryBackoffMaxMs;
    return QJsonDocument(a.toJson()).toJson(QJsonDocument::Compact).toStdString();
}

void Run::applyRemoteResults() {
    if (!m_remoteLink) return;
    std::vector<transport::RemoteResult> results;
    m_remoteLink->takeRemoteResults(results);
    if (results.empty()) return;
    std::lock_guard apiLock(m_apiMutex);
    Lane lane{m_apiLane, m_apiBlock.get()};
    for (const transport::RemoteResult& result : results) {
        const core::RequestId id = result.message & ~kReplayBit;
        if (id >= m_arena.size()) continue;
        if ((result.message & kReplayBit) && !acceptReplay(lane, id)) continue;
        if (!claimDelivered(id)) continue;  // decided here already, or by an earlier copy
        Request& r = m_arena[id];
        const std::int64_t now = m_clock.nowNs();
        {
            metrics::CounterWrite w(*lane.block);
            lane.block->move(r.campaign, RequestState::Queued, RequestState::Processing);
        }
        r.startedNs = now;
        r.attempts = static_cast<std::uint8_t>(result.attempts);
        lane.block->queueWait.record(
            static_cast<std::uint64_t>(std::max<std::int64_t>(0, now - r.queuedNs)));
        switch (result.outcome) {
            case transport::RemoteOutcome::Succeeded:
                finish(lane, r, RequestState::Succeeded, RejectReason::None, now);
                break;
            case transport::RemoteOutcome::SoldOut:
                finish(lane, r, RequestState::Rejected, RejectReason::SoldOut, now);
                break;
            case transport::RemoteOutcome::LotteryLost:
                finish(lane, r, RequestState::Rejected, RejectReason::LotteryLost, now);
                break;
            case transport::RemoteOutcome::Failed:
                deadLetter(lane, id, "retries exhausted",
                           "a remote worker's guard stayed unavailable", now);
                break;
        }
    }
}

}  // namespace stampede::pipeline
