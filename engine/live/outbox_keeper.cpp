#include "stampede/live/outbox_keeper.h"

#include <vector>

namespace stampede::live {
namespace {

bool deliveryIsFinal(const std::string& d) {
    return d == "outbox" || d == "sent" || d.rfind("failed", 0) == 0;
}

}  // namespace

std::unique_ptr<OutboxKeeper> OutboxKeeper::open(const store::StoreUrl& url, std::int64_t runId,
                                                 std::string& error) {
    auto store = store::Store::open(url, error);
    if (!store) return nullptr;
    return std::unique_ptr<OutboxKeeper>(new OutboxKeeper(std::move(store), runId));
}

bool OutboxKeeper::keep(const http::Outbox& outbox) {
    const auto messages = outbox.after(m_firstOpen - 1, 10'000);
    if (messages.empty()) return true;
    std::vector<store::OutboxRow> rows;
    rows.reserve(messages.size());
    std::int64_t firstOpen = m_firstOpen;
    bool finalSoFar = true;
    for (const auto& m : messages) {
        rows.push_back({m.id, m.to, m.kind, m.subject, m.body, m.createdAtMs, m.delivery});
        if (finalSoFar && deliveryIsFinal(m.delivery))
            firstOpen = m.id + 1;
        else
            finalSoFar = false;
    }
    if (!m_store->upsertOutbox(m_runId, rows)) {
        m_error = m_store->lastError();
        return false;
    }
    m_firstOpen = firstOpen;
    return true;
}

}  // namespace stampede::live
