#include "ingress/user_directory.h"

#include <absl/hash/hash.h>

#include <charconv>

namespace stampede::ingress {

namespace {

// Only canonical decimals map to themselves, so "007" and "7" stay different people.
std::uint64_t scenarioNumber(std::string_view name) {
    std::uint64_t number = 0;
    const auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), number);
    if (ec == std::errc() && end == name.data() + name.size() && number > 0 &&
        number < UserDirectory::kFirstNamed && name.front() != '0')
        return number;
    return 0;
}

// Debian's abseil has a string_view of its own (built before C++17).
absl::string_view key(std::string_view name) {
    return {name.data(), name.size()};
}

}  // namespace

UserDirectory::Shard& UserDirectory::shardOf(std::string_view name) const {
    return m_shards[absl::Hash<absl::string_view>{}(key(name)) % kShards];
}

std::uint64_t UserDirectory::find(std::string_view name) const {
    if (name.empty()) return 0;
    if (const std::uint64_t number = scenarioNumber(name)) return number;
    const Shard& shard = shardOf(name);
    std::lock_guard lock(shard.mutex);
    const auto it = shard.byName.find(key(name));
    return it == shard.byName.end() ? 0 : it->second;
}

std::uint64_t UserDirectory::userOf(std::string_view name) {
    if (name.empty()) return 0;
    if (const std::uint64_t number = scenarioNumber(name)) return number;
    Shard& shard = shardOf(name);
    std::unique_lock lock(shard.mutex);
    if (const auto it = shard.byName.find(key(name)); it != shard.byName.end()) return it->second;
    if (m_shared) {
        lock.unlock();  // a round trip to the backend: nobody else waits for it
        const std::uint64_t n = m_shared(name);
        if (n == 0 || n >= kLimit - kFirstNamed) return 0;
        const std::uint64_t user = kFirstNamed + n;
        lock.lock();
        shard.byName.emplace(std::string(name), user);  // one that raced us got the same number
        std::lock_guard names(m_sharedMutex);
        m_sharedNames.emplace(user, std::string(name));
        return user;
    }
    const std::size_t shardIndex = std::size_t(&shard - m_shards.data());
    const std::uint64_t user = kFirstNamed + shard.names.size() * kShards + shardIndex;
    if (user >= kLimit) return 0;
    shard.names.emplace_back(name);
    shard.byName.emplace(std::string(name), user);
    return user;
}

std::string UserDirectory::nameOf(std::uint64_t user) const {
    if (user < kFirstNamed) return std::to_string(user);
    if (m_shared) {
        std::lock_guard lock(m_sharedMutex);
        const auto it = m_sharedNames.find(user);
        return it == m_sharedNames.end() ? std::to_string(user) : it->second;
    }
    const std::uint64_t offset = user - kFirstNamed;
    const Shard& shard = m_shards[offset % kShards];
    const std::uint64_t index = offset / kShards;
    std::lock_guard lock(shard.mutex);
    return index < shard.names.size() ? shard.names[index] : std::to_string(user);
}

}  // namespace stampede::ingress
