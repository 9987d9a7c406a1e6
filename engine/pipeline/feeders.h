#pragma once
// The ingress threads that play the scenario's arrivals: one for decide-in-worker (it admits a
// run of arrivals under one lock hold and hands them to the rings a batch per partition), one per
// worker for sync and decide-at-ingress (they decide on these threads, interleaved like a web
// server's request threads). In realtime pace each arrival waits for its scheduled time.
// Internal to the pipeline.

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "pipeline/admission.h"
#include "pipeline/handoff.h"

namespace stampede::pipeline {

class PartitionBatches;

class Feeders {
public:
    Feeders(const RunPlan& plan, RunState& state, Admission& admission, Handoff& handoff);

    void start();
    void join();
    // Every arrival scheduled before this has been admitted (INT64_MAX once all are).
    std::int64_t admittedThroughUs() const;
    std::int64_t arrivalsFed() const { return m_arrivalsFed.load(std::memory_order_relaxed); }
    const std::vector<std::unique_ptr<metrics::CounterBlock>>& blocks() const { return m_blocks; }

private:
    void feederLoop(int feeder);
    void feedDeciding(int feeder, Lane& lane, std::size_t begin, std::size_t end);
    void feedInWorker(int feeder, Lane& lane, std::size_t begin, std::size_t end,
                      PartitionBatches* batches);
    bool waitUntilScheduled(std::int64_t atUs);
    void setFeederAt(int feeder, std::size_t nextArrival);

    const RunPlan& m_plan;
    RunState& m_state;
    Admission& m_admission;
    Handoff& m_handoff;
    std::vector<std::thread> m_threads;
    std::vector<std::unique_ptr<metrics::CounterBlock>> m_blocks;
    std::atomic<std::size_t> m_cursor{0};
    // Per feeder: the scheduled time of the next arrival it may still admit (INT64_MAX when it is
    // done). Every arrival scheduled before the minimum over feeders has been admitted.
    std::unique_ptr<std::atomic<std::int64_t>[]> m_feederAtUs;
    std::atomic<std::int64_t> m_arrivalsFed{0};
};

}  // namespace stampede::pipeline
