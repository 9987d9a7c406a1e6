#pragma once
// Delivers the outbox by SMTP (libcurl) on a thread of its own, never on the decision path: each
// message is tried, and tried again with a doubling backoff while the server is unreachable or
// refuses for now (4xx), until it is sent or the attempts are spent; the outbox says which.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

#include "stampede/http/outbox.h"

namespace stampede::http {

struct SmtpSettings {
    std::string url;       // smtp://HOST:PORT or smtps://HOST:PORT (user from the URL's user part)
    std::string password;  // from the environment or the keychain, never the command line
    std::string from = "stampede@localhost";
    int maxAttempts = 8;
    std::chrono::milliseconds firstBackoff{500};
    std::chrono::milliseconds maxBackoff{60'000};
    std::chrono::milliseconds timeout{10'000};  // one attempt, connection included
};

struct DeliveryStats {
    std::atomic<std::int64_t> sent{0};
    std::atomic<std::int64_t> failed{0};   // given up on
    std::atomic<std::int64_t> retries{0};  // attempts after a first one failed
};

class SmtpDelivery {
public:
    SmtpDelivery(Outbox& outbox, SmtpSettings settings);
    ~SmtpDelivery();  // stop()
    SmtpDelivery(const SmtpDelivery&) = delete;
    SmtpDelivery& operator=(const SmtpDelivery&) = delete;

    void start();
    // Ends the thread after the attempt in progress; what is not sent stays "pending".
    void stop();
    // Wakes the thread for messages posted since (it also looks every 200 ms).
    void poke();
    // Waits until every message posted so far is sent or given up on; false on timeout.
    bool drain(std::chrono::milliseconds timeout);

    const DeliveryStats& stats() const { return m_stats; }
    std::string lastError() const;

    // One message over SMTP: empty on success, else why (the server's answer or curl's error);
    // `transient` is false when trying again cannot help (the server refused for good, 5xx).
    static std::string send(const SmtpSettings& settings, const OutboxMessage& message,
                            bool& transient);

private:
    void loop();

    Outbox& m_outbox;
    SmtpSettings m_settings;
    DeliveryStats m_stats;
    std::thread m_thread;
    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_stopping = false;
    std::int64_t m_done = 0;  // every message up to this id is sent or given up on
    std::string m_lastError;
};

}  // namespace stampede::http
