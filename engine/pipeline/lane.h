#pragma once
// A thread's identity in a run: the guard lane it decides on and the counters it writes; and a
// lane several threads share, one at a time. Internal to the pipeline.

#include <cstdint>
#include <memory>
#include <mutex>

#include "metrics/counter_block.h"

namespace stampede::pipeline {

struct Lane {
    int index = 0;
    metrics::CounterBlock* block = nullptr;
    // When the lane's thread goes straight from one request to the next, the end of the last one
    // is the start of this one: one clock read per request instead of two. -1: read the clock.
    std::int64_t lastNs = -1;
};

// Messages on the transport: a request id, with the top bit set for a DLQ replay.
inline constexpr std::uint32_t kReplayBit = 0x80000000u;

// A lane for callers that come from any thread (the API, the monitor's compensations, a sync
// replay sender): one at a time writes its counters.
class SharedLane {
public:
    SharedLane(int index, int campaigns)
        : m_index(index), m_block(std::make_unique<metrics::CounterBlock>(campaigns)) {}
    int index() const { return m_index; }
    const metrics::CounterBlock& block() const { return *m_block; }
    template <typename F>
    auto with(F&& f) {
        std::lock_guard lock(m_mutex);
        Lane lane{m_index, m_block.get()};
        return f(lane);
    }

private:
    int m_index;
    std::unique_ptr<metrics::CounterBlock> m_block;
    std::mutex m_mutex;
};

}  // namespace stampede::pipeline
