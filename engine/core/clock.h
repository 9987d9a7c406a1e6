#pragma once
// The engine's time: nanoseconds on the monotonic clock since a run's start. Components take
// times as arguments (RateLimiter::reserve(nowNs), FaultPlan::backoffNs) so tests drive them in
// virtual time; only the run's threads read the real clock, through here.

#include <chrono>
#include <cstdint>
#include <thread>

namespace stampede::core {

class RunClock {
public:
    RunClock() : m_start(std::chrono::steady_clock::now()) {}
    // Only before any thread reads the clock: the run's zero is when it starts, not when it was
    // prepared.
    void restart() { m_start = std::chrono::steady_clock::now(); }
    // The run's zero on the monotonic clock, in nanoseconds since that clock's epoch.
    std::int64_t startNs() const {
        return std::chrono::duration_cast<std::chrono::nanoseconds>(m_start.time_since_epoch())
            .count();
    }
    std::int64_t nowNs() const {
        return std::chrono::duration_cast<std::chrono::nanoseconds>(
                   std::chrono::steady_clock::now() - m_start)
            .count();
    }
    // Sleeps until the run's clock reads `atNs`; short waits spin (sleeping costs ~60 us here).
    void sleepUntil(std::int64_t atNs) const {
        for (;;) {
            const std::int64_t left = atNs - nowNs();
            if (left <= 0) return;
            if (left > 200'000)
                std::this_thread::sleep_for(std::chrono::nanoseconds(left - 100'000));
            else
                std::this_thread::yield();
        }
    }

private:
    std::chrono::steady_clock::time_point m_start;
};

}  // namespace stampede::core
