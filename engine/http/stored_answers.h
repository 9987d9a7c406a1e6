#pragma once
// Answers that wait until their request is stored: in front of a durable transport (Kafka) an
// HTTP ingress says 202 only once the request cannot be lost with this process, so a client told
// "accepted" is never let down by a kill -9. One thread looks at the waiting answers every
// millisecond (a delivery is acknowledged a few milliseconds after the request came); none of the
// server's threads waits.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "stampede/engine.h"
#include "stampede/http/http_message.h"

namespace stampede::http {

class StoredAnswers {
public:
    StoredAnswers(Engine& engine, std::chrono::milliseconds within);
    ~StoredAnswers();  // what still waits is answered 503
    StoredAnswers(const StoredAnswers&) = delete;
    StoredAnswers& operator=(const StoredAnswers&) = delete;

    // `answer` once request `id` is stored; 503 with the request id (a retry is safe: applying
    // again answers with the first request) if it is not within the bound.
    HttpResponse whenStored(core::RequestId id, HttpResponse answer);
    // Gives every waiting answer now (stored or 503) and waits no more: called while the HTTP
    // server still runs, before it stops, so that no answer reaches a connection that is gone.
    // Later applications are answered at once.
    void finish();

private:
    struct Waiting {
        core::RequestId id;
        HttpResponse answer;
        std::shared_ptr<DeferredAnswer> deferred;
        std::chrono::steady_clock::time_point deadline;
    };
    void watch();

    Engine& m_engine;
    std::chrono::milliseconds m_within;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::vector<Waiting> m_waiting;
    bool m_stopping = false;
    bool m_finished = false;
    std::thread m_thread;
};

}  // namespace stampede::http
