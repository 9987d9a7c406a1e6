#include "stampede/store/analytics_export.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QStringList>

#include "stampede/store/store.h"

namespace stampede::store {
namespace {

// Column lists are the schema's contract: the order here is the CSV header's order.
const QStringList kEventColumns = {
    QStringLiteral("run_id"),     QStringLiteral("request_id"), QStringLiteral("campaign"),
    QStringLiteral("user"),       QStringLiteral("state"),      QStringLiteral("reason"),
    QStringLiteral("attempts"),   QStringLiteral("sequence"),   QStringLiteral("received_ns"),
    QStringLiteral("started_ns"), QStringLiteral("finished_ns")};
const QStringList kStatsColumns = {QStringLiteral("run_id"),
                                   QStringLiteral("campaign"),
                                   QStringLiteral("bucket_ms"),
                                   QStringLiteral("bucket_start_ms"),
                                   QStringLiteral("arrivals"),
                                   QStringLiteral("issued"),
                                   QStringLiteral("rejected_sold_out"),
                                   QStringLiteral("rejected_duplicate"),
                                   QStringLiteral("rejected_not_verified"),
                                   QStringLiteral("rejected_closed"),
                                   QStringLiteral("rejected_overloaded"),
                                   QStringLiteral("rejected_lottery_lost"),
                                   QStringLiteral("failed"),
                                   QStringLiteral("retries"),
                                   QStringLiteral("e2e_p50_ms"),
                                   QStringLiteral("e2e_p95_ms"),
                                   QStringLiteral("e2e_p99_ms")};

QString csvField(QString text) {
    if (text.contains(QLatin1Char(',')) || text.contains(QLatin1Char('"')) ||
        text.contains(QLatin1Char('\n'))) {
        text.replace(QStringLiteral("\""), QStringLiteral("\"\""));
        return QLatin1Char('"') + text + QLatin1Char('"');
    }
    return text;
}

}  // namespace

std::int64_t exportAnalytics(Store& store, ExportWhat what, ExportFormat format,
                             std::optional<std::int64_t> runId, QIODevice& out,
                             std::string& error) {
    const QStringList& columns = what == ExportWhat::Events ? kEventColumns : kStatsColumns;
    const QString table = what == ExportWhat::Events ? QStringLiteral("request_events")
                                                     : QStringLiteral("campaign_stats");
    const QString order = what == ExportWhat::Events
                              ? QStringLiteral("run_id, event_id")
                              : QStringLiteral("run_id, campaign, bucket_ms, bucket_start_ms");
    QSqlQuery q(store.database());
    q.setForwardOnly(true);  // streams: a million events never sit in memory at once
    q.prepare(QStringLiteral("SELECT %1 FROM %2%3 ORDER BY %4")
                  .arg(columns.join(QStringLiteral(", ")), table,
                       runId ? QStringLiteral(" WHERE run_id = ?") : QString(), order));
    if (runId) q.addBindValue(qint64(*runId));
    if (!q.exec()) {
        error = store.url().toString() + ": export: " + q.lastError().text().toStdString();
        return -1;
    }
    if (format == ExportFormat::Csv) out.write(columns.join(QLatin1Char(',')).toUtf8() + "\n");
    std::int64_t rows = 0;
    while (q.next()) {
        if (format == ExportFormat::Csv) {
            QStringList fields;
            for (int c = 0; c < columns.size(); ++c) fields << csvField(q.value(c).toString());
            out.write(fields.join(QLatin1Char(',')).toUtf8() + "\n");
        } else {
            QJsonObject o;
            for (int c = 0; c < columns.size(); ++c)
                o[columns[c]] = QJsonValue::fromVariant(q.value(c));
            out.write(QJsonDocument(o).toJson(QJsonDocument::Compact) + "\n");
        }
        ++rows;
    }
    return rows;
}

}  // namespace stampede::store
