#pragma once
// Exact state counts without a lock on the hot path. Each thread that changes request states owns
// one CounterBlock (single writer) and publishes every transition inside a seqlock section, so a
// reader always copies a block whole. The engine reads blocks downstream-first (workers before
// the ingress that fed them), which makes the sum over blocks a state the requests really passed
// through: no count is ever negative and the states always add up to the admitted requests.
// (ThreadSanitizer does not model the fences; every shared cell is atomic, so it sees no race.)

#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "stampede/core/request_state.h"
#include "stampede/metrics/latency_histogram.h"

namespace stampede::metrics {

// Per-campaign fields of a block, after the kStateCount state cells.
enum class Field : int {
    Requests = core::kStateCount,  // submissions, duplicates included
    Duplicates,
    Retries,        // PROCESSING -> QUEUED after a transient failure
    Redeliveries,   // in-flight messages handed to another worker after a crash
    CopiesDropped,  // a transport's further copy of a message already claimed (Kafka redelivery)
    DeadLettered,   // entries added to the DLQ
    Replayed,       // DLQ entries taken back by a replay
    RejectedBase,   // + reason index: REJECTED by reason
    Count = RejectedBase + core::kReasonCount,
};
inline constexpr int kFieldsPerCampaign = static_cast<int>(Field::Count);

inline constexpr int stateField(core::RequestState s) {
    return static_cast<int>(s);
}
inline constexpr int reasonField(core::RejectReason r) {
    return static_cast<int>(Field::RejectedBase) + static_cast<int>(r);
}

class CounterBlock {
public:
    explicit CounterBlock(int campaigns);

    // One write section per logical step; never hold one across a wait.
    void beginWrite() {
        const auto v = m_version.load(std::memory_order_relaxed);
        m_version.store(v + 1, std::memory_order_relaxed);
        std::atomic_thread_fence(std::memory_order_release);
    }
    void endWrite() {
        m_version.store(m_version.load(std::memory_order_relaxed) + 1, std::memory_order_release);
    }
    void add(int campaign, int field, std::int64_t delta) {
        auto& cell = m_cells[static_cast<std::size_t>(campaign * kFieldsPerCampaign + field)];
        cell.store(cell.load(std::memory_order_relaxed) + delta, std::memory_order_relaxed);
    }
    void add(int campaign, Field field, std::int64_t delta) {
        add(campaign, static_cast<int>(field), delta);
    }
    void move(int campaign, core::RequestState from, core::RequestState to) {
        add(campaign, stateField(from), -1);
        add(campaign, stateField(to), +1);
    }

    // Adds a consistent copy of the block to `out` (campaigns * kFieldsPerCampaign cells).
    void readInto(std::span<std::int64_t> out) const;

    LatencyRecorder queueWait;
    LatencyRecorder processing;
    LatencyRecorder endToEnd;

private:
    std::atomic<std::uint64_t> m_version{0};
    std::unique_ptr<std::atomic<std::int64_t>[]> m_cells;
    std::size_t m_size = 0;
};

// RAII write section.
class CounterWrite {
public:
    explicit CounterWrite(CounterBlock& block) : m_block(block) { m_block.beginWrite(); }
    ~CounterWrite() { m_block.endWrite(); }
    CounterWrite(const CounterWrite&) = delete;
    CounterWrite& operator=(const CounterWrite&) = delete;

private:
    CounterBlock& m_block;
};

}  // namespace stampede::metrics
