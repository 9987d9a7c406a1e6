#include "pipeline/settlement.h"

#include <cstdio>
#include <map>
#include <set>
#include <utility>

namespace stampede::pipeline {

using core::Request;
using core::RequestState;

namespace {
std::string seconds(std::int64_t ms) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f s", static_cast<double>(ms) / 1000.0);
    return text;
}
}  // namespace

std::string Settlement::guardOutage() {
    const guards::Guard& guard = *m_state.guard;
    const std::int64_t down = guard.outageMs();
    if (down <= m_plan.options.outageBound.count()) return {};
    m_why = guard.backendName() + " unreachable for " + seconds(down);
    m_state.guardGivenUp.store(true, std::memory_order_release);
    return guards::unavailableReason(guard);
}

std::string Settlement::reasonToGiveUp(std::int64_t now) {
    if (std::string guard = guardOutage(); !guard.empty()) return guard;
    if (const transport::LossMonitor* monitor = m_state.queue.lossMonitor()) {
        const std::int64_t outage = monitor->outageMs();
        if (outage > m_plan.options.outageBound.count()) {
            m_why = monitor->systemName() + " unreachable for " + seconds(outage);
            return "Kafka unavailable";
        }
    }
    if (!m_state.control.stopRequested()) return {};
    if (m_stopSeenNs < 0) m_stopSeenNs = now;
    const std::int64_t waited = (now - m_stopSeenNs) / 1'000'000;
    if (waited <= m_plan.options.stopGrace.count()) return {};
    m_why = "stopped, and not decided within " + seconds(waited) + " of the stop";
    return "stopped before decided";
}

void Settlement::check(std::int64_t now, bool feedingDone) {
    // Only a queue whose consumers claim what they decide can have its waiting requests taken
    // from it safely; the in-memory rings always drain (and a stop waits for them), their
    // workers dead-lettering what a guard gone too long cannot decide (Decisions).
    const bool claimable = m_state.queue.redelivers();
    if (m_reason.empty()) {
        m_reason = claimable ? reasonToGiveUp(now) : guardOutage();
        if (m_reason.empty()) return;
        if (claimable) m_state.control.abandon();
    }
    if (claimable && feedingDone) settleQueued(now);
}

void Settlement::settleQueued(std::int64_t now) {
    m_lane.with([&](Lane& lane) {
        const core::RequestId size = m_state.arena.size();
        for (core::RequestId id = 0; id < size; ++id) {
            Request& r = m_state.arena[id];
            if (r.loadState() != RequestState::Queued) continue;
            if (!m_decisions.claimDelivered(id)) continue;
            m_decisions.startOutside(lane, r, now);
            m_decisions.giveBackReserved(lane, r);
            m_decisions.deadLetter(lane, id, m_reason, "the run gave up: " + m_why, now);
            ++m_settled;
        }
    });
}

void Settlement::reconcile() {
    guards::Guard& guard = *m_state.guard;
    if (!guard.decidesByUser() || guard.sharedKey().empty() || m_state.dlq.size() == 0) return;
    // One unit per user in such a ledger: a user already recorded issued is not recovered twice.
    std::set<std::pair<std::uint16_t, std::uint64_t>> issued;
    const core::RequestId size = m_state.arena.size();
    for (core::RequestId id = 0; id < size; ++id) {
        const Request& r = m_state.arena[id];
        if (r.loadState() == RequestState::Succeeded) issued.emplace(r.campaign, r.user);
    }
    // The dead letters to ask about, by campaign, and the ledger's answers in one batch each.
    std::map<int, std::vector<core::RequestId>> asked;
    for (const core::RequestId id : m_state.dlq.ids()) {
        const Request& r = m_state.arena[id];
        if (!issued.count({r.campaign, r.user})) asked[r.campaign].push_back(id);
    }
    for (const auto& entry : asked) {
        const int campaign = entry.first;
        const std::vector<core::RequestId>& ids = entry.second;  // a lambda below needs a name
        std::vector<std::uint64_t> users;
        for (const core::RequestId id : ids) users.push_back(m_state.arena[id].user);
        const auto held = guard.holdUnits(campaign, users);
        if (!held) {  // the ledger does not answer: left as they are, and said so
            m_unreconciled += static_cast<std::int64_t>(ids.size());
            continue;
        }
        m_lane.with([&](Lane& lane) {
            for (std::size_t i = 0; i < ids.size(); ++i)
                if ((*held)[i]) recover(lane, ids[i], issued);
        });
    }
}

void Settlement::recover(Lane& lane, core::RequestId id,
                         std::set<std::pair<std::uint16_t, std::uint64_t>>& issued) {
    Request& r = m_state.arena[id];
    if (!issued.emplace(r.campaign, r.user).second || !m_state.dlq.take(id)) return;
    {
        metrics::CounterWrite w(*lane.block);
        lane.block->move(r.campaign, RequestState::FailedFinal, RequestState::Succeeded);
    }
    r.reason = core::RejectReason::None;
    r.state.store(RequestState::Succeeded, std::memory_order_release);
    ++m_reconciled;
}

std::string Settlement::failure() const {
    if (m_reason.empty()) return {};
    if (m_settled == 0)  // the workers dead-lettered them as they came
        return m_why + ": the run stopped deciding; what it could not decide went to the DLQ (" +
               m_reason + ")";
    return m_why + ": " + std::to_string(m_settled) +
           " requests were not decided and went to the DLQ (" + m_reason + ")";
}

}  // namespace stampede::pipeline
