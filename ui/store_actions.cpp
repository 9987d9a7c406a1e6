#include "store_actions.h"

#include <QAction>
#include <QCoreApplication>
#include <QFile>
#include <QFileDialog>
#include <QInputDialog>
#include <QMessageBox>
#include <QPointer>
#include <QProgressDialog>
#include <QStandardPaths>

#include "engine_controller.h"
#include "stampede/store/aggregation_job.h"
#include "stampede/store/analytics_export.h"
#include "stampede/store/run_retention.h"
#include "stampede/store/store.h"

namespace stampede::ui {
namespace {

// Runs `f` on the GUI thread, if `self` still exists.
template <typename F>
void post(QPointer<StoreActions> self, F f) {
    QMetaObject::invokeMethod(
        QCoreApplication::instance(),
        [self, f = std::move(f)] {
            if (self) f(*self);
        },
        Qt::QueuedConnection);
}

}  // namespace

StoreActions::StoreActions(EngineController* controller, QWidget* parent)
    : QObject(parent), m_controller(controller), m_parent(parent) {
    m_aggregate = new QAction(tr("Aggregate statistics…"), this);
    m_exportEvents = new QAction(tr("Export request events…"), this);
    m_exportStats = new QAction(tr("Export statistics…"), this);
    m_deleteOldRuns = new QAction(tr("Delete old runs and compact…"), this);
    m_deleteOldRuns->setObjectName(QStringLiteral("deleteOldRunsAction"));
    connect(m_deleteOldRuns, &QAction::triggered, this, [this] {
        bool ok = false;
        const int keep = QInputDialog::getInt(
            m_parent, tr("Delete old runs"),
            tr("Keep the newest runs (their coupons, dead letters, events and statistics); "
               "delete the others for good and compact the store:"),
            5, 0, 1000000, 1, &ok);
        if (ok && QMessageBox::question(
                      m_parent, tr("Delete old runs"),
                      tr("Delete every stored run but the newest %1? This cannot be undone.")
                          .arg(keep)) == QMessageBox::Yes)
            deleteOldRuns(keep);
    });
    connect(m_aggregate, &QAction::triggered, this, &StoreActions::aggregate);
    connect(m_exportEvents, &QAction::triggered, this, [this] { exportInteractively(true); });
    connect(m_exportStats, &QAction::triggered, this, [this] { exportInteractively(false); });
    const bool haveStore = !controller->storeUrl().isEmpty();
    for (QAction* a : {m_aggregate, m_exportEvents, m_exportStats, m_deleteOldRuns}) {
        a->setEnabled(haveStore);
        if (!haveStore) a->setToolTip(tr("No store: set STAMPEDE_STORE or check the event log"));
    }
    connect(this, &StoreActions::done, this, [this](bool ok, const QString& message) {
        m_controller->logEngine(ok ? message : tr("Failed: %1").arg(message));
    });
}

StoreActions::~StoreActions() {
    if (m_cancel) m_cancel->store(true);
    if (m_worker.joinable()) m_worker.join();
}

void StoreActions::finishWork() {
    if (m_progress) m_progress->deleteLater();
    m_progress = nullptr;
    for (QAction* a : {m_aggregate, m_exportEvents, m_exportStats}) a->setEnabled(true);
}

void StoreActions::aggregate() {
    if (m_worker.joinable()) m_worker.join();
    const auto url = m_controller->storeLocation();  // with its password
    if (!url) return;
    for (QAction* a : {m_aggregate, m_exportEvents, m_exportStats}) a->setEnabled(false);
    m_progress = new QProgressDialog(tr("Aggregating the request event log…"), tr("Cancel"), 0,
                                     1000, m_parent);
    m_progress->setWindowTitle(tr("Batch aggregation"));
    m_progress->setMinimumDuration(300);
    m_cancel = std::make_shared<std::atomic<bool>>(false);
    connect(m_progress, &QProgressDialog::canceled, this,
            [cancel = m_cancel] { cancel->store(true); });
    const std::int64_t runId = m_controller->storedRunId();
    m_worker =
        std::thread([self = QPointer<StoreActions>(this), url = *url, runId, cancel = m_cancel] {
            std::string error;
            auto db = store::Store::open(url, error);
            std::vector<std::int64_t> runs;
            if (db && runId > 0)
                runs.push_back(runId);
            else if (db)
                for (const auto& r : db->runs()) runs.push_back(r.id);
            std::int64_t events = 0;
            bool ok = db != nullptr;
            for (const std::int64_t run : runs) {
                store::AggregationJob job(*db, run, 1000);
                ok = job.run(
                    [&](const store::AggregationProgress& p) {
                        const int permille =
                            p.eventsTotal ? int(1000 * p.eventsDone / p.eventsTotal) : 1000;
                        post(self, [permille](StoreActions& s) {
                            if (s.m_progress) s.m_progress->setValue(permille);
                        });
                    },
                    cancel.get(), error);
                if (!ok) break;
                events += job.progress().eventsDone;
            }
            const QString message =
                ok ? QObject::tr(
                         "Aggregated %1 request events of %2 run(s) into per-second statistics%3")
                         .arg(events)
                         .arg(runs.size())
                         .arg(cancel->load()
                                  ? QObject::tr(" (cancelled; it resumes from its checkpoint)")
                                  : QString())
                   : QString::fromStdString(error);
            post(self, [ok, message](StoreActions& s) {
                s.finishWork();
                Q_EMIT s.done(ok, message);
            });
        });
}

void StoreActions::deleteOldRuns(int keep) {
    if (m_worker.joinable()) m_worker.join();
    const auto url = m_controller->storeLocation();  // with its password
    if (!url) return;
    m_worker = std::thread([self = QPointer<StoreActions>(this), url = *url, keep] {
        std::string error;
        std::optional<store::RetentionOutcome> outcome;
        if (auto db = store::Store::open(url, error))
            outcome = store::keepNewestRuns(*db, keep, error);
        const bool ok = outcome.has_value();
        const QString message =
            ok ? QObject::tr("Deleted %1 old run(s) and compacted the store; %2 kept")
                     .arg(outcome->runsDeleted)
                     .arg(outcome->runsKept)
               : QString::fromStdString(error);
        post(self, [ok, message](StoreActions& s) { Q_EMIT s.done(ok, message); });
    });
}

void StoreActions::exportInteractively(bool events) {
    const QString name =
        events ? QStringLiteral("request-events") : QStringLiteral("campaign-stats");
    const QString file = QFileDialog::getSaveFileName(
        m_parent, events ? tr("Export request events") : tr("Export statistics"),
        QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation) + QLatin1Char('/') +
            name + QStringLiteral(".csv"),
        tr("CSV (*.csv);;NDJSON (*.ndjson)"));
    if (!file.isEmpty()) exportTo(file, events);
}

