#pragma once
// Workers in other processes (`stampede-cli worker`): what the run tells them when it starts
// (the topics are the transport's; the guard's shared stock, the campaigns and the retry rules
// are the run's), and how their decisions come back into the run's own records. A decision for a
// request that already ended here (a copy decided twice after a rebalance) changes nothing.
// Internal to the pipeline.

#include <string>

#include "pipeline/decisions.h"

namespace stampede::pipeline {

class RemoteResults {
public:
    RemoteResults(const RunPlan& plan, RunState& state, Decisions& decisions, SharedLane& lane)
        : m_plan(plan), m_state(state), m_decisions(decisions), m_lane(lane) {}

    // The run announcement's JSON (transport/run_announcement.h).
    std::string announcement() const;
    // The other processes' decisions since the last call, applied (the monitor's thread).
    void apply();

private:
    void applyOne(Lane& lane, const transport::RemoteResult& result);

    const RunPlan& m_plan;
    RunState& m_state;
    Decisions& m_decisions;
    SharedLane& m_lane;
};

}  // namespace stampede::pipeline
