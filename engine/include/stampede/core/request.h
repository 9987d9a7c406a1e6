#pragma once
// One admitted request, as the engine keeps it: 56 bytes, in a RequestArena that never moves
// records, so threads may hold indices across the run. The state is atomic (release on change)
// so that auditors reading a final state also see everything written before it.

#include <atomic>
#include <cstdint>
#include <memory>

#include "stampede/core/request_state.h"

namespace stampede::core {

using RequestId = std::uint32_t;
inline constexpr RequestId kNoRequest = 0xFFFFFFFFu;

struct Request {
    std::uint64_t user = 0;
    std::uint32_t seq = 0;  // fairness sequence, stamped when the request becomes QUEUED (1-based)
    std::uint16_t campaign = 0;
    std::atomic<RequestState> state{RequestState::Received};
    RejectReason reason = RejectReason::None;
    std::uint8_t attempts = 0;
    std::uint8_t flags = 0;
    std::int64_t receivedNs = 0;  // since the run's start
    std::int64_t queuedNs = 0;    // last time it became QUEUED
    std::int64_t startedNs = 0;   // last time it became PROCESSING
    std::int64_t finishedNs = 0;  // last time it became final (for the analytics event log)

    static constexpr std::uint8_t kVerified = 1;
    static constexpr std::uint8_t kLotteryEntry = 2;
    static constexpr std::uint8_t kLotteryWinner = 4;
    static constexpr std::uint8_t kStockReserved = 8;  // decide-at-ingress took its unit already
    static constexpr std::uint8_t kHasFailures = 16;   // an attempt failed; see the failure log
    static constexpr std::uint8_t kReplayed = 32;      // came back from the DLQ

    RequestState loadState() const { return state.load(std::memory_order_acquire); }
};
static_assert(sizeof(Request) == 56, "keep the record small: memory per request is a goal");

// Append-only storage in fixed chunks: appending never moves earlier records.
class RequestArena {
public:
    static constexpr int kChunkBits = 16;
    static constexpr std::uint32_t kChunkSize = 1u << kChunkBits;
    static constexpr std::uint32_t kMaxChunks = 1u << 15;  // 2^31 requests

    RequestArena();
    ~RequestArena();
    RequestArena(const RequestArena&) = delete;
    RequestArena& operator=(const RequestArena&) = delete;

    // Single appender at a time (the engine calls it under the ingress lock). Returns kNoRequest
    // when full.
    RequestId append();
    // Allocates (and so touches) the chunks for the first `expected` records now, before the run
    // starts, so the ingress never waits on a page fault for them. Before any append().
    void reserve(std::uint32_t expected);
    Request& operator[](RequestId id) {
        return m_chunks[id >> kChunkBits].load(std::memory_order_acquire)[id & (kChunkSize - 1)];
    }
    const Request& operator[](RequestId id) const {
        return m_chunks[id >> kChunkBits].load(std::memory_order_acquire)[id & (kChunkSize - 1)];
    }
    // Records appended so far; records below this index may be read by any thread.
    std::uint32_t size() const { return m_size.load(std::memory_order_acquire); }

private:
    std::unique_ptr<std::atomic<Request*>[]> m_chunks;
    std::atomic<std::uint32_t> m_size{0};
};

}  // namespace stampede::core
