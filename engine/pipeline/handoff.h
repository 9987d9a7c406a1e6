#pragma once
// What the pipeline does with a request once it is admitted, outside the admission lock: sync
// decides it on the spot, decide-at-ingress takes its unit and queues its persistence,
// decide-in-worker queues it; a lottery entry is dispatched the same way after the draw. Pushes
// wait while a partition is full (backpressure) and give up only when the run shuts down.
// Internal to the pipeline.

#include <cstdint>
#include <span>

#include "pipeline/admission.h"
#include "pipeline/decisions.h"

namespace stampede::pipeline {

class Handoff {
public:
    Handoff(const RunPlan& plan, RunState& state, Decisions& decisions)
        : m_plan(plan), m_state(state), m_decisions(decisions) {}

    void afterAdmission(Lane& lane, const AdmitResult& admitted);
    void dispatchLotteryEntry(Lane& lane, core::RequestId id);
    // Pushes `message` (the request's id, with kReplayBit for a replay) to the request's
    // partition, waiting while it is full. False if the run shut down first.
    bool push(core::RequestId id, std::uint32_t message);
    // In-memory rings only: every message of `messages` to `partition`, waiting while it is full.
    bool pushBatch(int partition, std::span<const std::uint32_t> messages);

private:
    void decideAtIngress(Lane& lane, core::RequestId id);
    void rejectAtIngress(Lane& lane, core::Request& r, core::RejectReason reason);
    bool waitForRoom(int partition, int spins);

    const RunPlan& m_plan;
    RunState& m_state;
    Decisions& m_decisions;
};

}  // namespace stampede::pipeline
