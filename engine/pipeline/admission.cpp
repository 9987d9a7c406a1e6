#include "pipeline/admission.h"

namespace stampede::pipeline {

using core::RejectReason;
using core::Request;
using core::RequestState;

Admission::Admission(const RunPlan& plan, RunState& state) : m_plan(plan), m_state(state) {
    m_index.reserve(plan.arrivals.size());
}

// Why a request is refused at the door, or None.
RejectReason Admission::refusal(const CampaignRuntime& rt, bool verified,
                                std::int64_t scenarioUs) const {
    const core::Campaign& def = rt.def;
    const std::int64_t scenarioMs = scenarioUs / 1000;
    if (scenarioMs < def.opensAfterMs || (def.closesAfterMs && scenarioMs >= *def.closesAfterMs) ||
        rt.drawn.load(std::memory_order_relaxed))
        return RejectReason::Closed;
    if (def.requiresVerification && !verified) return RejectReason::NotVerified;
    const RunQueue& queue = m_state.queue;
    if (m_plan.config.backpressure == core::Backpressure::Shed && queue.exists() &&
        def.policy == core::Policy::FirstCome &&
        queue.transport().depth() >= static_cast<std::size_t>(m_plan.config.queueCapacity) *
                                         static_cast<std::size_t>(queue.transport().partitions()))
        return RejectReason::Overloaded;
    return RejectReason::None;
}

AdmitResult Admission::admit(Lane& lane, int campaign, std::uint64_t user, bool verified,
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
    Request& r = arena[id];
    r.user = user;
    r.campaign = static_cast<std::uint16_t>(campaign);
    r.flags = verified ? Request::kVerified : 0;
    r.receivedNs = now;
    const RejectReason reason = refusal(rt, verified, scenarioUs);

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
        return {Admitted::Rejected, id};
    }
    r.seq = ++m_nextSeq;
    r.queuedNs = now;
    block.move(campaign, RequestState::Received, RequestState::Queued);
    r.state.store(RequestState::Queued, std::memory_order_release);
    if (rt.def.policy == core::Policy::Lottery) {
        r.flags |= Request::kLotteryEntry;
        rt.lotteryEntries.push_back(id);
        return {Admitted::LotteryEntry, id};
    }
    return {Admitted::Queued, id};
}

std::vector<core::RequestId> Admission::closeLottery(int campaign) {
    CampaignRuntime& rt = m_state.campaign(campaign);
    std::lock_guard lock(m_mutex);
    if (rt.drawn.exchange(true)) return {};
    return std::move(rt.lotteryEntries);
}

}  // namespace stampede::pipeline
