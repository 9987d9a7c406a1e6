#include "ingress/user_directory.h"

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

}  // namespace

std::uint64_t UserDirectory::find(std::string_view name) const {
    if (name.empty()) return 0;
    if (const std::uint64_t number = scenarioNumber(name)) return number;
    std::lock_guard lock(m_mutex);
    const auto it = m_byName.find(std::string(name));
    return it == m_byName.end() ? 0 : it->second;
}

std::uint64_t UserDirectory::userOf(std::string_view name) {
    if (name.empty()) return 0;
    if (const std::uint64_t number = scenarioNumber(name)) return number;
    std::unique_lock lock(m_mutex);
    auto it = m_byName.find(std::string(name));
    if (it != m_byName.end()) return it->second;
    if (m_shared) {
        lock.unlock();  // a round trip to the backend: nobody else waits for it
        const std::uint64_t n = m_shared(name);
        if (n == 0 || n >= kLimit - kFirstNamed) return 0;
        const std::uint64_t user = kFirstNamed + n;
        lock.lock();
        m_byName.emplace(std::string(name), user);  // one that raced us got the same number
        m_sharedNames.emplace(user, std::string(name));
        return user;
    }
    const std::uint64_t user = kFirstNamed + m_names.size();
    if (user >= kLimit) return 0;
    m_names.emplace_back(name);
    m_byName.emplace(std::string(name), user);
    return user;
}

std::string UserDirectory::nameOf(std::uint64_t user) const {
    if (user < kFirstNamed) return std::to_string(user);
    std::lock_guard lock(m_mutex);
    if (m_shared) {
        const auto it = m_sharedNames.find(user);
        return it == m_sharedNames.end() ? std::to_string(user) : it->second;
    }
    const auto index = user - kFirstNamed;
    return index < m_names.size() ? m_names[index] : std::to_string(user);
}

}  // namespace stampede::ingress
