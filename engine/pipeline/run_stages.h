#pragma once
// A run's stages, in the order they are built (each takes the ones before it that it calls) and
// destroyed in reverse, once Run's destructor has joined every thread. Internal to the pipeline.

#include "pipeline/admission.h"
#include "pipeline/dead_letters.h"
#include "pipeline/decisions.h"
#include "pipeline/feeders.h"
#include "pipeline/final_tail.h"
#include "pipeline/handoff.h"
#include "pipeline/lottery_coordinator.h"
#include "pipeline/remote_results.h"
#include "pipeline/run_monitor.h"
#include "pipeline/settlement.h"
#include "pipeline/snapshot_builder.h"
#include "pipeline/transport_recovery.h"
#include "pipeline/worker_pool.h"

namespace stampede::pipeline {

struct RunStages {
    RunStages(const RunPlan& plan, RunState& state);

    Decisions decisions;
    Admission admission;
    Handoff handoff;
    Feeders feeders;
    WorkerPool workers;
    LotteryCoordinator coordinator;
    DeadLetters deadLetters;
    SharedLane api;  // the API's callers, and the monitor's compensations
    TransportRecovery recovery;
    RemoteResults remote;
    Settlement settlement;
    FinalTail tail;
    SnapshotBuilder snapshots;
    RunMonitor monitor;

private:
    // Every counter block, in the order a snapshot reads them: downstream first (workers, the
    // replay sender, the coordinator, the feeders, the API).
    std::vector<const metrics::CounterBlock*> blocksDownstreamFirst() const;
};

}  // namespace stampede::pipeline
