#include "stampede/store/aggregation_job.h"

#include <QByteArray>
#include <QDataStream>
#include <QIODevice>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include <map>
#include <tuple>

#include "stampede/metrics/latency_histogram.h"
#include "stampede/store/store.h"

namespace stampede::store {
namespace {

const char* const kReasons[] = {"SOLD_OUT", "DUPLICATE",  "NOT_VERIFIED",
                                "CLOSED",   "OVERLOADED", "LOTTERY_LOST"};
constexpr int kReasonCount = 6;

struct Bucket {
    std::int64_t arrivals = 0, issued = 0, failed = 0, retries = 0;
    std::int64_t rejected[kReasonCount] = {};
    metrics::LatencyHistogram e2e;
};

// Sparse (bucket, count) pairs: a histogram of one second of a stampede is a few dozen buckets.
QByteArray encode(const metrics::LatencyHistogram& h) {
    QByteArray out;
    QDataStream s(&out, QIODevice::WriteOnly);
    for (int b = 0; b < metrics::kBucketCount; ++b)
        if (const auto n = h.bucketCount(b)) s << quint16(b) << quint64(n);
    return out;
}

void decodeInto(const QByteArray& bytes, metrics::LatencyHistogram& h) {
    QDataStream s(bytes);
    while (!s.atEnd()) {
        quint16 b = 0;
        quint64 n = 0;
        s >> b >> n;
        if (s.status() != QDataStream::Ok || b >= metrics::kBucketCount) return;
        h.record(metrics::bucketLowerBound(b), n);
    }
}

double ms(std::uint64_t ns) {
    return double(ns) / 1e6;
}

}  // namespace

AggregationJob::AggregationJob(Store& store, std::int64_t runId, std::int64_t bucketMs,
                               std::size_t chunkEvents)
    : m_store(store), m_runId(runId), m_bucketMs(bucketMs), m_chunk(chunkEvents) {}

int AggregationJob::step(std::string& error) {
    QSqlDatabase db = m_store.database();
    auto failed = [&](const QSqlQuery& q, const char* what) {
        error = m_store.url().toString() + ": aggregation: " + what + ": " +
                q.lastError().text().toStdString();
        db.rollback();
        return -1;
    };
    db.transaction();
    QSqlQuery q(db);
    q.prepare(QStringLiteral(
        "SELECT last_event FROM aggregation_checkpoints WHERE run_id = ? AND bucket_ms = ?"));
    q.addBindValue(qint64(m_runId));
    q.addBindValue(qint64(m_bucketMs));
    if (!q.exec()) return failed(q, "cannot read the checkpoint");
    const qint64 after = q.next() ? q.value(0).toLongLong() : 0;

    q.prepare(QStringLiteral(
        "SELECT event_id, campaign, state, reason, attempts, received_ns, finished_ns "
        "FROM request_events WHERE run_id = ? AND event_id > ? ORDER BY event_id LIMIT ?"));
    q.addBindValue(qint64(m_runId));
    q.addBindValue(after);
    q.addBindValue(qint64(m_chunk));
    if (!q.exec()) return failed(q, "cannot read request events");
    std::map<std::tuple<QString, qint64>, Bucket> buckets;
    qint64 last = after;
    while (q.next()) {
        last = q.value(0).toLongLong();
        const qint64 start = q.value(5).toLongLong() / 1'000'000 / m_bucketMs * m_bucketMs;
        Bucket& b = buckets[{q.value(1).toString(), start}];
        ++b.arrivals;
        const QString state = q.value(2).toString();
        if (state == QLatin1String("SUCCEEDED"))
            ++b.issued;
        else if (state == QLatin1String("FAILED_FINAL"))
            ++b.failed;
        else
            for (int r = 0; r < kReasonCount; ++r)
                if (q.value(3).toString() == QLatin1String(kReasons[r])) ++b.rejected[r];
        b.retries += std::max(0, q.value(4).toInt() - 1);
        b.e2e.record(
            std::uint64_t(std::max<qint64>(0, q.value(6).toLongLong() - q.value(5).toLongLong())));
    }
    if (buckets.empty()) {
        db.rollback();
        return 0;
    }
    for (auto& [key, b] : buckets) {
        const auto& [campaign, start] = key;
        QSqlQuery old(db);
        old.prepare(
            QStringLiteral("SELECT arrivals, issued, rejected_sold_out, rejected_duplicate, "
                           "rejected_not_verified, "
                           "rejected_closed, rejected_overloaded, rejected_lottery_lost, failed, "
                           "retries, e2e_histogram "
                           "FROM campaign_stats WHERE run_id = ? AND campaign = ? AND bucket_ms = "
                           "? AND bucket_start_ms = ?"));
        old.addBindValue(qint64(m_runId));
        old.addBindValue(campaign);
        old.addBindValue(qint64(m_bucketMs));
        old.addBindValue(start);
        if (!old.exec()) return failed(old, "cannot read campaign_stats");
        if (old.next()) {  // merge with what earlier chunks wrote into this bucket
            b.arrivals += old.value(0).toLongLong();
            b.issued += old.value(1).toLongLong();
            for (int r = 0; r < kReasonCount; ++r) b.rejected[r] += old.value(2 + r).toLongLong();
            b.failed += old.value(8).toLongLong();
            b.retries += old.value(9).toLongLong();
            decodeInto(old.value(10).toByteArray(), b.e2e);
        }
        QSqlQuery put(db);
        put.prepare(
            (m_store.usesSqlite() ? QStringLiteral("INSERT OR REPLACE INTO")
                                  : QStringLiteral("REPLACE INTO")) +
            QStringLiteral(
                " campaign_stats (run_id, campaign, bucket_ms, bucket_start_ms, arrivals, issued, "
                "rejected_sold_out, rejected_duplicate, rejected_not_verified, rejected_closed, "
                "rejected_overloaded, rejected_lottery_lost, failed, retries, e2e_p50_ms, "
                "e2e_p95_ms, "
                "e2e_p99_ms, e2e_histogram) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"));
        for (const QVariant& v :
             {QVariant(qint64(m_runId)), QVariant(campaign), QVariant(qint64(m_bucketMs)),
              QVariant(start), QVariant(qint64(b.arrivals)), QVariant(qint64(b.issued)),
              QVariant(qint64(b.rejected[0])), QVariant(qint64(b.rejected[1])),
              QVariant(qint64(b.rejected[2])), QVariant(qint64(b.rejected[3])),
              QVariant(qint64(b.rejected[4])), QVariant(qint64(b.rejected[5])),
              QVariant(qint64(b.failed)), QVariant(qint64(b.retries)),
              QVariant(ms(b.e2e.percentile(0.50))), QVariant(ms(b.e2e.percentile(0.95))),
              QVariant(ms(b.e2e.percentile(0.99))), QVariant(encode(b.e2e))})
            put.addBindValue(v);
        if (!put.exec()) return failed(put, "cannot write campaign_stats");
        ++m_bucketsWritten;
    }
    q.prepare((m_store.usesSqlite() ? QStringLiteral("INSERT OR REPLACE INTO")
                                    : QStringLiteral("REPLACE INTO")) +
              QStringLiteral(
                  " aggregation_checkpoints (run_id, bucket_ms, last_event) VALUES (?, ?, ?)"));
    q.addBindValue(qint64(m_runId));
    q.addBindValue(qint64(m_bucketMs));
    q.addBindValue(last);
    if (!q.exec()) return failed(q, "cannot move the checkpoint");
    if (!db.commit()) {
        error = m_store.url().toString() +
                ": aggregation: cannot commit: " + db.lastError().text().toStdString();
        return -1;
    }
    return 1;
}

bool AggregationJob::run(const std::function<void(const AggregationProgress&)>& onProgress,
                         const std::atomic<bool>* cancel, std::string& error) {
    for (;;) {
        if (cancel && cancel->load()) return true;
        const int stepped = step(error);
        if (stepped < 0) return false;
        if (onProgress) onProgress(progress());
        if (stepped == 0) return true;
    }
}

AggregationProgress AggregationJob::progress() {
    AggregationProgress p;
    p.bucketsWritten = m_bucketsWritten;
    QSqlQuery q(m_store.database());
    q.prepare(QStringLiteral(
        "SELECT COUNT(*), COALESCE(SUM(CASE WHEN event_id <= COALESCE((SELECT last_event FROM "
        "aggregation_checkpoints WHERE run_id = ? AND bucket_ms = ?), 0) THEN 1 ELSE 0 END), 0) "
        "FROM request_events WHERE run_id = ?"));
    q.addBindValue(qint64(m_runId));
    q.addBindValue(qint64(m_bucketMs));
    q.addBindValue(qint64(m_runId));
    if (q.exec() && q.next()) {
        p.eventsTotal = q.value(0).toLongLong();
        p.eventsDone = q.value(1).toLongLong();
    }
    return p;
}

bool AggregationJob::reset(std::string& error) {
    QSqlDatabase db = m_store.database();
    db.transaction();
    for (const char* table : {"campaign_stats", "aggregation_checkpoints"}) {
        QSqlQuery q(db);
        q.prepare(QStringLiteral("DELETE FROM %1 WHERE run_id = ? AND bucket_ms = ?")
                      .arg(QLatin1String(table)));
        q.addBindValue(qint64(m_runId));
        q.addBindValue(qint64(m_bucketMs));
        if (!q.exec()) {
            error = m_store.url().toString() +
                    ": cannot reset the aggregation: " + q.lastError().text().toStdString();
            db.rollback();
            return false;
        }
    }
    return db.commit();
}

}  // namespace stampede::store
