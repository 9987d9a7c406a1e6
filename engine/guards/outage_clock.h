#pragma once
// How long a backend guard's server has answered nothing: the first decision that finds it gone
// (no connection, a timeout) starts the clock, any answer stops it. The run reads it to give up
// after its outage bound (StartOptions::outageBound) instead of retrying into a dead server. An
// answer costs one relaxed load of a line that is written only when the server comes and goes.
// Internal to the engine.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>

namespace stampede::guards {

class OutageClock {
public:
    void answered() {
        if (m_sinceNs.load(std::memory_order_relaxed) != 0)
            m_sinceNs.store(0, std::memory_order_relaxed);
    }
    void unreachable() {
        std::int64_t none = 0;
        m_sinceNs.compare_exchange_strong(none, std::max<std::int64_t>(1, nowNs()),
                                          std::memory_order_relaxed);
    }
    // True from the first failure to the next answer (ms() reads 0 in its first millisecond).
    bool running() const { return m_sinceNs.load(std::memory_order_relaxed) != 0; }
    // 0 while the server answers.
    std::int64_t ms() const {
        const std::int64_t since = m_sinceNs.load(std::memory_order_relaxed);
        // At least 1 once it runs: a reader testing "> 0" sees an outage from its first moment.
        return since == 0 ? 0 : std::max<std::int64_t>(1, (nowNs() - since) / 1'000'000);
    }

private:
    static std::int64_t nowNs() {
        return std::chrono::duration_cast<std::chrono::nanoseconds>(
                   std::chrono::steady_clock::now().time_since_epoch())
            .count();
    }
    std::atomic<std::int64_t> m_sinceNs{0};
};

}  // namespace stampede::guards
