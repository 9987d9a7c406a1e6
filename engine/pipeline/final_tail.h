#pragma once
// The store's view of a run. It follows the request arena from behind, reading only requests
// that are final (their fields were all written before the final state was stored), so the
// decision path pays nothing for persistence. Internal to the pipeline.

#include <mutex>
#include <vector>

#include "pipeline/run_plan.h"
#include "pipeline/run_state.h"

namespace stampede::pipeline {

class FinalTail {
public:
    FinalTail(const RunPlan& plan, RunState& state) : m_plan(plan), m_state(state) {}

    // Appends to `out` up to `max` requests that became final since the last call; how many.
    std::size_t take(std::vector<FinalRequest>& out, std::size_t max);

private:
    void emit(std::vector<FinalRequest>& out, core::RequestId id, core::RequestState state) const;
    void takeWatched(std::vector<FinalRequest>& out, std::size_t max, std::size_t before);
    void advanceLowWater();

    const RunPlan& m_plan;
    RunState& m_state;
    // Every request below m_low is final and was looked at; those above it that were already
    // handed out are marked; dead letters are watched for a late success.
    std::mutex m_mutex;
    std::uint32_t m_low = 0;
    std::vector<bool> m_taken;  // index = id - m_low
    std::vector<core::RequestId> m_watched;
};

}  // namespace stampede::pipeline
