#pragma once
// How a racy guard over-issued, shown rather than told: for the first collisions of a run, the two
// decisions that read the same stock before either had written. The guards that race on purpose
// (none, mutex-early-release, redis-naive) record them; the correct guards record nothing and pay
// nothing for it.

#include <cstdint>

namespace stampede::guards {

// One decision's read and write of the stock. In a snapshot, `worker` is the run's worker that made
// it (or its feeder, when `atIngress`) and times are nanoseconds since the run's start; inside a
// guard, `worker` is the guard lane and times are on the monotonic clock.
struct RaceDecision {
    int worker = 0;
    std::int64_t readNs = 0;
    std::int64_t valueRead = 0;
    std::int64_t writeNs = 0;
    std::int64_t valueWritten = 0;
    bool atIngress = false;
};

// Two decisions of one campaign that collided: the second read the stock before the first had
// written, so both acted on the same value and one unit was issued twice.
struct RaceWitness {
    int campaign = 0;
    RaceDecision first, second;
};

// How many a run records: enough to draw the first few, bounded so a racy run costs no memory.
inline constexpr int kMaxRaceWitnesses = 16;

}  // namespace stampede::guards
