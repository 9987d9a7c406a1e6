#pragma once
// The HTTP ingress's outbox kept with its run in the store (serve --store, and the console's
// Serve HTTP while it persists its runs). Each poll writes the messages that
// are new or whose delivery may still change; a message is written for the last time once its
// delivery is final (kept in the outbox only, sent, or given up on).

#include <cstdint>
#include <memory>
#include <string>

#include "stampede/http/outbox.h"
#include "stampede/store/store.h"

namespace stampede::live {

class OutboxKeeper {
public:
    // Null with `error` when the store cannot be opened.
    static std::unique_ptr<OutboxKeeper> open(const store::StoreUrl& url, std::int64_t runId,
                                              std::string& error);
    // False with error() when the store refused the write (the messages are tried again next).
    bool keep(const http::Outbox& outbox);
    const std::string& error() const { return m_error; }

private:
    OutboxKeeper(std::unique_ptr<store::Store> store, std::int64_t runId)
        : m_store(std::move(store)), m_runId(runId) {}

    std::unique_ptr<store::Store> m_store;
    std::int64_t m_runId;
    std::int64_t m_firstOpen = 1;  // every message before this one is stored for good
    std::string m_error;
};

}  // namespace stampede::live
