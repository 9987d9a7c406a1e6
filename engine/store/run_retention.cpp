#include "stampede/store/run_retention.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include <algorithm>

namespace stampede::store {
namespace {

// Every table that keeps rows of a run, the run itself last.
constexpr const char* kRunTables[] = {
    "issued_coupons",          "dead_letters", "request_events", "campaign_stats",
    "aggregation_checkpoints", "outbox",       "campaigns",      "runs"};

bool deleteRun(QSqlDatabase& db, std::int64_t runId, std::string& error) {
    for (const char* table : kRunTables) {
        QSqlQuery q(db);
        const QString column = QLatin1String(table) == QLatin1String("runs")
                                   ? QStringLiteral("id")
                                   : QStringLiteral("run_id");
        q.prepare(QStringLiteral("DELETE FROM %1 WHERE %2 = ?").arg(QLatin1String(table), column));
        q.addBindValue(static_cast<qint64>(runId));
        if (!q.exec()) {
            error = "cannot delete run " + std::to_string(runId) + " from " + table + ": " +
                    q.lastError().text().toStdString();
            return false;
        }
    }
    return true;
}

}  // namespace

std::optional<RetentionOutcome> keepNewestRuns(Store& store, int keepNewest, std::string& error) {
    std::vector<RunRecord> runs = store.runs();  // oldest first
    RetentionOutcome out;
    const std::size_t keep = std::size_t(std::max(0, keepNewest));
    QSqlDatabase db = store.database();
    if (!db.transaction()) {
        error = db.lastError().text().toStdString();
        return std::nullopt;
    }
    for (std::size_t i = 0; i < runs.size(); ++i) {
        const bool newest = i + keep >= runs.size();
        if (newest || runs[i].status == "running") {
            ++out.runsKept;
            continue;
        }
        if (!deleteRun(db, runs[i].id, error)) {
            db.rollback();
            return std::nullopt;
        }
        ++out.runsDeleted;
    }
    if (!db.commit()) {
        error = "cannot commit the deletion: " + db.lastError().text().toStdString();
        return std::nullopt;
    }
    // The file only shrinks once its free pages are given back; MySQL reuses them by itself.
    if (store.usesSqlite() && out.runsDeleted > 0) {
        QSqlQuery vacuum(db);
        if (!vacuum.exec(QStringLiteral("VACUUM"))) {
            error = "runs deleted, but the file was not compacted: " +
                    vacuum.lastError().text().toStdString();
            return std::nullopt;
        }
        QSqlQuery checkpoint(db);
        checkpoint.exec(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)"));
    }
    return out;
}

}  // namespace stampede::store
