#pragma once
// The engine's one public surface. The console, the CLI and the later HTTP, replay and backend
// code build on this header (with run_types.h, snapshot.h, sim/scenario.h and
// dlq/dead_letter_queue.h for the types it names) and reach nothing else inside the engine.
//
// A run plays a scenario's arrivals through one configuration (pipeline, guard, transport) on the
// engine's own threads. Every call here returns promptly: none waits for the run except
// waitForEnd(). Read progress through snapshot(), which is cheap enough to call 30 times a second
// and never blocks on the engine's hot path.

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

#include "stampede/core/request.h"
#include "stampede/dlq/dead_letter_queue.h"
#include "stampede/run_types.h"
#include "stampede/sim/scenario.h"
#include "stampede/snapshot.h"

namespace stampede {

namespace pipeline {
class Run;
}

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
    // Whether an admitted request can no longer be lost with this process: its transport has
    // stored it (Kafka acknowledged its message), or it is final already. An HTTP ingress in
    // front of a durable transport answers 202 only then.
    bool stored(core::RequestId id) const;
    // The request admitted for (campaign, user), if any: a lookup that admits nothing (an HTTP
    // "what became of my application" query).
    std::optional<RequestStatus> findRequest(const std::string& campaignId,
                                             const std::string& user) const;

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
    mutable std::shared_mutex m_mutex;  // guards m_run's replacement, not its work
};

}  // namespace stampede
