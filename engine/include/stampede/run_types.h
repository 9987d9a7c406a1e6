#pragma once
// The values a run takes and gives: what starts it (StartOptions, a GuardFactory), what goes in
// and comes out of it (Submission, SubmitResult, RequestStatus, the FinalRequest and IssuedCoupon
// rows a store keeps, StockChangeResult) and the ReplayJob handle of a DLQ replay. Plain types
// for engine.h, the pipeline, store/, the dead-letter replays and the backends; this header must
// never include engine.h, pipeline/ or dlq/, so none of them ties back to another.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "stampede/core/request.h"
#include "stampede/transport/transport_types.h"

namespace stampede {

namespace guards {
class Guard;
}

// Makes the guard of a run by name; null with `error` for a name it does not serve. The CLI and
// the console pass one that knows the live backends (Redis, MySQL): backends depend on the
// engine's Guard interface, never the reverse.
using GuardFactory =
    std::function<std::unique_ptr<guards::Guard>(std::string_view name, std::string& error)>;

// An arrival given by the caller instead of the scenario's generated ones (a capture's replay at
// full speed): the engine's own feeders play it, exactly as they play a scenario's.
struct GivenArrival {
    std::int64_t atUs = 0;       // offset from the run's start; the list is sorted by it
    std::uint32_t user = 0;      // a scenario user number (> 0)
    std::uint16_t campaign = 0;  // index into the scenario's campaigns
    bool verified = true;
};

struct StartOptions {
    // The live guards (the registry's redis and mysql families) come from here; the in-memory
    // ones need nothing.
    GuardFactory guardFactory;
    // The `kafka` transport comes from here; `inproc` needs nothing.
    transport::TransportFactory transportFactory;
    // Keep accepting submit() after the scenario's arrivals are over, until stop() (for servers
    // that take traffic from outside).
    bool keepOpen = false;
    // Non-null: these arrivals instead of the scenario's (its arrivals and clients unused).
    std::shared_ptr<const std::vector<GivenArrival>> arrivals;
    // A run shared by several ingress processes (`serve --cluster NAME`): the guard's stock is
    // NAME's in its backend, set by the first process to start and joined by the others, never
    // reset. Empty: a run of its own.
    std::string sharedRun;
    // How often the monitor publishes a snapshot.
    std::chrono::milliseconds snapshotInterval{33};
    // Every run ends. A live system the run depends on (the Kafka transport's cluster, the
    // guard's Redis or MySQL) that is unreachable this long stops the run: what it has not
    // decided goes to the DLQ with the reason ("Redis unavailable"), and the snapshot's
    // `failure` says why.
    std::chrono::milliseconds outageBound{30'000};
    // After stop(), how long what was admitted may still take to be decided before the rest is
    // settled into the DLQ ("the run was stopped before it was decided").
    std::chrono::milliseconds stopGrace{2'000};
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

}  // namespace stampede
