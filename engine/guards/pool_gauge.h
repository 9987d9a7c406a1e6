#pragma once
// Where a backend guard's time goes, as seed 003 saw it in HikariCP: how many connections are
// open, how many are busy in a call, how many callers wait (for a lock or a connection), with
// the peaks of the run, and how long the waits took (their p95 goes into the summary as
// pool_wait_p95_ms). The gauges are lock-free; a wait that ended takes a mutex to be recorded,
// which is nothing beside the lock or round trip it waited for.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>

#include "stampede/metrics/latency_histogram.h"

namespace stampede::guards {

class PoolGauge {
public:
    // Marks the caller busy (or waiting) for its scope.
    class Scope {
    public:
        // `timed`: the gauge whose wait times this scope's duration goes into.
        Scope(std::atomic<int>& now, std::atomic<int>& peak, PoolGauge* timed = nullptr)
            : m_now(now), m_timed(timed) {
            const int n = m_now.fetch_add(1, std::memory_order_relaxed) + 1;
            int seen = peak.load(std::memory_order_relaxed);
            while (n > seen && !peak.compare_exchange_weak(seen, n, std::memory_order_relaxed)) {
            }
            if (m_timed) m_start = std::chrono::steady_clock::now();
        }
        ~Scope() {
            m_now.fetch_sub(1, std::memory_order_relaxed);
            if (m_timed)
                m_timed->recordWait(
                    std::uint64_t(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                      std::chrono::steady_clock::now() - m_start)
                                      .count()));
        }
        Scope(const Scope&) = delete;
        Scope& operator=(const Scope&) = delete;

    private:
        std::atomic<int>& m_now;
        PoolGauge* m_timed;
        std::chrono::steady_clock::time_point m_start;
    };

    Scope busy() { return Scope(m_busy, m_busyPeak); }
    Scope waiting() { return Scope(m_waiting, m_waitingPeak, this); }
    // For a wait that starts part-way through a call.
    std::unique_ptr<Scope> startWaiting() {
        return std::make_unique<Scope>(m_waiting, m_waitingPeak, this);
    }
    void recordWait(std::uint64_t ns) {
        std::lock_guard lock(m_waitsMutex);
        m_waits.record(ns);
    }
    // The 95th percentile of the waits so far, in ms (0 when nobody waited).
    double waitP95Ms() const {
        std::lock_guard lock(m_waitsMutex);
        return double(m_waits.percentile(0.95)) / 1e6;
    }
    void connectionOpened() { m_connections.fetch_add(1, std::memory_order_relaxed); }
    void connectionClosed() { m_connections.fetch_sub(1, std::memory_order_relaxed); }

    int connections() const { return m_connections.load(std::memory_order_relaxed); }
    int busyNow() const { return m_busy.load(std::memory_order_relaxed); }
    int busyPeak() const { return m_busyPeak.load(std::memory_order_relaxed); }
    int waitingNow() const { return m_waiting.load(std::memory_order_relaxed); }
    int waitingPeak() const { return m_waitingPeak.load(std::memory_order_relaxed); }

private:
    std::atomic<int> m_connections{0};
    std::atomic<int> m_busy{0}, m_busyPeak{0};
    std::atomic<int> m_waiting{0}, m_waitingPeak{0};
    mutable std::mutex m_waitsMutex;
    metrics::LatencyHistogram m_waits;
};

}  // namespace stampede::guards
