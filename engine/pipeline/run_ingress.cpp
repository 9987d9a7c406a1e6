// The ingress side of a run: admission (idempotency, verification gate, campaign window, the
// fairness sequence, backpressure) and the feeders that play the scenario's arrivals.

#include <algorithm>
#include <optional>

#include "core/thread_name.h"
#include "pipeline/partition_batches.h"
#include "pipeline/run.h"

namespace stampede::pipeline {

using core::RejectReason;
using core::Request;
using core::RequestState;

namespace {
constexpr std::size_t kPrefetchAhead = 8;
constexpr std::size_t kClockEvery = 8;  // a power of two
}  // namespace

// Caller holds m_ingressMutex. Appends the request, stamps its sequence if it is queued, and
// records both steps in the lane's counters.
Run::AdmitResult Run::admit(Lane& lane, int campaign, std::uint64_t user, bool verified,
                            std::int64_t scenarioUs, std::int64_t now) {
    CampaignRuntime& rt = *m_campaigns[std::size_t(campaign)];
    const core::Campaign& def = rt.def;
    metrics::CounterBlock& block = *lane.block;

    core::RequestId id = m_arena.size();
    if (def.oneIssuePerUser) {
        const core::RequestId existing =
            m_index.insertOrGet(ingress::IdempotencyIndex::keyOf(campaign, user), id);
        if (existing != id) {
            metrics::CounterWrite w(block);
            block.add(campaign, metrics::Field::Requests, 1);
            block.add(campaign, metrics::Field::Duplicates, 1);
            return {Admission::Duplicate, existing};
        }
    }
    if (m_arena.append() != id) return {Admission::Rejected, core::kNoRequest};
    Request& r = m_arena[id];
    r.user = user;
    r.campaign = static_cast<std::uint16_t>(campaign);
    r.flags = verified ? Request::kVerified : 0;
    r.receivedNs = now;

    RejectReason reason = RejectReason::None;
    const std::int64_t scenarioMs = scenarioUs / 1000;
    if (scenarioMs < def.opensAfterMs || (def.closesAfterMs && scenarioMs >= *def.closesAfterMs) ||
        rt.drawn.load(std::memory_order_relaxed))
        reason = RejectReason::Closed;
    else if (def.requiresVerification && !verified)
        reason = RejectReason::NotVerified;
    else if (m_config.backpressure == core::Backpressure::Shed && m_transport &&
             def.policy == core::Policy::FirstCome &&
             m_transport->depth() >= static_cast<std::size_t>(m_config.queueCapacity) *
                                         static_cast<std::size_t>(m_transport->partitions()))
        reason = RejectReason::Overloaded;

    metrics::CounterWrite w(block);
    block.add(campaign, metrics::Field::Requests, 1);
    block.add(campaign, metrics::stateField(RequestState::Received), 1);
    if (reason != RejectReason::None) {
        r.reason = reason;
        r.finishedNs = now;
        block.move(campaign, RequestState::Received, RequestState::Rejected);
        block.add(campaign, metrics::reasonField(reason), 1);
        r.state.store(RequestState::Rejected, std::memory_order_release);
        block.endToEnd.record(0);
        return {Admission::Rejected, id};
    }
    r.seq = ++m_nextSeq;
    r.queuedNs = now;
    block.move(campaign, RequestState::Received, RequestState::Queued);
    r.state.store(RequestState::Queued, std::memory_order_release);
    if (def.policy == core::Policy::Lottery) {
        r.flags |= Request::kLotteryEntry;
        rt.lotteryEntries.push_back(id);
        return {Admission::LotteryEntry, id};
    }
    return {Admission::Queued, id};
}

// Backpressure: a full partition waits for its consumer (shedding was decided at admission).
// False once the run shuts down.
bool Run::waitForRoom(int partition, int spins) {
    if (m_shutdown.load(std::memory_order_relaxed)) return false;
    notifyPartition(partition);
    if (spins < 16)
        std::this_thread::yield();
    else
        std::this_thread::sleep_for(std::chrono::microseconds(50));
    return true;
}

bool Run::pushBatch(int partition, std::span<const std::uint32_t> messages) {
    std::size_t sent = 0;
    for (int spins = 0; sent < messages.size(); ++spins) {
        const std::size_t k =
            m_inproc->tryPushBatch(partition, messages.data() + sent, messages.size() - sent);
        sent += k;
        if (k == 0 && !waitForRoom(partition, spins)) return false;
    }
    return true;
}

bool Run::pushToTransport(core::RequestId id, std::uint32_t message) {
    const Request& r = m_arena[id];
    const int partition =
        m_transport->partitionFor(ingress::IdempotencyIndex::keyOf(r.campaign, r.user));
    const transport::Envelope envelope{message, r.campaign, r.flags, r.user};
    for (int spins = 0; !tryPushMessage(partition, envelope); ++spins)
        if (!waitForRoom(partition, spins)) return false;
    return true;
}

// After admission, outside the ingress lock: what the pipeline does next with a queued request.
void Run::afterAdmission(Lane& lane, const AdmitResult& admitted) {
    if (admitted.kind != Admission::Queued) return;
    switch (m_config.pipeline) {
        case core::Pipeline::Sync:
            processToEnd(lane, admitted.id);
            break;
        case core::Pipeline::DecideAtIngress:
            decideAtIngress(lane, admitted.id);
            break;
        case core::Pipeline::DecideInWorker: {
            pushToTransport(admitted.id, admitted.id);
            const Request& r = m_arena[admitted.id];
            notifyPartition(
                m_transport->partitionFor(ingress::IdempotencyIndex::keyOf(r.campaign, r.user)));
            break;
        }
    }
}

// decide-at-ingress: the ingress thread takes the unit (seeds 002/003: Redis Lua at the API);
// the queue then only carries the persistence of an issue already decided.
void Run::decideAtIngress(Lane& lane, core::RequestId id) {
    Request& r = m_arena[id];
    const guards::TakeResult taken = m_guard->take(r.campaign, lane.index);
    if (taken == guards::TakeResult::SoldOut) {
        const std::int64_t now = m_clock.nowNs();
        {
            metrics::CounterWrite w(*lane.block);
            lane.block->move(r.campaign, RequestState::Queued, RequestState::Processing);
        }
        r.startedNs = now;
        lane.block->queueWait.record(static_cast<std::uint64_t>(now - r.queuedNs));
        finish(lane, r, RequestState::Rejected, RejectReason::SoldOut, now);
        return;
    }
    // Unavailable: the worker decides instead, with retries, as decide-in-worker would.
    if (taken == guards::TakeResult::Taken) r.flags |= Request::kStockReserved;
    if (pushToTransport(id, id))
        notifyPartition(
            m_transport->partitionFor(ingress::IdempotencyIndex::keyOf(r.campaign, r.user)));
}

void Run::feederLoop(int feeder) {
    core::nameThisThread("sp-ingress-" + std::to_string(feeder));
    Lane lane{feeder, m_feederBlocks[std::size_t(feeder)].get()};
    const bool inWorker = m_config.pipeline == core::Pipeline::DecideInWorker;
    // Ingress threads that decide take few arrivals at a time, so they interleave like the
    // request threads of a web server; the lone decide-in-worker ingress takes many.
    const std::size_t chunk = inWorker ? 256 : 4;
    const std::size_t total = m_arrivals.size();
    const bool realtime = m_config.pace == core::Pace::Realtime;
    // The in-memory rings take the decide-in-worker ingress's messages a run at a time.
    std::optional<PartitionBatches> batches;
    if (inWorker && m_inproc) batches.emplace(m_transport->partitions());
    for (;;) {
        if (m_stopRequested.load(std::memory_order_relaxed)) break;
        waitWhilePaused();
        // Publish a lower bound first: the chunk taken next starts at or after the cursor.
        setFeederAt(feeder, m_cursor.load(std::memory_order_relaxed));
        const std::size_t begin = m_cursor.fetch_add(chunk, std::memory_order_relaxed);
        if (begin >= total) break;
        const std::size_t end = std::min(begin + chunk, total);
        setFeederAt(feeder, begin);
        if (inWorker) {
            feedInWorker(feeder, lane, begin, end, batches ? &*batches : nullptr);
            continue;
        }
        for (std::size_t i = begin; i < end; ++i) {
            const sim::Arrival& a = m_arrivals[i];
            if (realtime && !waitUntilScheduled(a.atUs)) break;
            AdmitResult admitted;
            {
                std::lock_guard lock(m_ingressMutex);
                admitted = admit(lane, a.campaign, a.user, a.verified(), a.atUs, m_clock.nowNs());
            }
            setFeederAt(feeder, i + 1);
            m_arrivalsFed.fetch_add(1, std::memory_order_relaxed);
            afterAdmission(lane, admitted);
        }
    }
    setFeederAt(feeder, total);
}

// Realtime pace: sleeps until the arrival's scheduled time. False if the run is stopping.
bool Run::waitUntilScheduled(std::int64_t atUs) {
    while (scenarioNowUs() < atUs) {
        if (m_stopRequested.load(std::memory_order_relaxed)) return false;
        waitWhilePaused();
        m_clock.sleepUntil(m_clock.nowNs() +
                           std::min<std::int64_t>(atUs - scenarioNowUs(), 20'000) * 1000);
    }
    return true;
}

// The decide-in-worker ingress: admits every arrival that is due in one lock hold and pushes it
// under the same lock, so partition order is sequence order (seed 001's fairness).
void Run::feedInWorker(int feeder, Lane& lane, std::size_t begin, std::size_t end,
                       PartitionBatches* batches) {
    const bool realtime = m_config.pace == core::Pace::Realtime;
    const auto push = [this](int partition, std::span<const std::uint32_t> messages) {
        pushBatch(partition, messages);
    };
    std::size_t i = begin;
    while (i < end) {
        if (realtime && !waitUntilScheduled(m_arrivals[i].atUs)) return;
        const std::int64_t nowUs = realtime ? scenarioNowUs() : 0;
        std::size_t fed = 0;
        std::int64_t now = 0;
        {
            std::lock_guard lock(m_ingressMutex);
            for (; i < end && (!realtime || m_arrivals[i].atUs <= nowUs); ++i, ++fed) {
                // One clock read per few admissions: they are a few hundred nanoseconds apart.
                if ((fed & (kClockEvery - 1)) == 0) now = m_clock.nowNs();
                // The index is far bigger than the caches: ask for the slots of arrivals a few
                // places ahead while this one is admitted.
                if (i + kPrefetchAhead < m_arrivals.size()) {
                    const sim::Arrival& ahead = m_arrivals[i + kPrefetchAhead];
                    m_index.prefetch(ingress::IdempotencyIndex::keyOf(ahead.campaign, ahead.user));
                }
                const sim::Arrival& a = m_arrivals[i];
                const AdmitResult admitted =
                    admit(lane, a.campaign, a.user, a.verified(), a.atUs, now);
                if (admitted.kind != Admission::Queued) continue;
                if (!batches) {
                    pushToTransport(admitted.id, admitted.id);
                    continue;
                }
                const int partition =
                    m_transport->partitionFor(ingress::IdempotencyIndex::keyOf(a.campaign, a.user));
                batches->add(partition, admitted.id, push);
            }
            if (batches) batches->flush(push);  // under the lock: partition order = sequence
        }
        setFeederAt(feeder, i);
        m_arrivalsFed.fetch_add(static_cast<std::int64_t>(fed), std::memory_order_relaxed);
        notifyAllPartitions();
    }
}

}  // namespace stampede::pipeline
