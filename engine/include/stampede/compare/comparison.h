#pragma once
// A comparison: one scenario played through 2 to 12 lanes, one after another (each has the
// machine to itself) or concurrently (they share it, and the result says so). Every lane gets the
// identical arrival stream: the same scenario with the same seed, changed only in its run
// configuration. Lanes on live systems are built through live/start_options.h on the configured
// systems, each guard with a stock of its own (its own key prefix or rows); a lane whose system
// is not configured or does not answer is skipped with the reason and the others still run.
//
// The CLI (compare, lesson) and the console's Compare view both run one; it works on a thread of
// its own and every call here returns promptly except waitForEnd().

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "stampede/compare/lane.h"
#include "stampede/live/live_systems.h"
#include "stampede/sim/scenario.h"
#include "stampede/snapshot.h"

namespace stampede {
class Engine;
}

namespace stampede::compare {

struct ComparisonSpec {
    sim::Scenario scenario;
    std::vector<LaneConfig> lanes;
    bool concurrent = false;
    live::LiveSystems systems;
    // A lane whose live system stays unavailable this long ends with an error (run's default).
    std::chrono::milliseconds outageBound{30'000};
};

// Empty, or why `spec` cannot run (the lane count, a lane that is not a valid run).
std::string validate(const ComparisonSpec& spec);

enum class LaneStatus { Waiting, Running, Done, Skipped };
std::string_view toString(LaneStatus status);  // "waiting", "running", "done", "skipped"

struct LaneResult {
    LaneConfig config;
    std::string label;  // unique within the comparison
    LaneStatus status = LaneStatus::Waiting;
    std::string skipped;                       // why, when Skipped
    std::shared_ptr<const Snapshot> snapshot;  // live while Running, final once Done
};

class Comparison {
public:
    explicit Comparison(ComparisonSpec spec);  // call validate() first
    ~Comparison();                             // stops the lanes and waits for them
    Comparison(const Comparison&) = delete;
    Comparison& operator=(const Comparison&) = delete;

    void start();
    // The running lanes stop (and drain); the waiting ones are skipped.
    void stop();
    bool waitForEnd(std::chrono::milliseconds timeout);
    bool finished() const;
    std::vector<LaneResult> lanes() const;
    const ComparisonSpec& spec() const { return m_spec; }

private:
    struct Lane;
    void runAll();
    bool startLane(Lane& lane);
    void finishLane(Lane& lane);

    ComparisonSpec m_spec;
    std::vector<std::unique_ptr<Lane>> m_lanes;
    mutable std::mutex m_mutex;
    std::condition_variable m_changed;
    bool m_stop = false, m_finished = false;
    std::thread m_thread;
};

}  // namespace stampede::compare
