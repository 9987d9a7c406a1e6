#pragma once
// The queued pipelines' workers: each takes messages from its partitions (a batch at a time from
// the in-memory rings), decides them, keeps its retries in a heap by due time, and acknowledges
// what is final. A worker that crashes leaves its in-flight request and its backlog for the
// monitor to restart it with. Internal to the pipeline.

#include <atomic>
#include <functional>
#include <memory>
#include <span>
#include <thread>
#include <vector>

#include "pipeline/decisions.h"

namespace stampede::pipeline {

class WorkerPool {
public:
    WorkerPool(const RunPlan& plan, RunState& state, Decisions& decisions);

    void start();
    // Restarts the workers that crashed (the monitor's thread).
    void superviseCrashed();
    void join();
    // In the order the snapshot reads them (downstream first).
    void forEachBlock(const std::function<void(const metrics::CounterBlock&)>& read) const;

private:
    // A request waiting for its next attempt, with the delivery to acknowledge once it is final.
    struct RetryEntry {
        std::int64_t dueNs = 0;
        core::RequestId id = core::kNoRequest;
        std::uint64_t token = 0;
        bool operator>(const RetryEntry& o) const { return dueNs > o.dueNs; }
    };
    struct Slot {
        std::thread thread;
        std::unique_ptr<metrics::CounterBlock> block;
        std::vector<RetryEntry> retries;              // min-heap on due time
        core::RequestId inflight = core::kNoRequest;  // left behind by a crash
        std::uint64_t inflightToken = 0;
        std::vector<std::uint32_t> backlog;  // popped, not yet handled (a crash, a pause)
        std::atomic<bool> crashed{false};
    };

    void workerLoop(int worker);
    // One turn of the loop: false when there was nothing to do.
    bool takeTurn(int worker, Slot& slot, Lane& lane);
    void handleMessage(int worker, Lane& lane, const transport::Delivery& delivery);
    // Handles popped in-memory messages in order; a crash or a pause leaves the rest (still
    // QUEUED) in the slot's backlog for the next turn or the restarted worker.
    void handleBatch(int worker, Lane& lane, std::span<const std::uint32_t> messages);
    std::size_t spinForBatch(int worker, std::uint32_t* messages, std::size_t max);
    void waitForWork(int worker, Slot& slot, Lane& lane);

    const RunPlan& m_plan;
    RunState& m_state;
    Decisions& m_decisions;
    std::vector<std::unique_ptr<Slot>> m_slots;
};

}  // namespace stampede::pipeline
