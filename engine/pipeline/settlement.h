#pragma once
// Every run ends. When the run cannot decide what it admitted (its Kafka cluster or its guard's
// server has been unreachable longer than StartOptions::outageBound, or a stop's grace has passed),
// it stops waiting: every request still QUEUED is settled as FAILED_FINAL into the DLQ with the
// reason, a unit reserved for it at the ingress goes back, and the snapshot says why. Only requests
// nobody has claimed are settled (a transport that redelivers decides by claim, so a copy
// delivered later is dropped); one a worker holds ends by that worker. The monitor's thread.
// Internal to the pipeline.

#include <cstdint>
#include <set>
#include <string>
#include <utility>

#include "pipeline/decisions.h"

namespace stampede::pipeline {

class Settlement {
public:
    Settlement(const RunPlan& plan, RunState& state, Decisions& decisions, SharedLane& lane)
        : m_plan(plan), m_state(state), m_decisions(decisions), m_lane(lane) {}

    // One monitor turn, with the run not yet quiet: gives up when it is time, then settles once
    // `feedingDone` (the feeders have stopped and every lottery is drawn and dispatched, so no
    // other thread is about to reserve a unit for a request settled here; the API's callers are
    // kept out by the lane).
    void check(std::int64_t nowNs, bool feedingDone);
    // Why the run gave up, with how many it settled; empty while it has not.
    std::string failure() const;
    // Before the end, on a guard whose ledger is shared and kept by user (redis-*, mysql-* on a
    // shared stock): a dead letter whose user holds a unit in that ledger was decided, its
    // answer lost (a timeout, a broker gone between a remote worker and the run), so it is
    // recorded SUCCEEDED instead of leaving a unit that nobody was told about. How many so far.
    void reconcile();
    std::int64_t reconciled() const { return m_reconciled; }
    std::int64_t unreconciled() const { return m_unreconciled; }

private:
    // The reason to give up now, or empty.
    std::string reasonToGiveUp(std::int64_t nowNs);
    // "Redis unavailable" once the guard's backend has answered nothing for the outage bound.
    std::string guardOutage();
    void settleQueued(std::int64_t nowNs);
    // A dead letter recorded SUCCEEDED, unless its (campaign, user) is issued already.
    void recover(Lane& lane, core::RequestId id,
                 std::set<std::pair<std::uint16_t, std::uint64_t>>& issued);

    const RunPlan& m_plan;
    RunState& m_state;
    Decisions& m_decisions;
    SharedLane& m_lane;
    std::int64_t m_stopSeenNs = -1;
    std::string m_reason;  // the DLQ's reason: "Kafka unavailable", "stopped before decided"
    std::string m_why;     // for the operator, with the system and how long
    std::int64_t m_settled = 0;
    std::int64_t m_reconciled = 0;
    std::int64_t m_unreconciled = 0;
};

}  // namespace stampede::pipeline
