// Workers in other processes (`stampede-cli worker`): what the run tells them when it starts
// (the topics are the transport's; the guard's shared stock, the campaigns and the retry rules
// are the run's), and how their decisions come back into the run's own records. A decision for a
// request that already ended here (a copy decided twice after a rebalance) changes nothing.

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include "pipeline/run.h"

namespace stampede::pipeline {

using core::RejectReason;
using core::Request;
using core::RequestState;

std::string Run::remoteAnnouncement() const {
    QJsonArray campaigns;
    for (const auto& rt : m_campaigns)
        campaigns.append(QJsonObject{{QStringLiteral("id"), QString::fromStdString(rt->def.id)},
                                     {QStringLiteral("stock"), qint64(rt->def.stock)}});
    const QJsonObject o{
        {QStringLiteral("scenario"), QString::fromStdString(m_scenario.name)},
        {QStringLiteral("guard"), QString::fromStdString(m_config.guard)},
        {QStringLiteral("shared_key"), QString::fromStdString(m_guard->sharedKey())},
        {QStringLiteral("max_attempts"), m_config.maxAttempts},
        {QStringLiteral("retry_backoff_ms"), m_config.retryBackoffMs},
        {QStringLiteral("retry_backoff_max_ms"), m_config.retryBackoffMaxMs},
        {QStringLiteral("campaigns"), campaigns}};
    return QJsonDocument(o).toJson(QJsonDocument::Compact).toStdString();
}

void Run::applyRemoteResults() {
    if (!m_transport || m_inproc) return;
    std::vector<transport::RemoteResult> results;
    m_transport->takeRemoteResults(results);
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
