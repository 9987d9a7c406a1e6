#pragma once
// Admission, under one lock: idempotency (one request per user where the campaign says so), the
// verification gate, the campaign's window, the fairness sequence, shedding under backpressure,
// and the lottery's entries. Internal to the pipeline.

#include <cstdint>
#include <mutex>
#include <vector>

#include "ingress/idempotency_index.h"
#include "pipeline/lane.h"
#include "pipeline/run_plan.h"
#include "pipeline/run_state.h"

namespace stampede::pipeline {

enum class Admitted : std::uint8_t { Duplicate, Rejected, Queued, LotteryEntry };
struct AdmitResult {
    Admitted kind = Admitted::Rejected;
    core::RequestId id = core::kNoRequest;  // a duplicate's: the first request's
};

class Admission {
public:
    Admission(const RunPlan& plan, RunState& state);

    // The admission lock: held around admit(), and by whoever must see admissions in order.
    std::mutex& mutex() { return m_mutex; }
    // Caller holds mutex(). Appends the request, stamps its sequence if it is queued, and
    // records both steps in the lane's counters. kNoRequest when the arena is full.
    AdmitResult admit(Lane& lane, int campaign, std::uint64_t user, bool verified,
                      std::int64_t scenarioUs, std::int64_t nowNs);
    // Asks for the index slot of a request admitted soon (the index is far bigger than caches).
    void prefetch(int campaign, std::uint64_t user) const {
        m_index.prefetch(ingress::IdempotencyIndex::keyOf(campaign, user));
    }
    // Caller holds mutex(). The request admitted for (campaign, user), or kNoRequest.
    core::RequestId find(int campaign, std::uint64_t user) const {
        return m_index.find(ingress::IdempotencyIndex::keyOf(campaign, user));
    }
    // The lottery's entrants, once: empty if it was drawn already.
    std::vector<core::RequestId> closeLottery(int campaign);

private:
    core::RejectReason refusal(const CampaignRuntime& rt, bool verified,
                               std::int64_t scenarioUs) const;

    const RunPlan& m_plan;
    RunState& m_state;
    std::mutex m_mutex;
    ingress::IdempotencyIndex m_index;
    std::uint32_t m_nextSeq = 0;
};

// Inline: the ingress makes one admission per arrival, and a call into another file costs it
// a tenth of its speed (measured).
// Why a request is refused at the door, or None.
inline core::RejectReason Admission::refusal(const CampaignRuntime& rt, bool verified,
                                             std::int64_t scenarioUs) const {
    const core::Campaign& def = rt.def;
    const std::int64_t scenarioMs = scenarioUs / 1000;
    if (scenarioMs < def.opensAfterMs || (def.closesAfterMs && scenarioMs >= *def.closesAfterMs) ||
        rt.drawn.load(std::memory_order_relaxed))
        return core::RejectReason::Closed;
    if (def.requiresVerification && !verified) return core::RejectReason::NotVerified;
    const RunQueue& queue = m_state.queue;
    if (m_plan.config.backpressure == core::Backpressure::Shed && queue.exists() &&
        def.policy == core::Policy::FirstCome &&
        queue.transport().depth() >= static_cast<std::size_t>(m_plan.config.queueCapacity) *
                                         static_cast<std::size_t>(queue.transport().partitions()))
        return core::RejectReason::Overloaded;
    return core::RejectReason::None;
}

inline AdmitResult Admission::admit(Lane& lane, int campaign, std::uint64_t user, bool verified,
                                    std::int64_t scenarioUs, std::int64_t now) {
    CampaignRuntime& rt = m_state.campaign(campaign);
    metrics::CounterBlock& block = *lane.block;
    core::RequestArena& arena = m_state.arena;

    core::RequestId id = arena.size();
    if (rt.def.oneIssuePerUser) {
        const core::RequestId existing =
            m_index.insertOrGet(ingress::IdempotencyIndex::keyOf(campaign, user), id);
        if (existing != id) {
            metrics::CounterWrite w(block);
            block.add(campaign, metrics::Field::Requests, 1);
            block.add(campaign, metrics::Field::Duplicates, 1);
            return {Admitted::Duplicate, existing};
        }
    }
    if (arena.append() != id) return {Admitted::Rejected, core::kNoRequest};
    core::Request& r = arena[id];
    r.user = user;
    r.campaign = static_cast<std::uint16_t>(campaign);
    r.flags = verified ? core::Request::kVerified : 0;
    r.receivedNs = now;
    const core::RejectReason reason = refusal(rt, verified, scenarioUs);

    metrics::CounterWrite w(block);
    block.add(campaign, metrics::Field::Requests, 1);
    block.add(campaign, metrics::stateField(core::RequestState::Received), 1);
    if (reason != core::RejectReason::None) {
        r.reason = reason;
        r.finishedNs = now;
        block.move(campaign, core::RequestState::Received, core::RequestState::Rejected);
        block.add(campaign, metrics::reasonField(reason), 1);
        r.state.store(core::RequestState::Rejected, std::memory_order_release);
        block.endToEnd.record(0);
        return {Admitted::Rejected, id};
    }
    r.seq = ++m_nextSeq;
    r.queuedNs = now;
    block.move(campaign, core::RequestState::Received, core::RequestState::Queued);
    r.state.store(core::RequestState::Queued, std::memory_order_release);
    if (rt.def.policy == core::Policy::Lottery) {
        r.flags |= core::Request::kLotteryEntry;
        rt.lotteryEntries.push_back(id);
        return {Admitted::LotteryEntry, id};
    }
    return {Admitted::Queued, id};
}

}  // namespace stampede::pipeline
