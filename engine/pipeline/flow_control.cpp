#include "pipeline/flow_control.h"

#include <algorithm>

namespace stampede::pipeline {

void RateLimiter::setRate(double perSecond, std::int64_t nowNs) {
    m_rate.store(perSecond > 0 ? perSecond : 0, std::memory_order_relaxed);
    const auto interval = perSecond > 0 ? static_cast<std::int64_t>(1e9 / perSecond) : 0;
    m_intervalNs.store(std::max<std::int64_t>(interval, perSecond > 0 ? 1 : 0),
                       std::memory_order_relaxed);
    m_theoreticalArrival.store(nowNs, std::memory_order_relaxed);
}

std::int64_t RateLimiter::reserve(std::int64_t nowNs) {
    const std::int64_t interval = m_intervalNs.load(std::memory_order_relaxed);
    if (interval <= 0) return nowNs;
    std::int64_t tat = m_theoreticalArrival.load(std::memory_order_relaxed);
    std::int64_t slot = 0;
    do {
        slot = std::max(tat, nowNs);
    } while (!m_theoreticalArrival.compare_exchange_weak(tat, slot + interval,
                                                         std::memory_order_relaxed));
    return slot;
}

bool Bulkhead::tryEnter() {
    const std::int64_t limit = m_limit.load(std::memory_order_relaxed);
    if (limit <= 0) {
        m_inFlight.fetch_add(1, std::memory_order_relaxed);
        return true;
    }
    std::int64_t current = m_inFlight.load(std::memory_order_relaxed);
    do {
        if (current >= limit) return false;
    } while (!m_inFlight.compare_exchange_weak(current, current + 1, std::memory_order_acq_rel));
    return true;
}

}  // namespace stampede::pipeline
