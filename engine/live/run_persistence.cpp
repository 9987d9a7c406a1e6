#include "stampede/live/run_persistence.h"

#include <QJsonDocument>

#include "stampede/store/store.h"

namespace stampede::live {

bool checkStore(const store::StoreUrl& url, std::string& error) {
    return store::Store::open(url, error) != nullptr;
}

RunPersistence::RunPersistence(store::StoreUrl url, std::int64_t runId,
                               std::unique_ptr<store::WriteBehindSink> sink)
    : m_url(std::move(url)), m_runId(runId), m_sink(std::move(sink)) {}

RunPersistence::~RunPersistence() {
    m_sink->stop();
}

std::unique_ptr<RunPersistence> RunPersistence::begin(Engine& engine, const store::StoreUrl& url,
                                                      const sim::Scenario& scenario,
                                                      double eventSampling, std::string& error) {
    auto db = store::Store::open(url, error);
    if (!db) return nullptr;
    const auto runId = db->beginRun(scenario);
    if (!runId) {
        error = db->lastError();
        return nullptr;
    }
    auto sink = std::make_unique<store::WriteBehindSink>(engine, url, *runId, eventSampling);
    sink->start();
    return std::unique_ptr<RunPersistence>(new RunPersistence(url, *runId, std::move(sink)));
}

RunPersistence::Outcome RunPersistence::finish(const Snapshot& snapshot, QJsonObject& summary) {
    m_sink->stop();  // writes what is left
    Outcome out;
    out.stats = m_sink->stats();
    const store::SinkStats& stats = out.stats;
    QJsonObject persistence;
    persistence[QStringLiteral("store")] = QString::fromStdString(m_url.toString());
    persistence[QStringLiteral("run_id")] = static_cast<qint64>(m_runId);
    persistence[QStringLiteral("rows_written")] = static_cast<qint64>(stats.rowsWritten);
    persistence[QStringLiteral("events_written")] = static_cast<qint64>(stats.eventsWritten);
    persistence[QStringLiteral("dead_letters_stored")] =
        static_cast<qint64>(stats.deadLettersStored);
    persistence[QStringLiteral("lag_ms_max")] = stats.lagMsMax;
    persistence[QStringLiteral("batches")] = static_cast<qint64>(stats.batches);
    if (!stats.error.empty())
        persistence[QStringLiteral("error")] = QString::fromStdString(stats.error);
    summary[QStringLiteral("persistence")] = persistence;
    std::string error;
    auto db = store::Store::open(m_url, error);
    const std::string status = snapshot.status == RunStatus::Stopped ? "stopped" : "completed";
    if (!db || !db->finishRun(m_runId, status,
                              QJsonDocument(summary).toJson(QJsonDocument::Compact).toStdString(),
                              stats.rowsWritten, stats.lagMsMax)) {
        out.error = db ? db->lastError() : error;
        return out;
    }
    out.complete = stats.error.empty() && stats.rowsWritten == snapshot.issued;
    if (!out.complete)
        out.error = "persistence incomplete: " + std::to_string(stats.rowsWritten) + " of " +
                    std::to_string(snapshot.issued) + " coupons stored" +
                    (stats.error.empty() ? "" : ": " + stats.error);
    return out;
}

}  // namespace stampede::live
