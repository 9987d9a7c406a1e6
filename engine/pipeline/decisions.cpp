#include "pipeline/decisions.h"

#include <algorithm>
#include <limits>
#include <thread>

namespace stampede::pipeline {

using core::RejectReason;
using core::Request;
using core::RequestState;

Decisions::Decisions(const RunPlan& plan, RunState& state)
    : m_plan(plan),
      m_state(state),
      m_decider(*state.guard, plan.retry,
                // A copy delivered again, or the same user through another ingress process of
                // a shared run: decided by user, so that one user never takes two units.
                state.queue.redelivers() || !plan.options.sharedRun.empty()) {}

void Decisions::startOutside(Lane& lane, Request& r, std::int64_t nowNs) {
    {
        metrics::CounterWrite w(*lane.block);
        lane.block->move(r.campaign, RequestState::Queued, RequestState::Processing);
    }
    r.startedNs = nowNs;
}

void Decisions::finish(Lane& lane, Request& r, RequestState to, RejectReason reason,
                       std::int64_t nowNs) {
    {
        metrics::CounterWrite w(*lane.block);
        lane.block->move(r.campaign, RequestState::Processing, to);
        if (to == RequestState::Rejected)
            lane.block->add(r.campaign, metrics::reasonField(reason), 1);
    }
    r.reason = reason;
    r.finishedNs = nowNs;
    r.state.store(to, std::memory_order_release);
    lane.block->processing.record(static_cast<std::uint64_t>(nowNs - r.startedNs));
    lane.block->endToEnd.record(static_cast<std::uint64_t>(nowNs - r.receivedNs));
}

void Decisions::deadLetter(Lane& lane, core::RequestId id, std::string reason, std::string error,
                           std::int64_t nowNs) {
    Request& r = m_state.arena[id];
    dlq::DeadLetter letter;
    letter.requestId = id;
    letter.campaign = r.campaign;
    letter.campaignId = m_plan.scenario.campaigns[r.campaign].id;
    letter.user = r.user;
    letter.reason = std::move(reason);
    letter.attempts = r.attempts;
    if (r.flags & Request::kHasFailures) letter.errors = m_state.failures.takeAll(id);
    letter.errors.push_back({r.attempts, nowNs, std::move(error)});
    letter.receivedNs = r.receivedNs;
    letter.deadLetteredNs = nowNs;
    letter.replays = (r.flags & Request::kReplayed) ? 1 : 0;
    letter.payload = "{\"request_id\":" + std::to_string(id) + ",\"campaign\":\"" +
                     letter.campaignId + "\",\"user\":\"" + m_state.users.nameOf(r.user) +
                     "\",\"sequence\":" + std::to_string(r.seq) +
                     ",\"verified\":" + ((r.flags & Request::kVerified) ? "true" : "false") + "}";
    {
        metrics::CounterWrite w(*lane.block);
        lane.block->move(r.campaign, RequestState::Processing, RequestState::FailedFinal);
        lane.block->add(r.campaign, metrics::Field::DeadLettered, 1);
    }
    // State first, entry second: a replay that finds the entry always finds the state final.
    r.finishedNs = nowNs;
    r.state.store(RequestState::FailedFinal, std::memory_order_release);
    lane.block->processing.record(static_cast<std::uint64_t>(nowNs - r.startedNs));
    lane.block->endToEnd.record(static_cast<std::uint64_t>(nowNs - r.receivedNs));
    if (auto* link = m_state.queue.remoteLink())
        link->publishDeadLetter(id, dlq::toJson(letter, m_state.deadLetterOrigin));
    m_state.dlq.add(std::move(letter));
}

bool Decisions::shouldCrash() {
    if (m_plan.crashAt.empty()) return false;
    const std::int64_t n = m_attemptCounter.fetch_add(1, std::memory_order_relaxed) + 1;
    return std::binary_search(m_plan.crashAt.begin(), m_plan.crashAt.end(), n);
}

// QUEUED -> PROCESSING at the attempt's start; never before the request was queued (it may
// have arrived after the lane's last request ended).
std::int64_t Decisions::begin(Lane& lane, Request& r) {
    const std::int64_t now =
        lane.lastNs >= 0 ? std::max(lane.lastNs, r.queuedNs) : m_state.clock.nowNs();
    lane.lastNs = -1;  // anything that returns early leaves the clock to be read again
    {
        metrics::CounterWrite w(*lane.block);
        lane.block->move(r.campaign, RequestState::Queued, RequestState::Processing);
    }
    r.state.store(RequestState::Processing, std::memory_order_relaxed);
    r.startedNs = now;
    if (r.attempts < std::numeric_limits<decltype(r.attempts)>::max()) ++r.attempts;
    lane.block->queueWait.record(static_cast<std::uint64_t>(now - r.queuedNs));
    return now;
}

// Bulkhead, then the rate cap: both hold this request, never the others' decisions. Unlimited
// campaigns skip the bulkhead: its shared counter would cost every decision a contended atomic.
// True when the request holds a bulkhead place to leave.
bool Decisions::enterFlowControl(CampaignRuntime& rt) {
    const bool bulkhead = rt.bulkhead.limited();
    for (int spins = 0; bulkhead && !rt.bulkhead.tryEnter(); ++spins) {
        if (m_state.control.shuttingDown()) break;
        if (spins < 8)
            std::this_thread::yield();
        else
            std::this_thread::sleep_for(std::chrono::microseconds(20));
    }
    if (rt.limiter.limited()) m_state.clock.sleepUntil(rt.limiter.reserve(m_state.clock.nowNs()));
    return bulkhead;
}

// The injected fault of this attempt, or the decider's verdict. Replays come after the operator
// fixed the cause: no injected faults for them.
Decisions::Outcome Decisions::decide(Lane& lane, Request& r, std::uint64_t key) {
    Outcome out;
    if (m_plan.faults.enabled() && !(r.flags & Request::kReplayed)) {
        if (const std::int64_t delay = m_plan.faults.delayNs(key, r.attempts); delay > 0)
            m_state.clock.sleepUntil(m_state.clock.nowNs() + delay);
        out.fault = m_plan.faults.outcome(key, r.attempts);
    }
    if (out.fault != FaultOutcome::None) {
        out.error = out.fault == FaultOutcome::Permanent ? "injected permanent failure"
                                                         : "injected transient failure";
        return out;
    }
    // A replay comes after the operator brought the server back: it is decided again.
    if (m_state.guardGivenUp.load(std::memory_order_acquire) && !(r.flags & Request::kReplayed)) {
        out.fault = FaultOutcome::Permanent;
        out.deadLetterReason = guards::unavailableReason(*m_state.guard);
        out.error = "the run gave up on " + m_state.guard->backendName();
        return out;
    }
    switch (m_decider.attempt({r.campaign, lane.index, r.user, r.flags})) {
        case guards::Verdict::Issued:
        case guards::Verdict::IssuedBefore:
            break;
        case guards::Verdict::SoldOut:
            out.to = RequestState::Rejected;
            out.reason = RejectReason::SoldOut;
            break;
        case guards::Verdict::LotteryLost:
            out.to = RequestState::Rejected;
            out.reason = RejectReason::LotteryLost;
            break;
        case guards::Verdict::Unavailable:
            out.fault = FaultOutcome::Transient;
            out.error = "guard unavailable";
            // Gone longer than the run waits for it: no more retries into a dead server.
            if (const std::int64_t down = m_state.guard->outageMs(); down > 0)
                out.withinOutage = down <= m_plan.options.outageBound.count();
            if (const std::int64_t down = m_state.guard->outageMs();
                down > m_plan.options.outageBound.count()) {
                out.fault = FaultOutcome::Permanent;
                out.deadLetterReason = guards::unavailableReason(*m_state.guard);
                out.error = m_state.guard->backendName() + " unreachable for " +
                            std::to_string(down / 1000) + " s";
            }
            break;
        case guards::Verdict::StockLost:
            // Gone from the guard's backend: a dead letter, to replay once the operator has
            // restored the stock; neither sold out nor retried.
            out.fault = FaultOutcome::Permanent;
            out.deadLetterReason = "stock lost";
            out.error = "the stock of campaign '" + m_plan.scenario.campaigns[r.campaign].id +
                        "' is gone from " + std::string(m_state.guard->name()) + "'s backend";
            break;
    }
    return out;
}

bool Decisions::waitForOutage(const Request& r, std::int64_t& nowNs, std::int64_t& dueNs) {
    // Decided without the guard: a lottery entry that lost, a unit reserved at the ingress; and
    // a replay, which the operator starts once the server is back.
    const bool lost = (r.flags & Request::kLotteryEntry) && !(r.flags & Request::kLotteryWinner);
    if (lost || (r.flags & (Request::kStockReserved | Request::kReplayed))) return false;
    const std::int64_t down = m_state.guard->outageMs();
    if (down <= 0 || down > m_plan.options.outageBound.count()) return false;
    nowNs = m_state.clock.nowNs();
    std::int64_t next = m_nextProbeNs.load(std::memory_order_relaxed);
    if (nowNs >= next && m_nextProbeNs.compare_exchange_strong(next, nowNs + kOutageProbeIntervalNs,
                                                               std::memory_order_relaxed))
        return false;  // this one probes
    // Back after the next probe, spread over one more interval.
    const std::uint64_t key = ingress::IdempotencyIndex::keyOf(r.campaign, r.user);
    dueNs =
        nowNs + kOutageProbeIntervalNs +
        std::int64_t(double(kOutageProbeIntervalNs) * m_plan.faults.backoffUnit(key, r.attempts));
    return true;
}

guards::TakeResult Decisions::reserve(Lane& lane, Request& r) {
    guards::TakeResult taken = m_decider.take(r.campaign, lane.index, r.user);
    if (taken == guards::TakeResult::AlreadyHeld) taken = guards::TakeResult::Taken;  // theirs
    if (taken == guards::TakeResult::Taken) r.flags |= Request::kStockReserved;
    return taken;
}

void Decisions::giveBackReserved(Lane& lane, Request& r) {
    if (!(r.flags & Request::kStockReserved)) return;
    m_decider.giveBack(r.campaign, lane.index, r.user);
    r.flags &= static_cast<std::uint8_t>(~Request::kStockReserved);
}

Decisions::AttemptEnd Decisions::settle(Lane& lane, core::RequestId id, Outcome outcome,
                                        std::uint64_t key, std::int64_t now,
                                        std::int64_t& retryDueNs) {
    Request& r = m_state.arena[id];
    if (outcome.fault == FaultOutcome::None) {
        finish(lane, r, outcome.to, outcome.reason, now);
        if (r.flags & Request::kHasFailures) m_state.failures.forget(id);
        return AttemptEnd::Final;
    }
    // An outage within the bound is the run's to wait out, not the request's failure: a request
    // that spent its attempts on a server stopped for 30 s was dead-lettered while the server
    // was sure to come back (MariaDB stopped 30 s: 360 of a stock of 3,000 issued, the rest of
    // the arrivals in the DLQ, exit 0). Past the bound the decision is Permanent (above) and the
    // run gives up.
    if (outcome.fault == FaultOutcome::Transient &&
        (m_plan.retry.allowsAnother(r.attempts) || outcome.withinOutage)) {
        m_state.failures.append(id, {r.attempts, now, std::move(outcome.error)});
        r.flags |= Request::kHasFailures;
        {
            metrics::CounterWrite w(*lane.block);
            lane.block->move(r.campaign, RequestState::Processing, RequestState::Queued);
            lane.block->add(r.campaign, metrics::Field::Retries, 1);
        }
        r.queuedNs = now;
        r.state.store(RequestState::Queued, std::memory_order_release);
        lane.block->processing.record(static_cast<std::uint64_t>(now - r.startedNs));
        retryDueNs =
            now + m_plan.retry.backoffNs(r.attempts, m_plan.faults.backoffUnit(key, r.attempts));
        return AttemptEnd::Retry;
    }
    const char* reason = outcome.deadLetterReason                   ? outcome.deadLetterReason
                         : outcome.fault == FaultOutcome::Permanent ? "permanent failure"
                                                                    : "retries exhausted";
    deadLetter(lane, id, reason, std::move(outcome.error), now);
    return AttemptEnd::Final;
}

Decisions::AttemptEnd Decisions::attempt(Lane& lane, core::RequestId id, std::int64_t& retryDueNs) {
    Request& r = m_state.arena[id];
    // The guard's server is down and another decision probes it: this one stays QUEUED and
    // comes back later. No attempt is made, so none is counted: no retry, no queue-wait sample,
    // no flow-control slot, no step of the injected crashes.
    if (std::int64_t now = 0; waitForOutage(r, now, retryDueNs)) {
        // A transport that redelivers had its consumer claim the request (QUEUED to PROCESSING,
        // nothing counted yet): the claim goes back with it, as a retry's does.
        if (m_state.queue.redelivers())
            r.state.store(RequestState::Queued, std::memory_order_release);
        lane.lastNs = now;
        return AttemptEnd::Retry;
    }
    CampaignRuntime& rt = m_state.campaign(r.campaign);
    begin(lane, r);
    const bool bulkhead = enterFlowControl(rt);
    if (shouldCrash()) {
        if (bulkhead) rt.bulkhead.leave();
        return AttemptEnd::Crashed;
    }
    const std::uint64_t key = ingress::IdempotencyIndex::keyOf(r.campaign, r.user);
    Outcome outcome = decide(lane, r, key);
    const std::int64_t now = m_state.clock.nowNs();
    if (bulkhead) rt.bulkhead.leave();
    lane.lastNs = now;
    return settle(lane, id, std::move(outcome), key, now, retryDueNs);
}

void Decisions::redeliver(Lane& lane, core::RequestId id) {
    Request& r = m_state.arena[id];
    {
        metrics::CounterWrite w(*lane.block);
        lane.block->move(r.campaign, RequestState::Processing, RequestState::Queued);
        lane.block->add(r.campaign, metrics::Field::Redeliveries, 1);
    }
    r.queuedNs = m_state.clock.nowNs();
    r.state.store(RequestState::Queued, std::memory_order_release);
}

void Decisions::countCopyDropped(Lane& lane, core::RequestId id) {
    if (id >= m_state.arena.size()) return;
    metrics::CounterWrite w(*lane.block);
    lane.block->add(m_state.arena[id].campaign, metrics::Field::CopiesDropped, 1);
}

void Decisions::toEnd(Lane& lane, core::RequestId id) {
    for (;;) {
        std::int64_t due = 0;
        switch (attempt(lane, id, due)) {
            case AttemptEnd::Final:
                return;
            case AttemptEnd::Retry:
                m_state.clock.sleepUntil(due);
                break;
            case AttemptEnd::Crashed:
                countCrash();
                redeliver(lane, id);
                break;
        }
    }
}

bool Decisions::acceptReplay(Lane& lane, core::RequestId id) {
    Request& r = m_state.arena[id];
    if (r.loadState() != RequestState::FailedFinal || !m_state.dlq.take(id)) return false;
    {
        metrics::CounterWrite w(*lane.block);
        lane.block->move(r.campaign, RequestState::FailedFinal, RequestState::Queued);
        lane.block->add(r.campaign, metrics::Field::Replayed, 1);
    }
    r.flags |= Request::kReplayed;
    r.flags &= static_cast<std::uint8_t>(~Request::kHasFailures);
    r.attempts = 0;
    r.queuedNs = m_state.clock.nowNs();
    r.state.store(RequestState::Queued, std::memory_order_release);
    return true;
}

// A transport that redelivers (Kafka after a rebalance or a loss) can hand the same request to
// two consumers: only the one that moves it from QUEUED to PROCESSING may decide. The others
// acknowledge their copy and drop it; the request ends once, by its owner.
bool Decisions::claimDelivered(core::RequestId id) {
    if (id >= m_state.arena.size()) return false;
    RequestState expected = RequestState::Queued;
    return m_state.arena[id].state.compare_exchange_strong(expected, RequestState::Processing,
                                                           std::memory_order_acq_rel);
}

}  // namespace stampede::pipeline
