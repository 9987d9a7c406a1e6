#include "engine_controller.h"

#include <QCoreApplication>
#include <QMetaObject>
#include <QPointer>

#include <thread>

namespace stampede::ui {

EngineController::EngineController(QObject* parent)
    : QObject(parent), m_engine(std::make_shared<Engine>()), m_snapshot(m_engine->snapshot()) {
    m_poll.setInterval(33);
    m_poll.setTimerType(Qt::PreciseTimer);
    connect(&m_poll, &QTimer::timeout, this, &EngineController::pollSnapshot);
    m_poll.start();
}

EngineController::~EngineController() {
    m_engine->stop();
}

void EngineController::setScenario(const sim::Scenario& scenario, const QString& sourceFile) {
    m_scenario = scenario;
    m_scenarioFile = sourceFile;
    Q_EMIT scenarioChanged();
}

void EngineController::setCampaigns(const std::vector<core::Campaign>& campaigns) {
    m_scenario.campaigns = campaigns;
    Q_EMIT scenarioChanged();
}

void EngineController::setRunConfig(const core::RunConfig& run, std::uint64_t seed) {
    m_scenario.run = run;
    m_scenario.seed = seed;
    Q_EMIT scenarioChanged();
}

void EngineController::start() {
    if (m_starting || runInProgress()) return;
    m_starting = true;
    logOperator(tr("Run requested: %1 (%2 / %3 / %4, %5 workers, seed %6)")
                    .arg(QString::fromStdString(m_scenario.name),
                         QString::fromUtf8(core::toString(m_scenario.run.pipeline).data()),
                         QString::fromStdString(m_scenario.run.guard),
                         QString::fromUtf8(core::toString(m_scenario.run.transport).data()))
                    .arg(m_scenario.run.workers)
                    .arg(m_scenario.seed));
    // Engine::start expands the arrivals (a million of them take ~0.1 s): not on this thread.
    // The answer goes through the application object, which outlives us, and reaches us only if
    // we still exist; the thread keeps the engine alive until it is done with it.
    std::thread([self = QPointer<EngineController>(this), engine = m_engine,
                 scenario = m_scenario] {
        const StartResult result = engine->start(scenario);
        const QString error = QString::fromStdString(result.error);
        QMetaObject::invokeMethod(
            QCoreApplication::instance(),
            [self, error] {
                if (self) self->onStartFinished(error);
            },
            Qt::QueuedConnection);
    }).detach();
}

void EngineController::onStartFinished(const QString& error) {
    m_starting = false;
    if (!error.isEmpty()) {
        logEngine(tr("Run refused: %1").arg(error));
        Q_EMIT runRefused(error);
        return;
    }
    logEngine(tr("Run started"));
    m_lastStatus = RunStatus::Running;
    Q_EMIT runStarted();
    pollSnapshot();
}

void EngineController::pause() {
    if (!runInProgress()) return;
    m_engine->pause();
    logOperator(tr("Run paused"));
}

void EngineController::resume() {
    if (!runInProgress()) return;
    m_engine->resume();
    logOperator(tr("Run resumed"));
}

void EngineController::stop() {
    if (!runInProgress()) return;
    m_engine->stop();
    logOperator(tr("Run stopped: no more arrivals, draining what was admitted"));
}

bool EngineController::runInProgress() const {
    const RunStatus s = m_snapshot ? m_snapshot->status : RunStatus::Idle;
    return s == RunStatus::Running || s == RunStatus::Paused || s == RunStatus::Draining;
}

QString EngineController::setStock(const QString& campaignId, std::int64_t stock) {
    if (stock < 0) return tr("stock cannot be negative");
    if (runInProgress()) {
        const StockChangeResult r = m_engine->setStock(campaignId.toStdString(), stock);
        if (r != StockChangeResult::Applied)
            return tr("refused: %1").arg(QString::fromUtf8(toString(r).data()));
        logEngine(tr("Stock of %1 changed to %2 during the run").arg(campaignId).arg(stock));
    }
    for (auto& c : m_scenario.campaigns)
        if (QString::fromStdString(c.id) == campaignId) c.stock = stock;
    Q_EMIT scenarioChanged();
    return {};
}

std::vector<dlq::DeadLetter> EngineController::listDlq(const dlq::DlqFilter& filter) const {
    return m_engine->listDlq(filter);
}

std::shared_ptr<ReplayJob> EngineController::replayDlq(const std::vector<core::RequestId>& ids,
                                                       double perSecond) {
    auto job = m_engine->replayDlq(ids, perSecond);
    if (job)
        logOperator(ids.empty()
                        ? tr("Replay of the whole DLQ at %1/s").arg(perSecond)
                        : tr("Replay of %1 DLQ entries at %2/s").arg(ids.size()).arg(perSecond));
    return job;
}

std::size_t EngineController::purgeDlq(const std::vector<core::RequestId>& ids) {
    const std::size_t n = m_engine->purgeDlq(ids);
    logOperator(tr("Purged %1 DLQ entries").arg(n));
    return n;
}

void EngineController::logOperator(const QString& text) {
    m_events.push_back({QDateTime::currentDateTime(), LoggedEvent::Source::Operator, text});
    Q_EMIT eventLogged(m_events.back());
}

void EngineController::logEngine(const QString& text) {
    m_events.push_back({QDateTime::currentDateTime(), LoggedEvent::Source::Engine, text});
    Q_EMIT eventLogged(m_events.back());
}

void EngineController::pollSnapshot() {
    auto snapshot = m_engine->snapshot();
    if (!snapshot || (m_snapshot && snapshot->version == m_snapshot->version &&
                      snapshot->status == m_snapshot->status))
        return;
    m_snapshot = std::move(snapshot);
    if (m_snapshot->status != m_lastStatus) {
        const RunStatus was = m_lastStatus;
        m_lastStatus = m_snapshot->status;
        if (m_lastStatus == RunStatus::Completed || m_lastStatus == RunStatus::Stopped) {
            logEngine(tr("Run %1 after %2 s: %3 issued of %4, over-issued %5, DLQ %6")
                          .arg(QString::fromUtf8(toString(m_lastStatus).data()))
                          .arg(m_snapshot->wallS, 0, 'f', 2)
                          .arg(m_snapshot->issued)
                          .arg(m_snapshot->stock)
                          .arg(m_snapshot->overIssued)
                          .arg(m_snapshot->dlqSize));
            Q_EMIT runEnded(m_lastStatus);
        } else if (m_lastStatus == RunStatus::Draining && was == RunStatus::Running) {
            logEngine(tr("Arrivals over; draining"));
        }
    }
    Q_EMIT snapshotUpdated(m_snapshot);
}

}  // namespace stampede::ui