void StoreActions::exportTo(const QString& file, bool events) {
    if (m_worker.joinable()) m_worker.join();
    const auto url = m_controller->storeLocation();  // with its password
    if (!url) return;
    const std::int64_t runId = m_controller->storedRunId();
    m_worker = std::thread([self = QPointer<StoreActions>(this), url = *url, runId, file, events] {
        std::string error;
        std::int64_t rows = -1;
        if (auto db = store::Store::open(url, error)) {
            QFile out(file);
            if (out.open(QIODevice::WriteOnly | QIODevice::Truncate))
                rows = store::exportAnalytics(
                    *db, events ? store::ExportWhat::Events : store::ExportWhat::Stats,
                    file.endsWith(QStringLiteral(".ndjson")) ? store::ExportFormat::Ndjson
                                                             : store::ExportFormat::Csv,
                    runId > 0 ? std::optional<std::int64_t>(runId) : std::nullopt, out, error);
            else
                error = file.toStdString() + ": " + out.errorString().toStdString();
        }
        const bool ok = rows >= 0;
        const QString message = ok ? QObject::tr("Exported %1 rows to %2").arg(rows).arg(file)
                                   : QString::fromStdString(error);
        post(self, [ok, message](StoreActions& s) { Q_EMIT s.done(ok, message); });
    });
}

}  // namespace stampede::ui
