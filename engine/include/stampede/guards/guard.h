#pragma once
// How stock is protected: the one interface every guard implements, in memory here and against
// Redis or MySQL in the backends. The engine calls take() once per decision and nothing else on
// the hot path. A guard must never know about requests, queues or the GUI.

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "stampede/guards/race_witness.h"

namespace stampede::guards {

enum class TakeResult : std::uint8_t {
    Taken,  // one unit is the caller's
    // takeFor() only: this user took a unit before (a copy delivered again, a retry after a
    // lost reply); it is still theirs, and no second one was taken. Counted once, as a decision
    // made earlier, so that what deciders report adds up to what the guard issued.
    AlreadyHeld,
    SoldOut,      // no stock left
    Unavailable,  // the guard's backend failed transiently; retry later
    // The backend no longer holds the campaign's stock (a Redis restarted without persistence):
    // nothing can be decided for it, and "sold out" would be a lie that hides the loss.
    StockLost,
};

enum class StockChange : std::uint8_t { Applied, BelowTaken, UnknownCampaign };

// What a guard's backend cost (zeros for in-memory guards): the summary's "backend" section.
struct BackendStats {
    std::string kind;  // "redis", "mysql"; empty: none
    std::int64_t roundTrips = 0;
    std::int64_t errors = 0;
    std::int64_t reconnects = 0;
    double roundTripP95Ms = 0;
    double waitP95Ms = 0;  // waiting for a connection or a lock
    std::string detail;    // where to look (Redis: the run's key prefix)
    std::string caution;   // a risk seen in the backend's set-up (a Redis without persistence)
    // The connection pool: open connections, busy in a call and callers waiting (for a lock or
    // a connection), now and at their peak during the run.
    int connections = 0, busy = 0, busyPeak = 0, waiting = 0, waitingPeak = 0;
};

class Guard {
public:
    virtual ~Guard() = default;

    virtual std::string_view name() const = 0;
    // True for guards whose correctness comes from a single consumer deciding (the engine then
    // runs one partition and one worker). The guard does not check this itself.
    virtual bool requiresSingleConsumer() const { return false; }
    // True for guards that race on purpose (they may over-issue).
    virtual bool racesOnPurpose() const { return false; }

    // Before a run: the stock of each campaign (index = campaign index) and how many lanes
    // (threads) will call take(); lane is in [0, lanes).
    virtual void reset(std::span<const std::int64_t> stocks, int lanes) = 0;
    virtual TakeResult take(int campaign, int lane) = 0;
    // Compensation: a taken unit is given back (the issue it paid for was undone).
    virtual void giveBack(int campaign, int lane) = 0;
    // Changes the stock atomically with respect to take(); refuses a stock below what is taken.
    virtual StockChange setStock(int campaign, std::int64_t stock) = 0;
    virtual std::int64_t stock(int campaign) const = 0;
    virtual std::int64_t remaining(int campaign) const = 0;
    virtual BackendStats backendStats() const { return {}; }
    // The first collisions of this run (guards that race on purpose; the others have none), times
    // on the monotonic clock since its epoch (the run converts them to its own).
    virtual std::vector<RaceWitness> raceWitnesses() const { return {}; }

    // Decides for one user: a user who took a unit before (a request delivered again, to this or
    // another process) is answered AlreadyHeld without a second unit. Guards without a shared
    // record of users fall back to take().
    virtual TakeResult takeFor(int campaign, int lane, std::uint64_t /*user*/) {
        return take(campaign, lane);
    }
    // True when takeFor() keeps that record (so deciding a user again never takes a second unit).
    // The engine then decides every request by user on it: a retry after a lost reply (a
    // timeout whose command the server carried out later) finds its own unit, never a second.
    virtual bool decidesByUser() const { return false; }
    // Compensation for a unit taken by takeFor(): the user leaves the record with the unit, both
    // or neither, so the record and the stock always agree.
    virtual void giveBackFor(int campaign, int lane, std::uint64_t /*user*/) {
        giveBack(campaign, lane);
    }
    // Whether the backend lost the campaign's stock since reset() (see TakeResult::StockLost).
    virtual bool stockLost(int /*campaign*/) const { return false; }
    // How long the backend has answered no decision (no connection, timeouts), in ms; 0 while it
    // answers, and always for guards that live in this process.
    virtual std::int64_t outageMs() const { return 0; }
    // The backend as the operator configured it ("Redis at redis://127.0.0.1:6379"); empty for
    // guards that live in this process.
    virtual std::string backendName() const { return {}; }
    // Whether `user` holds a unit of `campaign` by that record; nullopt when the backend does not
    // answer (or the guard keeps no record).
    virtual std::optional<bool> holdsUnit(int /*campaign*/, std::uint64_t /*user*/) {
        return std::nullopt;
    }
    // The same for many users (a backend answers them in a few round trips); nullopt when it
    // does not answer.
    virtual std::optional<std::vector<bool>> holdUnits(int campaign,
                                                       std::span<const std::uint64_t> users) {
        std::vector<bool> out;
        for (const std::uint64_t user : users) {
            const std::optional<bool> held = holdsUnit(campaign, user);
            if (!held) return std::nullopt;
            out.push_back(*held);
        }
        return out;
    }
    // Workers in other processes decide on the same stock: the name of this run's stock in the
    // backend (empty for a guard that lives in this process), and joining it without resetting.
    virtual std::string sharedKey() const { return {}; }
    virtual bool attach(const std::string& /*sharedKey*/, int /*campaigns*/, int /*lanes*/,
                        std::string& error) {
        error = "guard '" + std::string(name()) + "' keeps its stock in one process";
        return false;
    }
    // In a shared run (after shareAs()): the number every ingress process of the run gives the
    // user of that name, kept in the backend beside the stock, from 1 on; 0 when the backend
    // does not answer. Local numbering would make one user two, and two users one.
    virtual std::uint64_t sharedUserNumber(std::string_view /*name*/) { return 0; }
    // Called before reset(): the stock is the one named `sharedKey` in the backend, which
    // reset() sets only where it is not set yet (several ingress processes share one run).
    virtual bool shareAs(const std::string& /*sharedKey*/, std::string& error) {
        error = "guard '" + std::string(name()) +
                "' cannot share its stock between ingress processes (redis-lua, redis-lock can)";
        return false;
    }
};

// The guard of that name, or nullptr with `error` saying why (unknown, or needs a backend this
// build or configuration does not have).
std::unique_ptr<Guard> makeGuard(std::string_view name, std::string& error);

}  // namespace stampede::guards
