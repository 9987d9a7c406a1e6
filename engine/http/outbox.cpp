#include "stampede/http/outbox.h"

#include <algorithm>
#include <chrono>

namespace stampede::http {

std::int64_t Outbox::post(std::string to, std::string kind, std::string subject, std::string body) {
    const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    std::lock_guard lock(m_mutex);
    if (m_messages.size() >= m_capacity) {
        const std::size_t drop = m_messages.size() / 10 + 1;  // amortised, not one per post
        m_messages.erase(m_messages.begin(), m_messages.begin() + std::ptrdiff_t(drop));
        m_dropped += std::int64_t(drop);
    }
    const std::int64_t id = m_nextId++;
    m_messages.push_back(OutboxMessage{id, std::move(to), std::move(kind), std::move(subject),
                                       std::move(body), now,
                                       m_delivered.load() ? "pending" : "outbox"});
    return id;
}

void Outbox::markDelivery(std::int64_t id, std::string delivery) {
    std::lock_guard lock(m_mutex);
    const auto it =
        std::lower_bound(m_messages.begin(), m_messages.end(), id,
                         [](const OutboxMessage& m, std::int64_t v) { return m.id < v; });
    if (it != m_messages.end() && it->id == id) it->delivery = std::move(delivery);
}

std::vector<OutboxMessage> Outbox::after(std::int64_t afterId, std::size_t limit) const {
    std::lock_guard lock(m_mutex);
    auto it = std::upper_bound(m_messages.begin(), m_messages.end(), afterId,
                               [](std::int64_t id, const OutboxMessage& m) { return id < m.id; });
    std::vector<OutboxMessage> out;
    for (; it != m_messages.end() && out.size() < limit; ++it) out.push_back(*it);
    return out;
}

std::int64_t Outbox::posted() const {
    std::lock_guard lock(m_mutex);
    return m_nextId - 1;
}

std::int64_t Outbox::dropped() const {
    std::lock_guard lock(m_mutex);
    return m_dropped;
}

}  // namespace stampede::http
