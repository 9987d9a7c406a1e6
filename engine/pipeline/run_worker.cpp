// The processing side of a run: one attempt of one request (bulkhead, rate cap, injected faults,
// the guard's decision, retries with backoff, the DLQ) and the worker loop around it.

#include <algorithm>
#include <functional>

#include "core/thread_name.h"
#include "pipeline/run.h"

namespace stampede::pipeline {

using core::RejectReason;
using core::Request;
using core::RequestState;

namespace {
constexpr std::uint8_t kReplayedFlag = Request::kReplayed;
constexpr int kSpinPolls = 256;  // a few microseconds
constexpr auto kLaterFirst = std::greater<>();
}  // namespace

void Run::finish(Lane& lane, Request& r, RequestState to, RejectReason reason, std::int64_t nowNs) {
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

void Run::deadLetter(Lane& lane, core::RequestId id, std::string reason, std::string error,
                     std::int64_t nowNs) {
    Request& r = m_arena[id];
    dlq::DeadLetter letter;
    letter.requestId = id;
    letter.campaign = r.campaign;
    letter.campaignId = m_scenario.campaigns[r.campaign].id;
    letter.user = r.user;
    letter.reason = std::move(reason);
    letter.attempts = r.attempts;
    if (r.flags & Request::kHasFailures) letter.errors = m_failures.takeAll(id);
    letter.errors.push_back({r.attempts, nowNs, std::move(error)});
    letter.receivedNs = r.receivedNs;
    letter.deadLetteredNs = nowNs;
    letter.replays = (r.flags & kReplayedFlag) ? 1 : 0;
    letter.payload = "{\"request_id\":" + std::to_string(id) + ",\"campaign\":\"" +
                     letter.campaignId + "\",\"user\":\"" + m_users.nameOf(r.user) +
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
    if (m_remoteLink)
        m_remoteLink->publishDeadLetter(id, dlq::toJson(letter, m_deadLetterOrigin));
    m_dlq.add(std::move(letter));
}

bool Run::shouldCrash() {
    if (m_crashAt.empty()) return false;
    const std::int64_t n = m_attemptCounter.fetch_add(1, std::memory_order_relaxed) + 1;
    return std::binary_search(m_crashAt.begin(), m_crashAt.end(), n);
}

Run::AttemptEnd Run::processAttempt(Lane& lane, core::RequestId id, std::int64_t& retryDueNs) {
    Request& r = m_arena[id];
    const int campaign = r.campaign;
    CampaignRuntime& rt = *m_campaigns[std::size_t(campaign)];
    // Never before the request was queued (it may have arrived after the last one ended).
    std::int64_t now = lane.lastNs >= 0 ? std::max(lane.lastNs, r.queuedNs) : m_clock.nowNs();
    lane.lastNs = -1;  // anything that returns early below leaves the clock to be read again
    {
        metrics::CounterWrite w(*lane.block);
        lane.block->move(campaign, RequestState::Queued, RequestState::Processing);
    }
    r.state.store(RequestState::Processing, std::memory_order_relaxed);
    r.startedNs = now;
    ++r.attempts;
    lane.block->queueWait.record(static_cast<std::uint64_t>(now - r.queuedNs));

    // Bulkhead, then the rate cap: both hold this request, never the others' decisions.
    // Unlimited campaigns skip the bulkhead: its shared counter would cost every decision a
    // contended atomic.
    const bool bulkhead = rt.bulkhead.limited();
    for (int spins = 0; bulkhead && !rt.bulkhead.tryEnter(); ++spins) {
        if (m_shutdown.load(std::memory_order_relaxed)) break;
        if (spins < 8)
            std::this_thread::yield();
        else
            std::this_thread::sleep_for(std::chrono::microseconds(20));
    }
    if (rt.limiter.limited()) m_clock.sleepUntil(rt.limiter.reserve(m_clock.nowNs()));

    if (shouldCrash()) {
        if (bulkhead) rt.bulkhead.leave();
        return AttemptEnd::Crashed;
    }

    const std::uint64_t key = ingress::IdempotencyIndex::keyOf(campaign, r.user);
    FaultOutcome fault = FaultOutcome::None;
    // Replays come after the operator fixed the cause: no injected faults for them.
    if (m_faults.enabled() && !(r.flags & kReplayedFlag)) {
        if (const std::int64_t delay = m_faults.delayNs(key, r.attempts); delay > 0)
            m_clock.sleepUntil(m_clock.nowNs() + delay);
        fault = m_faults.outcome(key, r.attempts);
    }

    std::string error;
    RequestState to = RequestState::Succeeded;
    RejectReason reason = RejectReason::None;
    if (fault == FaultOutcome::None) {
        if ((r.flags & Request::kLotteryEntry) && !(r.flags & Request::kLotteryWinner)) {
            to = RequestState::Rejected;
            reason = RejectReason::LotteryLost;
        } else if (!(r.flags & Request::kStockReserved)) {
            const guards::TakeResult taken = m_takeByUser
                                                 ? m_guard->takeFor(campaign, lane.index, r.user)
                                                 : m_guard->take(campaign, lane.index);
            switch (taken) {
                case guards::TakeResult::Taken:
                    break;
                case guards::TakeResult::SoldOut:
                    to = RequestState::Rejected;
                    reason = RejectReason::SoldOut;
                    break;
                case guards::TakeResult::Unavailable:
                    fault = FaultOutcome::Transient;
                    error = "guard unavailable";
                    break;
            }
        }
    } else {
        error = fault == FaultOutcome::Permanent ? "injected permanent failure"
                                                 : "injected transient failure";
    }
    now = m_clock.nowNs();
    if (bulkhead) rt.bulkhead.leave();

    lane.lastNs = now;
    if (fault == FaultOutcome::None) {
        finish(lane, r, to, reason, now);
        if (r.flags & Request::kHasFailures) m_failures.forget(id);
        return AttemptEnd::Final;
    }
    if (fault == FaultOutcome::Transient && r.attempts < m_config.maxAttempts) {
        m_failures.append(id, {r.attempts, now, error});
        r.flags |= Request::kHasFailures;
        {
            metrics::CounterWrite w(*lane.block);
            lane.block->move(campaign, RequestState::Processing, RequestState::Queued);
            lane.block->add(campaign, metrics::Field::Retries, 1);
        }
        r.queuedNs = now;
        r.state.store(RequestState::Queued, std::memory_order_release);
        lane.block->processing.record(static_cast<std::uint64_t>(now - r.startedNs));
        retryDueNs = now + m_faults.backoffNs(key, r.attempts, m_config.retryBackoffMs,
                                              m_config.retryBackoffMaxMs);
        return AttemptEnd::Retry;
    }
    deadLetter(lane, id,
               fault == FaultOutcome::Permanent ? "permanent failure" : "retries exhausted",
               std::move(error), now);
    return AttemptEnd::Final;
}

// The in-flight request of a crashed worker goes back to QUEUED for the next one to take: the
// message was never acknowledged, so it is redelivered, not lost.
void Run::redeliver(Lane& lane, core::RequestId id) {
    Request& r = m_arena[id];
    {
        metrics::CounterWrite w(*lane.block);
        lane.block->move(r.campaign, RequestState::Processing, RequestState::Queued);
        lane.block->add(r.campaign, metrics::Field::Redeliveries, 1);
    }
    r.queuedNs = m_clock.nowNs();
    r.state.store(RequestState::Queued, std::memory_order_release);
}

void Run::processToEnd(Lane& lane, core::RequestId id) {
    for (;;) {
        std::int64_t due = 0;
        switch (processAttempt(lane, id, due)) {
            case AttemptEnd::Final:
                return;
            case AttemptEnd::Retry:
                m_clock.sleepUntil(due);
                break;
            case AttemptEnd::Crashed:
                m_crashes.fetch_add(1, std::memory_order_relaxed);
                redeliver(lane, id);
                break;
        }
    }
}

// A replayed entry is accepted when the worker takes it out of the DLQ; one that is gone
// (purged, or taken by an earlier replay) is dropped, so a replay can never issue twice.
bool Run::acceptReplay(Lane& lane, core::RequestId id) {
    Request& r = m_arena[id];
    if (r.loadState() != RequestState::FailedFinal || !m_dlq.take(id)) return false;
    {
        metrics::CounterWrite w(*lane.block);
        lane.block->move(r.campaign, RequestState::FailedFinal, RequestState::Queued);
        lane.block->add(r.campaign, metrics::Field::Replayed, 1);
    }
    r.flags |= kReplayedFlag;
    r.flags &= static_cast<std::uint8_t>(~Request::kHasFailures);
    r.attempts = 0;
    r.queuedNs = m_clock.nowNs();
    r.state.store(RequestState::Queued, std::memory_order_release);
    return true;
}

// A transport that redelivers (Kafka after a rebalance or a loss) can hand the same request to
// two consumers: only the one that moves it from QUEUED to PROCESSING may decide. The others
// acknowledge their copy and drop it; the request ends once, by its owner.
bool Run::claimDelivered(core::RequestId id) {
    if (id >= m_arena.size()) return false;
    RequestState expected = RequestState::Queued;
    return m_arena[id].state.compare_exchange_strong(expected, RequestState::Processing,
                                                     std::memory_order_acq_rel);
}

void Run::handleMessage(int worker, Lane& lane, const transport::Delivery& delivery) {
    const core::RequestId id = delivery.message & ~kReplayBit;
    const bool redelivers = !m_inproc && m_transport && m_transport->redelivers();
    if ((delivery.message & kReplayBit) && !acceptReplay(lane, id)) {
        if (!m_inproc) m_transport->acknowledge(worker, delivery.token);
        return;
    }
    if (redelivers && !claimDelivered(id)) {
        m_transport->acknowledge(worker, delivery.token);
        return;
    }
    WorkerSlot& slot = *m_workers[std::size_t(worker)];
    std::int64_t due = 0;
    switch (processAttempt(lane, id, due)) {
        case AttemptEnd::Final:
            if (!m_inproc) m_transport->acknowledge(worker, delivery.token);
            break;
        case AttemptEnd::Retry:
            slot.retries.push_back({due, id, delivery.token});
            std::push_heap(slot.retries.begin(), slot.retries.end(), kLaterFirst);
            break;
        case AttemptEnd::Crashed:
            slot.inflight = id;
            slot.inflightToken = delivery.token;
            slot.crashed.store(true, std::memory_order_release);
            break;
    }
}

void Run::handleBatch(int worker, Lane& lane, std::span<const std::uint32_t> messages) {
    WorkerSlot& slot = *m_workers[std::size_t(worker)];
    constexpr std::size_t kPrefetchAhead = 4;
    for (std::size_t i = 0; i < messages.size(); ++i) {
        if (slot.crashed.load(std::memory_order_relaxed) ||
            m_paused.load(std::memory_order_relaxed)) {
            slot.backlog.insert(slot.backlog.end(), messages.begin() + std::ptrdiff_t(i),
                                messages.end());
            return;
        }
        // The ingress wrote these records on another core: ask for the next ones early.
        if (i + kPrefetchAhead < messages.size())
            __builtin_prefetch(&m_arena[messages[i + kPrefetchAhead] & ~kReplayBit], 1);
        handleMessage(worker, lane, {messages[i], 0});
    }
}

// A burst leaves gaps of microseconds between batches: polling through them costs less than the
// futex sleep and wake-up a condition variable needs (measured: ~2x fewer context switches).
std::size_t Run::spinForBatch(int worker, std::uint32_t* messages, std::size_t max) {
    for (int i = 0; i < kSpinPolls; ++i) {
#if defined(__x86_64__) || defined(__i386__)
        __builtin_ia32_pause();
#endif
        if (const std::size_t k = m_inproc->tryPopBatch(worker, messages, max)) return k;
    }
    return 0;
}

void Run::workerLoop(int worker) {
    WorkerSlot& slot = *m_workers[std::size_t(worker)];
    Lane lane{m_feederCount + worker, slot.block.get()};
    core::nameThisThread("sp-worker-" + std::to_string(worker));
    if (slot.inflight != core::kNoRequest) {
        const transport::Delivery again{slot.inflight, slot.inflightToken};
        slot.inflight = core::kNoRequest;
        redeliver(lane, again.message);
        handleMessage(worker, lane, again);
    }
    constexpr std::size_t kPopBatch = 32;
    std::uint32_t popped[kPopBatch];
    while (!m_shutdown.load(std::memory_order_relaxed)) {
        if (slot.crashed.load(std::memory_order_relaxed)) return;  // the monitor restarts us
        if (m_paused.load(std::memory_order_relaxed)) {
            lane.lastNs = -1;
            waitWhilePaused();
            continue;
        }
        if (!slot.backlog.empty()) {  // popped before a crash or a pause
            std::vector<std::uint32_t> pending;
            pending.swap(slot.backlog);
            handleBatch(worker, lane, pending);
            continue;
        }
        // Retries are due by the clock; new messages are taken as they come.
        const std::int64_t now = slot.retries.empty() ? 0 : m_clock.nowNs();
        if (!slot.retries.empty() && slot.retries.front().dueNs <= now) {
            std::pop_heap(slot.retries.begin(), slot.retries.end(), kLaterFirst);
            const RetryEntry due = slot.retries.back();
            slot.retries.pop_back();
            handleMessage(worker, lane, {due.id, due.token});
            continue;
        }
        if (m_inproc) {
            std::size_t k = m_inproc->tryPopBatch(worker, popped, kPopBatch);
            if (k == 0) k = spinForBatch(worker, popped, kPopBatch);
            if (k > 0) {
                handleBatch(worker, lane, std::span<const std::uint32_t>(popped, k));
                continue;
            }
        }
        transport::Delivery delivery;
        if (!m_inproc && tryPopMessage(worker, delivery)) {
            handleMessage(worker, lane, delivery);
            continue;
        }
        const std::int64_t timeout =
            slot.retries.empty()
                ? 20'000'000
                : std::clamp<std::int64_t>(slot.retries.front().dueNs - now, 0, 20'000'000);
        lane.lastNs = -1;  // after a wait, the next start is read from the clock
        if (timeout > 0) m_transport->waitForWork(worker, timeout);
    }
}

}  // namespace stampede::pipeline
