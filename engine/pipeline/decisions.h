#pragma once
// What happens to one request between QUEUED and its end, whoever runs it (a worker, a sync
// ingress thread, the lottery coordinator, the monitor's compensations): an attempt through the
// campaign's flow control, the injected faults and the one decider; a retry under the run's
// retry policy; the final state with its counters and latencies; a dead letter; a replayed
// entry taken back; a crashed attempt redelivered. Internal to the pipeline.

#include <atomic>
#include <cstdint>
#include <string>

#include "guards/decider.h"
#include "pipeline/lane.h"
#include "pipeline/run_plan.h"
#include "pipeline/run_state.h"

namespace stampede::pipeline {

class Decisions {
public:
    enum class AttemptEnd : std::uint8_t { Final, Retry, Crashed };

    Decisions(const RunPlan& plan, RunState& state);

    // One attempt of a QUEUED request. Retry: `retryDueNs` says when the next may start.
    AttemptEnd attempt(Lane& lane, core::RequestId id, std::int64_t& retryDueNs);
    // Attempts until final, waiting for each retry inline (sync pipelines, sync replays).
    void toEnd(Lane& lane, core::RequestId id);

    // QUEUED -> PROCESSING for a decision made outside attempt(), stamped at `nowNs`.
    void startOutside(Lane& lane, core::Request& r, std::int64_t nowNs);
    void finish(Lane& lane, core::Request& r, core::RequestState to, core::RejectReason reason,
                std::int64_t nowNs);
    void deadLetter(Lane& lane, core::RequestId id, std::string reason, std::string error,
                    std::int64_t nowNs);
    // A replayed entry, taken out of the DLQ back to QUEUED; false if it is gone (purged, or
    // taken by an earlier replay), so a replay can never issue twice.
    bool acceptReplay(Lane& lane, core::RequestId id);
    // A crashed attempt's request goes back to QUEUED: it was never acknowledged.
    void redeliver(Lane& lane, core::RequestId id);
    // A transport's copy of a request already claimed: counted, then dropped by the caller.
    void countCopyDropped(Lane& lane, core::RequestId id);
    // Only the one that moves a request from QUEUED to PROCESSING may decide it.
    bool claimDelivered(core::RequestId id);

    // decide-at-ingress: the guard's unit for `r`, taken as the workers would take it (by user
    // on a guard that keeps a record of users); Taken (a unit held before is one too) marks it
    // reserved.
    guards::TakeResult reserve(Lane& lane, core::Request& r);
    // A unit reserved for `r` goes back (its request will not be issued); nothing if none is.
    void giveBackReserved(Lane& lane, core::Request& r);

    void countCrash() { m_crashes.fetch_add(1, std::memory_order_relaxed); }
    std::int64_t crashes() const { return m_crashes.load(std::memory_order_relaxed); }

private:
    struct Outcome {
        FaultOutcome fault = FaultOutcome::None;
        core::RequestState to = core::RequestState::Succeeded;
        core::RejectReason reason = core::RejectReason::None;
        std::string error;
        const char* deadLetterReason = nullptr;  // instead of the fault's ("stock lost")
        // The guard's server is in an outage still within the run's bound: the request waits
        // for it (retried past its attempts) instead of spending them on a server that is down.
        bool withinOutage = false;
    };
    std::int64_t begin(Lane& lane, core::Request& r);
    bool enterFlowControl(CampaignRuntime& rt);
    Outcome decide(Lane& lane, core::Request& r, std::uint64_t key);
    AttemptEnd settle(Lane& lane, core::RequestId id, Outcome outcome, std::uint64_t key,
                      std::int64_t nowNs, std::int64_t& retryDueNs);
    bool shouldCrash();
    // True when `r` waits (until `dueNs`): the guard's server is down within the bound and
    // another decision probes it. `nowNs`: the clock as read.
    bool waitForOutage(const core::Request& r, std::int64_t& nowNs, std::int64_t& dueNs);
    static constexpr std::int64_t kOutageProbeIntervalNs = 50'000'000;

    const RunPlan& m_plan;
    RunState& m_state;
    guards::Decider m_decider;
    std::atomic<std::int64_t> m_attemptCounter{0};
    std::atomic<std::int64_t> m_crashes{0};
    // While the guard's server is down, one decision at a time probes it (every
    // kOutageProbeInterval); the others wait without a round trip (a circuit breaker's
    // half-open state), so a stopped server is not hammered by every queued request.
    std::atomic<std::int64_t> m_nextProbeNs{0};
};

}  // namespace stampede::pipeline
