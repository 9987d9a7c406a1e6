#pragma once
// The store: campaigns, runs, issued coupons and the dead-letter queue, kept in SQLite (the
// embedded default) or MySQL/MariaDB through Qt Sql. One Store is one connection and belongs to
// the thread that opened it (Qt Sql connections are per thread). The schema is versioned: the
// migrations in resources/sql/<dialect>/ are applied when a store is opened, and a database
// newer than this program knows is refused. Never on the decision path: the engine's write-behind
// sink (write_behind_sink.h) feeds it from behind.

#include <QStringList>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "stampede/dlq/dead_letter_queue.h"
#include "stampede/run_types.h"
#include "stampede/sim/scenario.h"
#include "stampede/store/store_url.h"

class QSqlDatabase;
class QSqlQuery;

namespace stampede::store {

struct RunRecord {
    std::int64_t id = 0;
    std::string scenario;
    std::uint64_t seed = 0;
    std::string status;  // running | completed | stopped | interrupted
    std::string startedAt, finishedAt;
    std::int64_t rowsWritten = 0;
    std::int64_t coupons = 0;
    std::int64_t pendingDeadLetters = 0;
};

// A message of the HTTP ingress's outbox, as stored with its run.
struct OutboxRow {
    std::int64_t messageId = 0;
    std::string recipient, kind, subject, body;
    std::int64_t createdAtMs = 0;
    std::string delivery;
};

struct StoredDeadLetter {
    std::int64_t runId = 0;
    dlq::DeadLetter letter;
    std::string replayState;  // pending | replayed | purged
};

struct StoredCampaign {
    core::Campaign campaign;
    std::int64_t issued = 0;  // coupons stored for it
};

class Store {
public:
    // Connects, applies pending migrations and marks runs whose process died as interrupted.
    // Null with `error` naming what and where (file, host, schema version) on failure.
    static std::unique_ptr<Store> open(const StoreUrl& url, std::string& error);
    ~Store();
    Store(const Store&) = delete;
    Store& operator=(const Store&) = delete;

    const StoreUrl& url() const { return m_url; }
    int schemaVersion() const { return m_schemaVersion; }
    static int knownSchemaVersion();
    std::string lastError() const { return m_error; }

    // A new run (status running, owned by this process) with its campaigns; its id, or nullopt.
    std::optional<std::int64_t> beginRun(const sim::Scenario& scenario);
    bool finishRun(std::int64_t runId, const std::string& status, const std::string& summaryJson,
                   std::int64_t rowsWritten, double lagMs);
    // Multi-row INSERTs in one transaction; a (run, campaign, user) already stored is skipped.
    // Returns the rows written, or -1 (lastError()).
    std::int64_t insertIssued(std::int64_t runId, std::span<const IssuedCoupon> coupons);
    // The request event log: one row per request that became final. Returns rows, or -1.
    std::int64_t insertEvents(std::int64_t runId, std::span<const FinalRequest> events);
    bool upsertDeadLetters(std::int64_t runId, std::span<const dlq::DeadLetter> letters);
    // Inserts or replaces these messages of the run's outbox (a delivery's later verdict
    // replaces the row).
    bool upsertOutbox(std::int64_t runId, std::span<const OutboxRow> rows);
    std::vector<OutboxRow> outbox(std::int64_t runId);
    bool setReplayState(std::int64_t runId, std::span<const core::RequestId> ids,
                        const std::string& state);

    std::vector<RunRecord> runs();
    std::optional<RunRecord> run(std::int64_t runId);
    std::vector<StoredCampaign> campaigns(std::int64_t runId);
    // Dead letters (of one run, or all), pending ones only unless `everyState`.
    std::vector<StoredDeadLetter> deadLetters(std::optional<std::int64_t> runId,
                                              const dlq::DlqFilter& filter = {},
                                              bool everyState = false);
    std::int64_t countIssued(std::int64_t runId);
    bool hasCoupon(std::int64_t runId, const std::string& campaign, const std::string& user);
    std::int64_t countDistinctIssued(std::int64_t runId);  // == countIssued unless something broke

    // The connection, for jobs of this module (aggregation, export) on the same thread.
    QSqlDatabase database() const;
    bool usesSqlite() const { return m_url.kind == StoreUrl::Kind::Sqlite; }

    // Deterministic coupon code for (campaign, user): what a customer would be sent.
    static std::string couponCode(const std::string& campaign, const std::string& user);

private:
    struct Connection;
    explicit Store(StoreUrl url);
    bool connect(std::string& error);
    bool migrate(std::string& error);
    void markInterruptedRuns();
    // `beforeCommit` (optional) runs in the same transaction with the count written; false rolls
    // everything back.
    std::int64_t insertRows(const QString& table, const QStringList& columns, std::size_t rows,
                            const std::function<void(QSqlQuery&, std::size_t)>& bindRow,
                            const std::function<bool(std::int64_t)>& beforeCommit = {});
    bool fail(const std::string& what);

    StoreUrl m_url;
    std::unique_ptr<Connection> m_db;
    int m_schemaVersion = 0;
    std::string m_error;
};

}  // namespace stampede::store
