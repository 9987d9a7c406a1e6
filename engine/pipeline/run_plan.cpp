#include "pipeline/run_plan.h"

#include <algorithm>

namespace stampede::pipeline {

RunPlan RunPlan::make(const sim::Scenario& scenario, const StartOptions& options,
                      bool singleConsumer) {
    RunPlan plan;
    plan.scenario = scenario;
    plan.options = options;
    plan.config = scenario.run;
    // single-consumer is one partition read by one consumer, whatever else was asked.
    if (singleConsumer) {
        plan.config.partitions = 1;
        plan.config.workers = 1;
    }
    if (options.arrivals) {
        // A replay's arrivals; one naming no campaign or no user cannot be played.
        plan.arrivals.reserve(options.arrivals->size());
        for (const GivenArrival& a : *options.arrivals)
            if (a.campaign < scenario.campaigns.size() && a.user > 0)
                plan.arrivals.push_back({a.atUs, a.user, a.campaign,
                                         a.verified ? sim::Arrival::kVerified : std::uint8_t(0)});
    } else {
        plan.arrivals = sim::generateArrivals(scenario);
    }
    plan.faults = FaultPlan(scenario.faults, scenario.seed);
    plan.retry = guards::RetryPolicy::of(plan.config);
    plan.feederCount = plan.config.pipeline == core::Pipeline::DecideInWorker
                           ? 1
                           : std::max(1, plan.config.workers);
    plan.workerCount = plan.queued() ? plan.config.workers : 0;
    int lane = plan.feederCount + plan.workerCount;
    plan.coordinatorLane = lane++;
    plan.replayLane = lane++;
    plan.apiLane = lane++;
    plan.laneCount = lane;
    const int crashes = scenario.faults.workerCrashes;
    for (int k = 1; k <= crashes; ++k)
        plan.crashAt.push_back(static_cast<std::int64_t>(plan.arrivals.size()) * k / (crashes + 1) +
                               1);
    return plan;
}

}  // namespace stampede::pipeline
