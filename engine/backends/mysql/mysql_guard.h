#pragma once
// Stock kept in MySQL/MariaDB (Qt Sql, QMYSQL), four ways: `mysql-atomic` (seed 001's
// UPDATE … SET remaining = remaining - 1 WHERE … AND remaining > 0), `mysql-pessimistic` (BEGIN;
// SELECT … FOR UPDATE; UPDATE; COMMIT), `mysql-optimistic` (a version column, retried on
// conflict) and `mysql-naive` (a plain SELECT, then UPDATE … SET remaining = read - 1, at
// REPEATABLE READ: a lost update on purpose, the negative control). Qt Sql connections belong to a
// thread, so each calling thread gets its own. Deadlocks, lock-wait timeouts and lost connections
// answer Unavailable: the worker retries, then the DLQ. Connect, read and write timeouts keep a
// hung server a retry, never a hang.

#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "guards/outage_clock.h"
#include "guards/pool_gauge.h"
#include "stampede/guards/guard.h"
#include "stampede/metrics/latency_histogram.h"
#include "stampede/store/store_url.h"

namespace stampede::backends::mysql {

class MySqlGuard : public guards::Guard {
public:
    enum class Mode { Atomic, Pessimistic, Optimistic, Naive };
    // `pool`: at most that many decisions hold a connection at once (HikariCP's
    // maximumPoolSize), the others wait for one and are counted waiting; 0: no limit. Each
    // worker keeps its own connection (Qt's SQL connections stay in the thread that made them),
    // so the bound is on connections in use, which is what a pool's size limits.
    MySqlGuard(Mode mode, store::StoreUrl url, int pool = 0);
    ~MySqlGuard() override;

    std::string_view name() const override;
    void reset(std::span<const std::int64_t> stocks, int lanes) override;
    guards::TakeResult take(int campaign, int lane) override;
    void giveBack(int campaign, int lane) override;
    // The user's row and the unit go back in one transaction (the row first: no row, no unit).
    void giveBackFor(int campaign, int lane, std::uint64_t user) override;
    guards::StockChange setStock(int campaign, std::int64_t stock) override;
    std::int64_t stock(int campaign) const override;
    std::int64_t remaining(int campaign) const override;
    guards::BackendStats backendStats() const override;
    std::string sharedKey() const override { return m_runKey; }
    // Every mode but naive: the user goes into stampede_applied in the same transaction as the
    // decrement, so a request delivered again (another process, after a rebalance) is answered
    // Taken without a second unit.
    guards::TakeResult takeFor(int campaign, int lane, std::uint64_t user) override;
    bool decidesByUser() const override { return m_mode != Mode::Naive; }
    bool racesOnPurpose() const override { return m_mode == Mode::Naive; }
    // A decision that finds no connection to make (refused, a connect timeout) is the outage;
    // any answer (a deadlock is one) ends it.
    std::int64_t outageMs() const override { return m_outage.ms(); }
    std::string backendName() const override;
    std::optional<bool> holdsUnit(int campaign, std::uint64_t user) override;
    bool attach(const std::string& sharedKey, int campaigns, int lanes,
                std::string& error) override;

    // Connects once: empty string, or why not (refused, access denied, unknown database).
    std::string probe();
    const std::string& runKey() const { return m_runKey; }

private:
    struct ThreadConnection;
    struct Decision;    // one take's bookkeeping
    struct PoolPermit;  // one of the pool's connections in use
    guards::TakeResult decide(int campaign, const std::uint64_t* user);  // null: no record
    // This thread's, opened on first use; null if down. `backingOff`, when given, says the null
    // came from the wait after a failed connect, not from a new try (no news of the server).
    ThreadConnection* connection(bool* backingOff = nullptr) const;
    std::int64_t readColumn(int campaign, const char* column) const;

    Mode m_mode;
    store::StoreUrl m_url;
    std::string m_runKey;  // this run's rows in stampede_stock
    std::string m_namePrefix;
    mutable std::mutex m_mutex;
    mutable std::map<std::uint64_t, std::unique_ptr<ThreadConnection>> m_connections;
    mutable std::map<std::string, std::int64_t> m_lastRead;  // "stock:0" -> value, under m_mutex
    mutable std::atomic<std::int64_t> m_roundTrips{0}, m_errors{0}, m_reconnects{0}, m_conflicts{0};
    mutable guards::PoolGauge m_pool;
    mutable guards::OutageClock m_outage;
    // The pool's bound: connections in use, and the decisions waiting for one.
    int m_poolSize = 0;
    std::mutex m_poolMutex;
    std::condition_variable m_poolFree;
    int m_inUse = 0;
};

std::unique_ptr<guards::Guard> makeMySqlGuard(std::string_view name, const store::StoreUrl& url,
                                              std::string& error, int pool = 0);

}  // namespace stampede::backends::mysql
