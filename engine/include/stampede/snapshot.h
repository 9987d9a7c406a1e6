#pragma once
// What the engine publishes: an immutable picture of a run, taken by the engine's monitor thread
// 30 times a second and handed out as std::shared_ptr<const Snapshot>. Readers (the console, the
// CLI) never lock anything of the engine to read it. Counts are exact: the per-state counts sum to
// the admitted requests in every snapshot.

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "stampede/core/campaign.h"
#include "stampede/core/request_state.h"
#include "stampede/core/run_config.h"
#include "stampede/guards/race_witness.h"
#include "stampede/metrics/latency_histogram.h"
#include "stampede/transport/transport_types.h"

namespace stampede {

enum class RunStatus : std::uint8_t {
    Idle,  // no run started
    Running,
    Paused,
    Draining,   // arrivals are over (or stopped); requests still in flight
    Completed,  // every arrival fed, every admitted request final
    Stopped,    // stopped by the operator, then drained: every admitted request final
};
std::string_view toString(RunStatus status);

using StateCounts = std::array<std::int64_t, core::kStateCount>;
using ReasonCounts = std::array<std::int64_t, core::kReasonCount>;

struct CampaignSnapshot {
    std::string id;
    std::string name;
    core::Policy policy = core::Policy::FirstCome;
    bool requiresVerification = false;
    std::int64_t opensAfterMs = 0;
    std::int64_t closesAfterMs = -1;  // -1: no close
    std::int64_t stock = 0;
    std::int64_t remaining = 0;  // as the guard sees it
    // The guard's backend lost this campaign's stock (a Redis restarted without persistence):
    // `stock` is the last one known, and what came after went to the DLQ as "stock lost".
    bool stockLost = false;
    std::int64_t issued = 0;  // SUCCEEDED
    std::int64_t requests = 0;
    std::int64_t duplicates = 0;
    std::int64_t admitted = 0;
    StateCounts states{};
    ReasonCounts rejected{};
    std::int64_t overIssued = 0;
    std::int64_t underIssued = 0;
    // FIRST_COME winners queued after a sold-out loser decided under the same stock: the
    // system's unfairness. What the operator did on purpose is counted apart: winners that
    // came back from the DLQ, or that won only because stock was raised after the loser lost.
    std::int64_t fairnessInversions = 0;
    std::int64_t operatorInversions = 0;
    std::int64_t inFlight = 0;  // PROCESSING now (the bulkhead's count)
    std::int64_t maxInFlight = 0;
    double rateLimitRps = 0;
    std::string winnersSha256;  // of this campaign's sorted winners (see Snapshot)
    bool lotteryDrawn = false;
    std::uint64_t lotterySeed = 0;
};

struct ThroughputPoint {
    double atS = 0;            // since the run's start
    double arrivalsPerS = 0;   // submissions taken by the ingress
    double completedPerS = 0;  // requests that became final
};

struct RunInfo {
    std::string scenarioName;
    core::Pipeline pipeline = core::Pipeline::DecideInWorker;
    std::string guard;
    core::Transport transport = core::Transport::Inproc;
    int workers = 0;
    int partitions = 0;
    int consumers = 0;  // workers that actually consume (single-consumer: 1)
    std::uint64_t seed = 0;
    int maxAttempts = 0;
    bool guardRacesOnPurpose = false;
};

struct BackendSnapshot {
    std::string kind;  // empty: an in-memory guard
    std::int64_t roundTrips = 0, errors = 0, reconnects = 0;
    double roundTripP95Ms = 0, waitP95Ms = 0;
    std::string detail;
    int connections = 0, busy = 0, busyPeak = 0, waiting = 0, waitingPeak = 0;
    std::string caution;  // a risk in the backend's set-up, said before the run and after
};

struct Snapshot {
    std::uint64_t version = 0;  // increases with every published snapshot
    RunStatus status = RunStatus::Idle;
    RunInfo run;
    double elapsedS = 0;
    double wallS = 0;  // from start to the end of the run (elapsed while it runs)

    std::int64_t arrivalsTotal = 0;  // submissions the scenario will make
    std::int64_t arrivalsFed = 0;    // of those, taken by the ingress so far
    std::int64_t requests = 0;       // every submission, scenario or API, duplicates included
    std::int64_t admitted = 0;
    std::int64_t duplicates = 0;
    StateCounts states{};
    ReasonCounts rejected{};
    std::int64_t finals = 0;  // admitted requests in a final state

    std::int64_t stock = 0;
    std::int64_t remaining = 0;
    std::int64_t issued = 0;
    std::int64_t overIssued = 0;
    std::int64_t underIssued = 0;
    std::int64_t fairnessInversions = 0;  // the system's (see CampaignSnapshot)
    std::int64_t operatorInversions = 0;  // a replay's or a stock change's, apart
    // The first collisions of a guard that races on purpose (at most kMaxRaceWitnesses), times
    // since the run's start; always empty for a correct guard.
    std::vector<guards::RaceWitness> raceWitnesses;
    // Why the run could not decide everything it admitted ("Kafka unavailable for 30 s: …"),
    // empty when it could. Those requests are in the DLQ, FAILED_FINAL.
    std::string failure;
    std::string winnersSha256;  // of the sorted winner list; computed whenever the run is quiet

    std::int64_t retries = 0;
    std::int64_t redeliveries = 0;
    std::int64_t workerCrashes = 0;
    std::int64_t deadLettered = 0;  // entries ever added to the DLQ
    std::int64_t replayed = 0;      // entries taken back by replays
    // Dead letters found SUCCEEDED in the guard's own ledger at the end (a unit taken for the
    // user by a decision whose answer never came back) and recorded as issued.
    std::int64_t reconciled = 0;
    // Dead letters the end could not check because the ledger did not answer (its server gone):
    // a unit may be held for them there, found by a DLQ replay against the same stock.
    std::int64_t unreconciled = 0;
    std::int64_t dlqSize = 0;
    std::int64_t queueDepth = 0;

    metrics::LatencyHistogram queueWait;      // ns, cumulative over the run
    metrics::LatencyHistogram processing;     // ns
    metrics::LatencyHistogram endToEnd;       // ns
    std::vector<ThroughputPoint> throughput;  // the last few minutes, 10 points a second
    double throughputRps = 0;                 // final requests per second of wall time

    std::vector<CampaignSnapshot> campaigns;
    BackendSnapshot backend;
    transport::TransportStats transport;  // kind empty: the in-memory rings
};

}  // namespace stampede
