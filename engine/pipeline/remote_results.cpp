#include "pipeline/remote_results.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>

#include "transport/run_announcement.h"

namespace stampede::pipeline {

using core::RejectReason;
using core::Request;
using core::RequestState;

std::string RemoteResults::announcement() const {
    transport::RunAnnouncement a;
    a.scenario = m_plan.scenario.name;
    a.guard = m_plan.config.guard;
    a.sharedKey = m_state.guard->sharedKey();
    for (const auto& rt : m_state.campaigns) a.campaigns.push_back({rt->def.id, rt->def.stock});
    a.maxAttempts = m_plan.retry.maxAttempts;
    a.retryBackoffMs = m_plan.retry.backoffMs;
    a.retryBackoffMaxMs = m_plan.retry.backoffMaxMs;
    return QJsonDocument(a.toJson()).toJson(QJsonDocument::Compact).toStdString();
}

void RemoteResults::apply() {
    transport::RemoteRunLink* link = m_state.queue.remoteLink();
    if (!link) return;
    std::vector<transport::RemoteResult> results;
    link->takeRemoteResults(results);
    if (results.empty()) return;
    m_lane.with([&](Lane& lane) {
        for (const transport::RemoteResult& result : results) applyOne(lane, result);
    });
}

void RemoteResults::applyOne(Lane& lane, const transport::RemoteResult& result) {
    const core::RequestId id = result.message & ~kReplayBit;
    if (id >= m_state.arena.size()) return;
    if ((result.message & kReplayBit) && !m_decisions.acceptReplay(lane, id)) return;
    // Decided already, from an earlier copy: a worker decided the request again after it was
    // delivered again (a worker killed before it committed). A redelivery, counted as one.
    if (!m_decisions.claimDelivered(id)) {
        m_decisions.countCopyDropped(lane, id);
        return;
    }
    Request& r = m_state.arena[id];
    const std::int64_t now = m_state.clock.nowNs();
    m_decisions.startOutside(lane, r, now);
    r.attempts = static_cast<std::uint8_t>(result.attempts);
    lane.block->queueWait.record(
        static_cast<std::uint64_t>(std::max<std::int64_t>(0, now - r.queuedNs)));
    switch (result.outcome) {
        case transport::RemoteOutcome::Succeeded:
            m_decisions.finish(lane, r, RequestState::Succeeded, RejectReason::None, now);
            break;
        case transport::RemoteOutcome::SoldOut:
            m_decisions.finish(lane, r, RequestState::Rejected, RejectReason::SoldOut, now);
            break;
        case transport::RemoteOutcome::LotteryLost:
            m_decisions.finish(lane, r, RequestState::Rejected, RejectReason::LotteryLost, now);
            break;
        case transport::RemoteOutcome::Failed:
            m_decisions.deadLetter(lane, id, "retries exhausted",
                                   "a remote worker's guard stayed unavailable", now);
            break;
    }
}

}  // namespace stampede::pipeline
