#pragma once
// Where a backend guard's time goes, as seed 003 saw it in HikariCP: how many connections are
// open, how many are busy in a call, how many callers wait (for a lock or a connection), with
// the peaks of the run. Lock-free: a guard's callers update it on every decision.

#include <atomic>
#include <cstdint>
#include <memory>

namespace stampede::guards {

class PoolGauge {
public:
    // Marks the caller busy (or waiting) for its scope.
    class Scope {
    public:
        Scope(std::atomic<int>& now, std::atomic<int>& peak) : m_now(now) {
            const int n = m_now.fetch_add(1, std::memory_order_relaxed) + 1;
            int seen = peak.load(std::memory_order_relaxed);
            while (n > seen && !peak.compare_exchange_weak(seen, n, std::memory_order_relaxed)) {
            }
        }
        ~Scope() { m_now.fetch_sub(1, std::memory_order_relaxed); }
        Scope(const Scope&) = delete;
        Scope& operator=(const Scope&) = delete;

    private:
        std::atomic<int>& m_now;
    };

    Scope busy() { return Scope(m_busy, m_busyPeak); }
    Scope waiting() { return Scope(m_waiting, m_waitingPeak); }
    // For a wait that starts part-way through a call.
    std::unique_ptr<Scope> startWaiting() {
        return std::make_unique<Scope>(m_waiting, m_waitingPeak);
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
};

}  // namespace stampede::guards
