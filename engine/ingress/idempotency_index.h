#pragma once
// Idempotency on (campaign, user): the first submission of a pair is admitted, every later one
// gets the first one's request id. An open-addressing table (abseil's SwissTable): std::
// unordered_set manages about 2 M inserts a second here, this one several times that. Not
// thread-safe: the engine calls it under its ingress lock.

#include <cstdint>
#include <memory>

#include "stampede/core/request.h"

namespace stampede::ingress {

class IdempotencyIndex {
public:
    IdempotencyIndex();
    ~IdempotencyIndex();
    IdempotencyIndex(const IdempotencyIndex&) = delete;
    IdempotencyIndex& operator=(const IdempotencyIndex&) = delete;

    static std::uint64_t keyOf(int campaign, std::uint64_t user) {
        return (static_cast<std::uint64_t>(campaign) << 48) | (user & ((1ULL << 48) - 1));
    }

    void reserve(std::size_t expected);
    // Inserts key -> id unless present; returns the id stored for key (== id if inserted).
    core::RequestId insertOrGet(std::uint64_t key, core::RequestId id);
    core::RequestId find(std::uint64_t key) const;  // kNoRequest if absent
    // Starts loading the memory `key` will probe, so a later insert does not wait for it.
    void prefetch(std::uint64_t key) const;
    std::size_t size() const;

private:
    struct Table;
    std::unique_ptr<Table> m_table;
};

}  // namespace stampede::ingress
