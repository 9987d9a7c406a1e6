#pragma once
// Users as the engine counts them: scenario users are numbers; a user named by a caller (HTTP,
// replay) is a number too when the name is one ("17"), otherwise it gets a free number above
// 2^32, so both kinds share one idempotency space. Thread-safe: the names are kept in shards,
// each under its own lock, so that the HTTP ingress's threads naming new users at once (every
// application of a stampede is a new user) seldom meet, and a shard growing stalls only its own.

#include <absl/container/flat_hash_map.h>

#include <array>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace stampede::ingress {

class UserDirectory {
public:
    static constexpr std::uint64_t kFirstNamed = 1ULL << 32;
    static constexpr std::uint64_t kLimit = 1ULL << 48;

    // In a run several ingress processes share, named users are numbered by the run's backend
    // (Guard::sharedUserNumber: 1, 2, … for all of them alike), not in this process.
    using SharedNumbering = std::function<std::uint64_t(std::string_view name)>;
    void numberShared(SharedNumbering numbering) { m_shared = std::move(numbering); }

    // The user's number; 0 if the name is empty, the directory is full, or the shared numbering
    // does not answer.
    std::uint64_t userOf(std::string_view name);
    // The user's number if the name has one already (a decimal, or a name seen before), 0 if
    // not: a lookup that, unlike userOf, never adds a name.
    std::uint64_t find(std::string_view name) const;
    // The name a user number stands for: the decimal number, or the interned name.
    std::string nameOf(std::uint64_t user) const;

private:
    // A named user's number is kFirstNamed + index * kShards + shard: its shard says where its
    // name is kept.
    static constexpr std::size_t kShards = 16;
    struct Shard {
        mutable std::mutex mutex;
        absl::flat_hash_map<std::string, std::uint64_t> byName;
        std::vector<std::string> names;  // by index
    };
    Shard& shardOf(std::string_view name) const;

    mutable std::array<Shard, kShards> m_shards;
    SharedNumbering m_shared;
    mutable std::mutex m_sharedMutex;
    std::unordered_map<std::uint64_t, std::string> m_sharedNames;  // with m_shared
};

}  // namespace stampede::ingress
