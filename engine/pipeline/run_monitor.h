#pragma once
// The monitor thread of a run: restarts crashed workers, applies what the transport reports
// (failed pushes, lost messages, remote decisions), builds and publishes the snapshots with the
// throughput series and the fairness audit, and declares the end of the run. Internal to the
// pipeline.

#include <memory>
#include <mutex>
#include <thread>

#include "pipeline/remote_results.h"
#include "pipeline/settlement.h"
#include "pipeline/snapshot_builder.h"
#include "pipeline/transport_recovery.h"
#include "pipeline/worker_pool.h"

namespace stampede::pipeline {

class RunMonitor {
public:
    RunMonitor(const RunPlan& plan, RunState& state, SnapshotBuilder& snapshots,
               WorkerPool& workers, TransportRecovery& recovery, RemoteResults& remote,
               Settlement& settlement, const LotteryCoordinator& coordinator);

    // The run's first snapshot, before any of its threads starts.
    void publishFirst() { publish(m_snapshots.build()); }
    void start();
    void join();
    std::shared_ptr<const Snapshot> latest() const;

private:
    void loop();
    // One turn: false once the run shuts down.
    bool turn();
    void endRun(std::int64_t nowNs);
    void publish(std::shared_ptr<const Snapshot> snapshot);

    const RunPlan& m_plan;
    RunState& m_state;
    SnapshotBuilder& m_snapshots;
    WorkerPool& m_workers;
    TransportRecovery& m_recovery;
    RemoteResults& m_remote;
    Settlement& m_settlement;
    const LotteryCoordinator& m_coordinator;
    std::thread m_thread;
    mutable std::mutex m_latestMutex;
    std::shared_ptr<const Snapshot> m_latest;
};

}  // namespace stampede::pipeline
