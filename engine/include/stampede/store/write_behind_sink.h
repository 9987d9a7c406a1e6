#pragma once
// Persistence behind the decision path: a thread that follows a run from behind
// (Engine::takeIssued) and writes its issued coupons to a store in multi-row INSERT batches, one
// transaction per batch, and mirrors the run's DLQ into the store. The engine never waits for it;
// what it has not written yet is its lag, which it measures.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

#include "stampede/engine.h"
#include "stampede/store/store_url.h"

namespace stampede::store {

struct SinkStats {
    std::int64_t rowsWritten = 0;    // coupons persisted
    std::int64_t eventsWritten = 0;  // request event log rows
    std::int64_t deadLettersStored = 0;
    double lagMsMax = 0;  // longest time between a coupon's decision and its commit
    double lagMsLast = 0;
    std::int64_t batches = 0;
    std::string error;  // the store's last failure, if any
};

class WriteBehindSink {
public:
    // The sink opens its own connection to `url` on its own thread (Qt Sql connections are per
    // thread) and writes into run `runId`.
    // `eventSampling`: share of final requests written to the request event log (1 = all,
    // 0 = none), chosen by request id so a re-run samples the same requests.
    WriteBehindSink(Engine& engine, StoreUrl url, std::int64_t runId, double eventSampling = 1.0);
    ~WriteBehindSink();  // stop()s

    void start();
    // Writes everything the run issued so far, then stops.
    void stop();
    SinkStats stats() const;
    std::int64_t rowsWritten() const { return m_rowsWritten.load(std::memory_order_acquire); }

private:
    void loop();

    Engine& m_engine;
    StoreUrl m_url;
    std::int64_t m_runId;
    std::uint64_t m_generation;  // the engine's run this sink persists
    double m_eventSampling;
    std::thread m_thread;
    std::atomic<bool> m_stop{false};
    std::atomic<std::int64_t> m_rowsWritten{0};
    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    SinkStats m_stats;
};

}  // namespace stampede::store
