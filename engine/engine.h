#pragma once
// The engine's one public surface. The console, the CLI and the later HTTP, replay and backend
// code build on this header (with snapshot.h, sim/scenario.h and dlq/dead_letter_queue.h for the
// types it names) and reach nothing else inside the engine.
//
// A run plays a scenario's arrivals through one configuration (pipeline, guard, transport) on the
// engine's own threads. Every call here returns promptly: none waits for the run except
// waitForEnd(). Read progress through snapshot(), which is cheap enough to call 30 times a second
// and never blocks on the engine's hot path.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/request.h"
#include "dlq/dead_letter_queue.h"
#include "sim/scenario.h"
#include "snapshot.h"
#include "transport/transport.h"

namespace stampede {

namespace pipeline {
class Run;
}

namespace guards {
class Guard;
}

// Makes the guard of a run by name; null with `error` for a name it does not serve. The CLI and
// the console pass one that knows the live backends (Redis, MySQL): backends depend on the
// engine's Guard interface, never the reverse.
using GuardFactory =
    std::function<std::unique_ptr<guards::Guard>(std::string_view name, std::string& error)>;

struct StartOptions {
    // Backend guards (redis-*, mysql-*) come from here; the in-memory ones need nothing.
    GuardFactory guardFactory;
    // The `kafka` transport comes from here; `inproc` needs nothing.
    transport::TransportFactory transportFactory;
    // Keep accepting submit() after the scenario's arrivals are over, until stop() (for servers
    // that take traffic from outside).
    bool keepOpen = false;
    // How often the monitor publishes a snapshot.
    std::chrono::milliseconds snapshotInterval{33};
};

// The answer to start(): empty error means the run started.
struct StartResult {
    std::string error;
    bool ok() const { return error.empty(); }
};

struct Submission {
    std::string campaignId;
    std::string user;  // any non-empty name; decimal numbers are the scenario's user numbers
    bool verified = true;
};

struct SubmitResult {
    enum class Outcome : std::uint8_t {
        Accepted,   // a new request; `state` says how far it got (sync: final)
        Duplicate,  // (campaign, user) was admitted before: the existing request's id and state
        Refused,    // not admitted: `error` says why (unknown campaign, no run accepting)
    };
    Outcome outcome = Outcome::Refused;
    core::RequestId requestId = core::kNoRequest;
    core::RequestState state = core::RequestState::Received;
    core::RejectReason reason = core::RejectReason::None;
    std::string error;
};

struct RequestStatus {
    core::RequestId requestId = core::kNoRequest;
    std::string campaignId;
    std::string user;
    core::RequestState state = core::RequestState::Received;
    core::RejectReason reason = core::RejectReason::None;
    int attempts = 0;
    std::uint32_t sequence = 0;
};

// A coupon the run issued, for the store's write-behind sink.
struct IssuedCoupon {
    core::RequestId requestId = core::kNoRequest;
    std::string campaignId;
    std::string user;
    std::int64_t issuedAtNs = 0;  // since the run's start: when the deciding attempt started
    std::uint32_t sequence = 0;
};

// A request that reached a final state (again, for a replayed dead letter): the request event
// log's row. Times are nanoseconds since the run's start.
struct FinalRequest {
    core::RequestId requestId = core::kNoRequest;
    std::string campaignId;
    std::string user;
    core::RequestState state = core::RequestState::Succeeded;
    core::RejectReason reason = core::RejectReason::None;
    int attempts = 0;
    std::uint32_t sequence = 0;
    std::int64_t receivedNs = 0, startedNs = 0, finishedNs = 0;

