#pragma once
// A run's life as its threads see it: running, paused (and for how long in total, so the
// scenario's clock stands still), asked to stop, shutting down, ended; and the one condition
// variable the waits on these share. Internal to the pipeline.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>

#include "core/clock.h"

namespace stampede::pipeline {

class RunControl {
public:
    explicit RunControl(const core::RunClock& clock) : m_clock(clock) {}

    void pause();
    // True if the run was paused. The caller wakes the transport's sleepers.
    bool resume();
    void requestStop();
    // The run is going away: every wait returns.
    void shutDown();
    // The run gives up waiting on a live system: it stops, and a push waiting for room in the
    // queue gives up (what it carried stays QUEUED, to be settled).
    void abandon();

    bool stopRequested() const { return has(kStopRequested); }
    bool shuttingDown() const { return has(kShutdown); }
    bool paused() const { return has(kPaused); }
    bool ended() const { return m_flags.load(std::memory_order_acquire) & kEnded; }
    bool abandoned() const { return has(kAbandoned); }

    // The scenario's time: the run's clock less the time it spent paused.
    std::int64_t scenarioNowUs() const;
    void waitWhilePaused();
    // Waits up to `timeout` for `done()` (checked under the control lock), or a shutdown.
    template <typename Done>
    void waitFor(std::chrono::nanoseconds timeout, Done&& done) {
        std::unique_lock lock(m_mutex);
        m_changed.wait_for(lock, timeout, [&] { return done() || shuttingDown(); });
    }

    // The end, in two steps: ended (the final snapshot is being built), then published (waiters
    // of waitForEnd wake, and find the final snapshot).
    void markEnded();
    void markEndPublished();
    bool waitForEnd(std::chrono::milliseconds timeout);

private:
    // The run's life in one word of flags, each set once except kPaused.
    enum : std::uint8_t {
        kStopRequested = 1,
        kShutdown = 2,
        kPaused = 4,
        kEnded = 8,
        kEndPublished = 16,
        kAbandoned = 32,
    };
    bool has(std::uint8_t flag) const { return m_flags.load(std::memory_order_relaxed) & flag; }

    const core::RunClock& m_clock;
    std::atomic<std::uint8_t> m_flags{0};
    std::atomic<std::int64_t> m_pausedTotalNs{0};
    std::atomic<std::int64_t> m_pausedAtNs{0};
    std::mutex m_mutex;
    std::condition_variable m_changed;
};

}  // namespace stampede::pipeline
