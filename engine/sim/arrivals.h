#pragma once
// Expands a scenario into the exact list of submissions its clients make, sorted by time.
// Deterministic: the same scenario and seed give the same list, byte for byte.

#include <cstdint>
#include <vector>

#include "stampede/sim/scenario.h"

namespace stampede::sim {

struct Arrival {
    std::int64_t atUs = 0;  // offset from the run's start
    std::uint32_t user = 0;
    std::uint16_t campaign = 0;  // index into Scenario::campaigns
    std::uint8_t flags = 0;
    static constexpr std::uint8_t kVerified = 1;  // the user passed verification
    static constexpr std::uint8_t kRepeat = 2;    // a double submission or a retry, not the first

    bool verified() const { return flags & kVerified; }
};
static_assert(sizeof(Arrival) == 16);

// Every submission of the scenario: first submissions from its arrival blocks, plus duplicates
// and retry-storm resubmissions from its clients section. Stable order: by time, then campaign,
// then user.
std::vector<Arrival> generateArrivals(const Scenario& scenario);

// Number of distinct (campaign, user) pairs, and of those eligible (verified where required).
struct ArrivalCounts {
    std::int64_t submissions = 0;
    std::int64_t uniqueUsers = 0;
    std::int64_t eligibleUsers = 0;
};
ArrivalCounts countArrivals(const Scenario& scenario, const std::vector<Arrival>& arrivals);

}  // namespace stampede::sim