    IssuedCoupon coupon() const { return {requestId, campaignId, user, startedNs, sequence}; }
};

enum class StockChangeResult : std::uint8_t {
    Applied,
    BelowIssued,
    Negative,
    UnknownCampaign,
    NoRun
};
std::string_view toString(StockChangeResult result);

// What a replay decided, whichever DLQ it replays (the running engine's, a store's, a Kafka
// dead-letter topic's). Counts a source does not know stay 0.
struct ReplayOutcome {
    std::int64_t decided = 0;      // decided again (issued, or refused, e.g. sold out)
    std::int64_t issued = 0;       // given a unit
    std::int64_t alreadyHeld = 0;  // the user held a unit already: nothing taken
    std::int64_t soldOut = 0;
    std::int64_t failed = 0;  // the backend stayed unavailable: still pending
    std::string guard;        // the guard that decided (topic replays)
    std::string error;        // the replay could not start, or could not record its decisions
};

// A DLQ replay in progress: sends entries back to the pipeline at a bounded rate. An entry leaves
// the DLQ only when a worker accepts it, so cancel() loses nothing.
class ReplayJob {
public:
    struct Progress {
        std::int64_t total = 0;
        std::int64_t sent = 0;      // handed to the pipeline
        std::int64_t accepted = 0;  // taken out of the DLQ by a worker
        std::int64_t skipped = 0;   // no longer in the DLQ when their turn came
        bool cancelled = false;
        bool finished = false;
        ReplayOutcome outcome;
    };
    virtual ~ReplayJob() = default;
    virtual Progress progress() const = 0;
    virtual void cancel() = 0;
    // True when finished (every sent entry accepted or skipped) before the timeout.
    virtual bool wait(std::chrono::milliseconds timeout);
};

class Engine {
public:
    Engine();
    ~Engine();  // stops the run, without waiting for it to drain
    Engine(const Engine&) = delete;
    Engine& operator=(const Engine&) = delete;

    // Load or build a scenario (see sim/scenario.h): sim::loadScenarioFile, sim::parseScenario.

    // Starts a run of `scenario`, replacing a finished one. Refused while a run is in progress,
    // or when the configuration asks for what this build cannot do (error says what).
    StartResult start(const sim::Scenario& scenario, const StartOptions& options = {});
    void pause();  // arrivals and workers hold; submissions are still admitted and queued
    void resume();
    void stop();  // no more arrivals; what was admitted drains to a final state
    // Waits until the run is Completed or Stopped. False on timeout.
    bool waitForEnd(std::chrono::milliseconds timeout);

    // One request from outside the scenario (HTTP ingress, traffic replay).
    SubmitResult submit(const Submission& submission);
    std::optional<RequestStatus> requestStatus(core::RequestId id) const;

    // Operators change stock during a run; never below what is already issued. The guard applies
    // it atomically with respect to every decision.
    StockChangeResult setStock(const std::string& campaignId, std::int64_t stock);
    // Processing-rate cap of a campaign, requests per second (0 = none); takes effect at once.
    bool setRateLimit(const std::string& campaignId, double perSecond);

    std::shared_ptr<const Snapshot> snapshot() const;

    std::vector<dlq::DeadLetter> listDlq(const dlq::DlqFilter& filter = {}) const;
    // Replays the given entries (all when `ids` is empty) at `perSecond` (0 = as fast as taken).
    // Null when there is no run.
    std::shared_ptr<ReplayJob> replayDlq(const std::vector<core::RequestId>& ids, double perSecond);
    // Removes entries for good (all when `ids` is empty); returns how many.
    std::size_t purgeDlq(const std::vector<core::RequestId>& ids);

    // Requests that became final since the last call, at most `max`, appended to `out`; returns
    // how many. For one consumer (a store's write-behind sink): it reads requests once they are
    // final, so it costs the decision path nothing. A replayed dead letter comes again when it is
    // final again.
    // `generation` pins the run: a consumer that outlives its run gets nothing from the next.
    std::size_t takeFinal(std::vector<FinalRequest>& out, std::size_t max,
                          std::uint64_t generation);
    // Increases with every started run (0: none yet).
    std::uint64_t runGeneration() const;

private:
    std::shared_ptr<pipeline::Run> m_run;  // shared: waitForEnd() keeps its run alive
    std::uint64_t m_generation = 0;
    mutable std::mutex m_mutex;  // guards m_run's replacement, not its work
};

}  // namespace stampede
