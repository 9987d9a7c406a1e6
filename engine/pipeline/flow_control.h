#pragma once
// Per-campaign flow control on the processing side: a processing-rate cap (GCRA, the shape of
// SQS consumer throttling in seed 000/003) that can change during a run, and a bulkhead (seed
// 003) bounding how many requests of a campaign are PROCESSING at once.

#include <atomic>
#include <cstdint>

namespace stampede::pipeline {

// Generic cell rate algorithm: each call reserves the next free slot and says how long to wait
// for it. Lock-free; a change of rate applies to the next reservation.
class RateLimiter {
public:
    void setRate(double perSecond, std::int64_t nowNs);
    double rate() const { return m_rate.load(std::memory_order_relaxed); }
    bool limited() const { return m_intervalNs.load(std::memory_order_relaxed) > 0; }
    // Reserves a slot at or after nowNs; returns the time the caller may proceed.
    std::int64_t reserve(std::int64_t nowNs);

private:
    std::atomic<double> m_rate{0};
    std::atomic<std::int64_t> m_intervalNs{0};
    std::atomic<std::int64_t> m_theoreticalArrival{0};
};

class Bulkhead {
public:
    void setLimit(std::int64_t limit) { m_limit.store(limit, std::memory_order_relaxed); }
    std::int64_t limit() const { return m_limit.load(std::memory_order_relaxed); }
    bool limited() const { return m_limit.load(std::memory_order_relaxed) > 0; }
    bool tryEnter();
    void leave() { m_inFlight.fetch_sub(1, std::memory_order_acq_rel); }
    std::int64_t inFlight() const { return m_inFlight.load(std::memory_order_relaxed); }

private:
    std::atomic<std::int64_t> m_limit{0};  // 0 = unlimited
    std::atomic<std::int64_t> m_inFlight{0};
};

}  // namespace stampede::pipeline
