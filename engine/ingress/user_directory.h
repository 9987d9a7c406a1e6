#pragma once
// Users as the engine counts them: scenario users are numbers; a user named by a caller (HTTP,
// replay) is a number too when the name is one ("17"), otherwise it gets the next free number
// above 2^32, so both kinds share one idempotency space. Thread-safe; off the hot path.

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
    // In a run several ingress processes share, named users are numbered by the run's backend
    // (Guard::sharedUserNumber: 1, 2, … for all of them alike), not in this process.
    using SharedNumbering = std::function<std::uint64_t(std::string_view name)>;
    void numberShared(SharedNumbering numbering) { m_shared = std::move(numbering); }

    static constexpr std::uint64_t kFirstNamed = 1ULL << 32;
    static constexpr std::uint64_t kLimit = 1ULL << 48;

    // The user's number; 0 if the name is empty, the directory is full, or the shared numbering
    // does not answer.
    std::uint64_t userOf(std::string_view name);
    // The user's number if the name has one already (a decimal, or a name seen before), 0 if
    // not: a lookup that, unlike userOf, never adds a name.
    std::uint64_t find(std::string_view name) const;
    // The name a user number stands for: the decimal number, or the interned name.
    std::string nameOf(std::uint64_t user) const;

private:
    mutable std::mutex m_mutex;
    std::unordered_map<std::string, std::uint64_t> m_byName;
    std::vector<std::string> m_names;  // index = user - kFirstNamed
    SharedNumbering m_shared;
    std::unordered_map<std::uint64_t, std::string> m_sharedNames;  // with m_shared
};

}  // namespace stampede::ingress
