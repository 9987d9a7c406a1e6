#pragma once
// What the run does when a durable transport lets a message down: a push whose delivery failed
// for good is compensated (the unit it reserved goes back, the request goes to the DLQ: seed
// 003's producer-failure path), and messages lost to an offset that fell out of range are sent
// again from the run's own record. Neither is ever silent: both are counted in the snapshot.
// The monitor's thread. Internal to the pipeline.

#include "pipeline/decisions.h"
#include "pipeline/handoff.h"

namespace stampede::pipeline {

class TransportRecovery {
public:
    TransportRecovery(RunState& state, Decisions& decisions, Handoff& handoff, SharedLane& lane)
        : m_state(state), m_decisions(decisions), m_handoff(handoff), m_lane(lane) {}

    void compensateFailedPushes();
    void resendAfterLoss();

private:
    RunState& m_state;
    Decisions& m_decisions;
    Handoff& m_handoff;
    SharedLane& m_lane;
};

}  // namespace stampede::pipeline
