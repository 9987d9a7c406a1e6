#pragma once
// The run's dead-letter queue as the operator works it: list, purge (a unit reserved for a
// request that will now never succeed goes back), and replays. A replay job's sender hands
// entries back to the pipeline at a bounded rate (SQS redrive velocity): in queued pipelines a
// worker accepts each entry; in sync, the sender itself decides it. Internal to the pipeline.

#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "pipeline/decisions.h"
#include "pipeline/handoff.h"

namespace stampede::pipeline {

class ReplayJobImpl;

class DeadLetters {
public:
    DeadLetters(const RunPlan& plan, RunState& state, Decisions& decisions);
    ~DeadLetters();

    std::vector<dlq::DeadLetter> list(const dlq::DlqFilter& filter) const {
        return m_state.dlq.list(filter);
    }
    std::shared_ptr<ReplayJob> replay(const std::vector<core::RequestId>& ids, double perSecond);
    std::size_t purge(const std::vector<core::RequestId>& ids);
    // The run is going away: every replay job stops sending and keeps its last progress.
    void detachJobs();
    const metrics::CounterBlock& block() const { return m_lane.block(); }

    // For a replay job: hands one entry back to the pipeline. False if the queue is full.
    bool send(core::RequestId id);
    std::optional<dlq::DeadLetter> entry(core::RequestId id) const { return m_state.dlq.find(id); }

private:
    RunState& m_state;
    Decisions& m_decisions;
    SharedLane m_lane;  // a sync replay's sender decides on it; purges give units back on it
    std::mutex m_jobsMutex;
    std::vector<std::shared_ptr<ReplayJobImpl>> m_jobs;
};

}  // namespace stampede::pipeline
