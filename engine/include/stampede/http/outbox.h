#pragma once
// What the server has to tell people: verification codes and results ("you won", "sold out",
// "lottery lost"). Written here, off the decision path; read by GET /api/admin/outbox and the
// console, and delivered by whoever drains it (the embedded default delivers to the outbox only).
// Thread-safe.

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

namespace stampede::http {

struct OutboxMessage {
    std::int64_t id = 0;  // 1, 2, … in the order written
    std::string to;
    std::string kind;  // "verification-code", "result"
    std::string subject;
    std::string body;
    std::int64_t createdAtMs = 0;  // since the epoch
    // "outbox" (kept here only), "pending" (an SMTP delivery will try; "pending: attempt N
    // failed: WHY" while it retries), "sent", or "failed: WHY" once the delivery gave up.
    std::string delivery = "outbox";
};

class Outbox {
public:
    explicit Outbox(std::size_t capacity = 100'000) : m_capacity(capacity) {}

    std::int64_t post(std::string to, std::string kind, std::string subject, std::string body);
    // From now on, new messages wait for a delivery ("pending") instead of staying here.
    void expectDelivery() { m_delivered.store(true); }
    // A delivery's verdict on one message (ignored once it has left the outbox's capacity).
    void markDelivery(std::int64_t id, std::string delivery);
    // Messages with id > afterId, oldest first, at most `limit`.
    std::vector<OutboxMessage> after(std::int64_t afterId, std::size_t limit) const;
    std::int64_t posted() const;   // every message ever posted
    std::int64_t dropped() const;  // the oldest, let go when over capacity

private:
    std::size_t m_capacity;
    std::atomic<bool> m_delivered{false};
    mutable std::mutex m_mutex;
    std::vector<OutboxMessage> m_messages;  // ids ascending
    std::int64_t m_nextId = 1;
    std::int64_t m_dropped = 0;
};

}  // namespace stampede::http
