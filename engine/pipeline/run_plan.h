#pragma once
// What a run is, decided before it starts and never changed after: the scenario and its
// configuration (as the guard allows it), the arrivals, the injected faults, how many threads of
// each kind and which guard lane each has. Internal to the pipeline.

#include <cstdint>
#include <vector>

#include "guards/decider.h"
#include "pipeline/fault_plan.h"
#include "sim/arrivals.h"
#include "stampede/run_types.h"
#include "stampede/sim/scenario.h"

namespace stampede::pipeline {

struct RunPlan {
    sim::Scenario scenario;
    StartOptions options;
    core::RunConfig config;  // the scenario's, as the guard allows it (single-consumer: one lane)
    std::vector<sim::Arrival> arrivals;
    FaultPlan faults;
    guards::RetryPolicy retry;
    std::vector<std::int64_t> crashAt;  // attempt numbers at which a worker crashes
    int feederCount = 1;
    int workerCount = 0;  // 0 in sync
    // Guard lanes: feeders first, then workers, then the coordinator, the replay and the API.
    int coordinatorLane = 0, replayLane = 0, apiLane = 0, laneCount = 0;

    static RunPlan make(const sim::Scenario& scenario, const StartOptions& options,
                        bool singleConsumer);
    bool queued() const { return config.pipeline != core::Pipeline::Sync; }
    int campaigns() const { return static_cast<int>(scenario.campaigns.size()); }
    int workerLane(int worker) const { return feederCount + worker; }
};

}  // namespace stampede::pipeline
