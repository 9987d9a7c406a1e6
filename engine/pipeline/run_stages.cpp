#include "pipeline/run_stages.h"

namespace stampede::pipeline {

RunStages::RunStages(const RunPlan& plan, RunState& state)
    : decisions(plan, state),
      admission(plan, state),
      handoff(plan, state, decisions),
      feeders(plan, state, admission, handoff),
      workers(plan, state, decisions),
      coordinator(plan, state, admission, handoff, feeders),
      deadLetters(plan, state, decisions),
      api(plan.apiLane, plan.campaigns()),
      recovery(state, decisions, handoff, api),
      remote(plan, state, decisions, api),
      settlement(plan, state, decisions, api),
      tail(plan, state),
      snapshots(plan, state, feeders, coordinator, decisions, blocksDownstreamFirst()),
      monitor(plan, state, snapshots, workers, recovery, remote, settlement, coordinator) {}

std::vector<const metrics::CounterBlock*> RunStages::blocksDownstreamFirst() const {
    std::vector<const metrics::CounterBlock*> blocks;
    workers.forEachBlock([&](const metrics::CounterBlock& b) { blocks.push_back(&b); });
    blocks.push_back(&deadLetters.block());
    blocks.push_back(&coordinator.block());
    for (const auto& b : feeders.blocks()) blocks.push_back(b.get());
    blocks.push_back(&api.block());
    return blocks;
}

}  // namespace stampede::pipeline
