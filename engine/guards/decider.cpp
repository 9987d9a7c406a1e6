#include "guards/decider.h"

#include "stampede/guards/guard_registry.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <thread>

namespace stampede::guards {

const char* unavailableReason(const Guard& guard) {
    const GuardInfo* info = findGuard(guard.name());
    switch (info ? info->family : GuardFamily::Memory) {
        case GuardFamily::Redis:
            return "Redis unavailable";
        case GuardFamily::MySql:
            return "MySQL unavailable";
        case GuardFamily::Memory:
            break;
    }
    return "guard unavailable";
}

std::int64_t RetryPolicy::backoffNs(int attempt, double unit) const {
    const double cap = std::min(backoffMaxMs, backoffMs * std::pow(2.0, std::max(0, attempt - 1)));
    return static_cast<std::int64_t>(cap * 1e6 * unit);
}

void Decider::sleepBackoff(int attempt, double unit) const {
    std::this_thread::sleep_for(std::chrono::nanoseconds(m_policy.backoffNs(attempt, unit)));
}

}  // namespace stampede::guards
