#pragma once
// How many users an arrival block makes. Internal to sim/: the parser's limits and the generator
// must agree on these numbers, or a scenario the parser accepted could overflow user numbers.

#include <cmath>
#include <cstdint>

#include "stampede/sim/scenario.h"

namespace stampede::sim::detail {

// Doubles from a hand-built Scenario may be absurd; counts are clamped before any cast.
inline std::int64_t toCount(double value) {
    if (!(value > 0)) return 0;
    return static_cast<std::int64_t>(std::fmin(value, 9007199254740992.0));  // 2^53
}

// Expected first submissions of a block; what kMaxArrivals is checked against.
inline double expectedUsers(const ArrivalSpec& spec) {
    switch (spec.profile) {
        case Profile::Spike:
        case Profile::Ramp:
            return static_cast<double>(spec.users);
        case Profile::Constant:
        case Profile::Poisson:
            return spec.rps * spec.overMs / 1000.0;
    }
    return 0;
}

// A constant block: one user every 1/rps seconds, starting at the block's start. The epsilon
// keeps 0.7 rps * 10000 ms at 7 users despite rounding in the product.
inline std::int64_t constantUsers(const ArrivalSpec& spec) {
    return toCount(std::floor(spec.rps * spec.overMs / 1000.0 + 1e-9));
}

// A Poisson block's count is random. The generator stops at this many users, twelve standard
// deviations above the mean (never reached in practice), so that the parser can bound user
// numbers before anything is drawn.
inline std::int64_t poissonCap(const ArrivalSpec& spec) {
    const double mean = spec.rps * spec.overMs / 1000.0;
    return toCount(std::ceil(mean + 12.0 * std::sqrt(mean) + 20.0));
}

// The most users the block can make.
inline std::int64_t maxUsers(const ArrivalSpec& spec) {
    switch (spec.profile) {
        case Profile::Spike:
        case Profile::Ramp:
            return spec.users > 0 ? spec.users : 0;
        case Profile::Constant:
            return constantUsers(spec);
        case Profile::Poisson:
            return poissonCap(spec);
    }
    return 0;
}

inline constexpr std::int64_t kMaxUserNumber = 4294967295;  // Arrival::user is 32 bits
// Time fields (ms) are capped so that microsecond arithmetic, retries included, stays far from
// int64 overflow: 10^12 ms is about 31 years.
inline constexpr std::int64_t kMaxTimeMs = 1'000'000'000'000;

}  // namespace stampede::sim::detail
