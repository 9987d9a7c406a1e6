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

}  // namespace stampede::pipeline
