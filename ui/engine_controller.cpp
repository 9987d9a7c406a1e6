#include "engine_controller.h"

#include <QCoreApplication>
#include <QMetaObject>
#include <QPointer>
#include <QThread>

#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <thread>
#include <utility>

#include "stampede/live/start_options.h"
#include "stampede/report/summary_json.h"
#include "stampede/store/store.h"

namespace stampede::ui {

EngineController::EngineController(QObject* parent)
    : QObject(parent), m_engine(std::make_shared<Engine>()), m_snapshot(m_engine->snapshot()) {
    m_poll.setInterval(33);
    m_poll.setTimerType(Qt::PreciseTimer);
    connect(&m_poll, &QTimer::timeout, this, &EngineController::pollSnapshot);
    m_poll.start();
    openStore();
}

// Closing the console waits for what is still being persisted: nothing reported issued is lost.
EngineController::~EngineController() {
    m_engine->stop();
    m_persistence.reset();  // stops its sink, after it has written what it took
    for (auto& t : m_persisting)
        if (t.joinable()) t.join();
}

// The store is opened (migrated, earlier runs marked interrupted) off the GUI thread; until the
// answer comes it is taken as usable, and a store that fails is then dropped with the reason.
void EngineController::openStore() {
    std::vector<std::string> problems;
    const live::LiveSystems systems =
        live::fromEnvironment(QProcessEnvironment::systemEnvironment(), problems);
    for (const std::string& problem : problems)
        logEngine(problem.rfind("STAMPEDE_STORE", 0) == 0
                      ? tr("Store not used: %1. Runs are not persisted.")
                            .arg(QString::fromStdString(problem))
                      : tr("Not used: %1").arg(QString::fromStdString(problem)));
    if (!systems.store) return;
    m_storeUrl = systems.store;
    QPointer<EngineController> self(this);
    m_persisting.emplace_back([self, url = *systems.store] {
        std::string error;
        if (live::checkStore(url, error)) return;
        QMetaObject::invokeMethod(
            QCoreApplication::instance(),
            [self, error] {
                if (!self) return;
                self->m_storeUrl.reset();
                self->m_storedLetters.reset();
                self->logEngine(tr("Store not used: %1. Runs are not persisted.")
                                    .arg(QString::fromStdString(error)));
                Q_EMIT self->deadLettersReplaced(QString());
            },
            Qt::QueuedConnection);
    });
}

QString EngineController::storeUrl() const {
    return m_storeUrl ? QString::fromStdString(m_storeUrl->toString()) : QString();
}

live::LiveSystems EngineController::liveSystems() const {
    std::vector<std::string> problems;  // reported once, at start-up
    live::LiveSystems systems =
        live::fromEnvironment(QProcessEnvironment::systemEnvironment(), problems);
    std::string error;
    if (auto with = live::withProfiles(systems, m_profilesInUse, error)) return *with;
    return systems;
}

void EngineController::useProfiles(std::vector<live::ResolvedProfile> profiles) {
    m_profilesInUse = std::move(profiles);
    std::string error;
    if (!live::withProfiles(liveSystems(), m_profilesInUse, error))
        logEngine(tr("Connection profiles not used: %1").arg(QString::fromStdString(error)));
}

// The sink drains what is left on its own thread, then the run is closed in the store: the
// GUI thread never waits for the database.
void EngineController::persistRunEnd() {
    if (m_beginningPersistence) {  // done once the run's row is made
        m_endedBeforePersistence = true;
        return;
    }
    if (!m_persistence) return;
    auto persistence = std::move(m_persistence);
    m_persistingRun = true;
    m_persisting.emplace_back([self = QPointer<EngineController>(this), persistence,
                               snapshot = m_snapshot] {
        QJsonObject summary = report::summaryJson(*snapshot);
        const live::RunPersistence::Outcome outcome = persistence->finish(*snapshot, summary);
        const std::int64_t runId = persistence->runId();
        const store::SinkStats stats = outcome.stats;
        const QString error = QString::fromStdString(outcome.error);
        QMetaObject::invokeMethod(
            QCoreApplication::instance(),
            [self, runId, stats, error] {
                if (!self) return;
                // From now on the store holds the run's dead letters: the inspector shows them
                // from there and a replay marks each entry there, as `stampede-cli dlq replay`
                // does (the engine's sink has stopped; what it replayed would not be stored).
                if (runId == self->m_runId && !self->m_starting && !self->runInProgress()) {
                    self->m_persistingRun = false;
                    self->m_persistedRun = runId;
                    self->m_chosenRun = runId;
                    self->m_storedDlqRun = runId;  // a replay may start before the list is read
                    self->m_storedLetters.reset();
                    self->rereadDeadLetters();
                }
                self->logEngine(tr("Run %1 persisted: %2 coupons, %3 events, lag max %4 ms%5")
                                    .arg(runId)
                                    .arg(stats.rowsWritten)
                                    .arg(stats.eventsWritten)
                                    .arg(stats.lagMsMax, 0, 'f', 1)
                                    .arg(error.isEmpty()
                                             ? QString()
                                             : QStringLiteral(" (") + error + QLatin1Char(')')));
                Q_EMIT self->runPersisted(runId, stats.rowsWritten, stats.eventsWritten);
            },
            Qt::QueuedConnection);
    });
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
    // The run's row in the store and its write-behind sink are made there too: a database that
    // is busy or slow must not stall the GUI.
    sim::Scenario toPlay = m_scenario;
    const bool fedFromOutside = std::exchange(m_fedFromOutside, false);
    const bool keepOpen = m_keepOpen || fedFromOutside;
    if (keepOpen) live::keepLotteriesOpenUntilStopped(toPlay);
    // The run is announced as soon as the engine has it, before its row is made in the store:
    // a slow or hung store must not leave the campaigns table blank for the run's first moments.
    const std::uint64_t start = ++m_starts;
    std::thread([self = QPointer<EngineController>(this), engine = m_engine, scenario = toPlay,
                 storeUrl = m_storeUrl, systems = liveSystems(), keepOpen, fedFromOutside, start] {
        StartOptions options = live::startOptionsFor(scenario.run, systems);
        options.keepOpen = keepOpen;
        if (fedFromOutside) options.arrivals = std::make_shared<const std::vector<GivenArrival>>();
        const StartResult result = engine->start(scenario, options);
        const QString error = QString::fromStdString(result.error);
        const bool persisting = result.ok() && storeUrl.has_value();
        QMetaObject::invokeMethod(
            QCoreApplication::instance(),
            [self, error, persisting] {
                if (self) self->onStartFinished(error, persisting);
            },
            Qt::QueuedConnection);
        if (!persisting) return;
        Persistence persistence;
        persistence.engine = engine;
        std::string why;
        persistence.run = live::RunPersistence::begin(*engine, *storeUrl, scenario, 1.0, why);
        persistence.error = QString::fromStdString(why);
        QMetaObject::invokeMethod(
            QCoreApplication::instance(),
            [self, start, persistence] {
                if (self) self->onPersistenceBegun(start, persistence);
            },
            Qt::QueuedConnection);
    }).detach();
}

void EngineController::onStartFinished(const QString& error, bool persisting) {
    m_starting = false;
    if (!error.isEmpty()) {
        logEngine(tr("Run refused: %1").arg(error));
        Q_EMIT runRefused(error);
        return;
    }
    logEngine(tr("Run started"));
    m_beginningPersistence = persisting;
    m_endedBeforePersistence = false;
    m_cautionSaid.clear();
    m_persistence.reset();
    m_runId = 0;
    m_storedLetters.reset();
    m_persistedRun = 0;
    m_persistingRun = persisting;
    m_chosenRun = 0;
    m_lastStatus = RunStatus::Running;
    m_topicLetters.reset();  // the new run's dead letters replace a topic's
    m_topicName.clear();
    Q_EMIT runStarted();
    pollSnapshot();
}

// Answers come in the order of their starts (one start at a time, and start() waits for this).
void EngineController::onPersistenceBegun(std::uint64_t start, const Persistence& persistence) {
    if (start != m_starts) return;
    m_beginningPersistence = false;
    if (!persistence.error.isEmpty())
        logEngine(tr("This run is not persisted: %1").arg(persistence.error));
    m_persistence = persistence.run;
    m_runId = m_persistence ? m_persistence->runId() : 0;
    m_persistingRun = false;
    if (m_endedBeforePersistence) {
        m_endedBeforePersistence = false;
        persistRunEnd();
    }
    Q_EMIT readyToStart();
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

bool EngineController::showsStoredDlq() const {
    if (!m_storeUrl) return false;
    if (m_engine->runGeneration() == 0) return true;
    return m_persistedRun > 0 && m_persistedRun == m_runId && !runInProgress();
}

void EngineController::chooseStoredRun(std::int64_t runId) {
    if (!showsStoredDlq() || runId == m_chosenRun) return;
    m_chosenRun = runId;
    m_storedLetters.reset();
    rereadDeadLetters();
}

void EngineController::readStoredRuns() {
    if (!m_storeUrl) return;
    QPointer<EngineController> self(this);
    QThread* reader = QThread::create([self, url = *m_storeUrl] {
        std::string error;
        std::vector<store::RunRecord> runs;
        if (auto db = store::Store::open(url, error)) runs = db->runs();
        std::reverse(runs.begin(), runs.end());
        QMetaObject::invokeMethod(
            QCoreApplication::instance(),
            [self, runs = std::move(runs), error] {
                if (self) Q_EMIT self->storedRunsRead(runs, QString::fromStdString(error));
            },
            Qt::QueuedConnection);
    });
    connect(reader, &QThread::finished, reader, &QObject::deleteLater);
    reader->start();
}

// Before the first run of this session, the dead letters are the store's: those of the latest
// run that still has pending ones, as the operator left them.
void EngineController::openDeadLetterTopic(const QString& bootstrap, const QString& topic) {
    QPointer<EngineController> self(this);
    QThread* reader = QThread::create([self, bootstrap, topic, kafka = liveSystems().kafka] {
        backends::kafka::KafkaSettings settings = kafka;
        settings.bootstrap = bootstrap.toStdString();
        std::string error;
        const auto read = live::readTopicOverview(settings, topic.toStdString(), error);
        std::vector<dlq::DeadLetter> pending;
        TopicStatus status;
        if (read) {
            pending = read->pending;
            status.entries = qint64(read->entries);
            status.pending = qint64(pending.size());
            status.guard = QString::fromStdString(read->guard);
            if (read->guard.empty())
                status.notReplayable = tr("its entries do not name their run's guard");
            else if (read->sharedKey.empty())
                status.notReplayable =
                    tr("guard %1 kept its stock in the run's process").arg(status.guard);
        }
        QMetaObject::invokeMethod(
            QCoreApplication::instance(), [self, bootstrap, topic, ok = read.has_value(),
                                           pending = std::move(pending), status, error] {
                if (!self) return;
                if (ok) {
                    const bool again = self->m_topicName == topic && self->m_topicLetters;
                    self->m_topicLetters = pending;
                    self->m_topicName = topic;
                    self->m_topicBootstrap = bootstrap;
                    self->m_topicStatus = status;
                    if (!again)
                        self->logOperator(tr("Opened dead-letter topic %1: %2 entries, %3 pending")
                                              .arg(topic)
                                              .arg(status.entries)
                                              .arg(status.pending));
                }
                Q_EMIT self->deadLettersReplaced(ok ? QString() : QString::fromStdString(error));
            });
    });
    connect(reader, &QThread::finished, reader, &QObject::deleteLater);
    reader->start();
}

QString EngineController::replayOutcomeText(const ReplayJob& job) {
    return replayOutcomeText(job.progress().outcome);
}

// A topic's replay names its guard and counts every kind of answer; a store's counts what it
// issued; the engine's own replay says it all in its progress.
QString EngineController::replayOutcomeText(const ReplayOutcome& o) {
    QString text;
    if (!o.guard.empty())
        text = tr("%1 issued, %2 already held, %3 sold out, %4 failed and still pending")
                   .arg(o.issued)
                   .arg(o.alreadyHeld)
                   .arg(o.soldOut)
                   .arg(o.failed);
    else if (o.decided > 0 || !o.error.empty())
        text = tr("%1 issued").arg(o.issued);
    if (!o.error.empty()) text += tr(" · %1").arg(QString::fromStdString(o.error));
    return text;
}

std::shared_ptr<live::DeadLetterSource> EngineController::storedSource() const {
    return live::storedDeadLetters(*m_storeUrl, m_storedDlqRun);
}

std::vector<dlq::DeadLetter> EngineController::listDlq(const dlq::DlqFilter& filter) {
    if (m_topicLetters) {
        std::vector<dlq::DeadLetter> out;
        for (const auto& letter : *m_topicLetters)
            if (filter.matches(letter)) out.push_back(letter);
        return out;
    }
    if (!showsStoredDlq()) return m_engine->listDlq(filter);
    if (!m_storedLetters && !m_storedLoading) rereadDeadLetters();
    std::vector<dlq::DeadLetter> out;
    if (m_storedLetters)
        for (const auto& letter : *m_storedLetters)
            if (filter.matches(letter)) out.push_back(letter);
    return out;
}

// The latest stored run that still has pending dead letters, and those letters, read on a
// thread of its own and posted back: a slow or stopped database never stalls the window.
void EngineController::rereadDeadLetters() {
    if (m_topicLetters) {
        rereadTopic();
        return;
    }
    if (!showsStoredDlq() || m_storedLoading) return;
    m_storedLoading = true;
    QPointer<EngineController> self(this);
    QThread* reader = QThread::create([self, url = *m_storeUrl, chosen = m_chosenRun] {
        std::string error;
        std::vector<dlq::DeadLetter> letters;
        std::int64_t runId = 0;
        QString runText;
        if (auto db = store::Store::open(url, error)) {
            const auto runs = db->runs();
            // The chosen run stays chosen, even once nothing of it is pending: a replay must
            // not silently switch the list to another run's entries. Unchosen: the latest run
            // with pending ones, else the latest run (its empty list then says whose it is).
            const auto shown = [&](const store::RunRecord& run) {
                runId = run.id;
                runText = tr("run %1 · %2 · %3")
                              .arg(run.id)
                              .arg(QString::fromStdString(run.scenario),
                                   QString::fromStdString(run.startedAt));
            };
            for (auto it = runs.rbegin(); it != runs.rend() && runId == 0; ++it)
                if (chosen > 0 ? it->id == chosen : it->pendingDeadLetters > 0) shown(*it);
            if (runId == 0 && chosen == 0 && !runs.empty()) shown(runs.back());
            if (runId > 0)
                for (auto& stored : db->deadLetters(runId))
                    letters.push_back(std::move(stored.letter));
        }
        QMetaObject::invokeMethod(
            QCoreApplication::instance(),
            [self, letters = std::move(letters), runId, runText, error] {
                if (!self) return;
                self->m_storedLoading = false;
                if (!self->showsStoredDlq()) return;  // a run started meanwhile
                self->m_storedLetters = letters;
                self->m_storedDlqRun = runId;
                // The run found is the run shown from now on: replaying all of it must leave
                // the list on it (empty), not move to an older run's entries.
                if (self->m_chosenRun == 0) self->m_chosenRun = runId;
                self->m_storedDlqRunText = runText;
                Q_EMIT self->deadLettersReplaced(QString::fromStdString(error));
            },
            Qt::QueuedConnection);
    });
    connect(reader, &QThread::finished, reader, &QObject::deleteLater);
    reader->start();
}

std::shared_ptr<ReplayJob> EngineController::replayDlq(const std::vector<core::RequestId>& ids,
                                                       double perSecond) {
    std::string error;
    if (m_topicLetters) {
        if (!m_topicStatus.notReplayable.isEmpty()) return nullptr;
        const live::LiveSystems systems = liveSystems();
        backends::kafka::KafkaSettings settings = systems.kafka;
        settings.bootstrap = m_topicBootstrap.toStdString();
        auto source = live::topicDeadLetters(settings, m_topicName.toStdString(),
                                             live::liveGuardFactory(systems));
        logOperator(
            tr("Replay of %1 from topic %2 at %3/s")
                .arg(ids.empty() ? tr("every pending entry") : tr("%1 entries").arg(ids.size()))
                .arg(m_topicName)
                .arg(perSecond));
        return source->replay(ids, perSecond, error);
    }
    if (m_persistingRun && !runInProgress()) {
        logEngine(
            tr("Replay not started: the run's last rows are still being written to the "
               "store; replay once it says \"persisted\""));
        return nullptr;
    }
    std::shared_ptr<ReplayJob> job;
    if (showsStoredDlq() && m_storedDlqRun > 0)
        job = storedSource()->replay(ids, perSecond, error);
    else if (!showsStoredDlq())
        job = m_engine->replayDlq(ids, perSecond);
    if (job)
        logOperator(ids.empty()
                        ? tr("Replay of the whole DLQ at %1/s").arg(perSecond)
                        : tr("Replay of %1 DLQ entries at %2/s").arg(ids.size()).arg(perSecond));
    else
        logEngine(tr("Replay not started: %1")
                      .arg(error.empty() ? tr("no stored run with dead letters is shown")
                                         : QString::fromStdString(error)));
    return job;
}

// The store's entries are purged on a thread of their own; the count returned is what was asked
// for, and the list is read again once the store has answered.
std::size_t EngineController::purgeDlq(const std::vector<core::RequestId>& ids) {
    if (m_topicLetters) return 0;  // a topic is read-only here
    if (!showsStoredDlq()) {
        const std::size_t n = m_engine->purgeDlq(ids);
        logOperator(tr("Purged %1 DLQ entries").arg(n));
        return n;
    }
    if (m_storedDlqRun <= 0) return 0;
    const std::size_t asked = ids.empty() && m_storedLetters ? m_storedLetters->size() : ids.size();
    QPointer<EngineController> self(this);
    QThread* purger = QThread::create([self, source = storedSource(), ids] {
        std::string error;
        const auto purged = source->purge(ids, error);
        QMetaObject::invokeMethod(
            QCoreApplication::instance(),
            [self, n = purged.value_or(0), error] {
                if (!self) return;
                self->logOperator(error.empty()
                                      ? tr("Purged %1 DLQ entries").arg(n)
                                      : tr("Purge failed: %1").arg(QString::fromStdString(error)));
                self->rereadDeadLetters();
            },
            Qt::QueuedConnection);
    });
    connect(purger, &QThread::finished, purger, &QObject::deleteLater);
    purger->start();
    return asked;
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
    // A run whose start is not answered yet is not shown: the timer could otherwise see it (even
    // ended, for a fast run) before runStarted, and its end would pass unpersisted.
    if (m_starting) return;
    auto snapshot = m_engine->snapshot();
    if (!snapshot || (m_snapshot && snapshot->version == m_snapshot->version &&
                      snapshot->status == m_snapshot->status))
        return;
    m_snapshot = std::move(snapshot);
    if (const std::string& caution = m_snapshot->backend.caution;
        !caution.empty() && caution != m_cautionSaid) {
        m_cautionSaid = caution;  // once a run, as the CLI warns before its run
        logEngine(tr("Warning: %1").arg(QString::fromStdString(caution)));
    }
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
            if (!m_snapshot->failure.empty())
                logEngine(tr("Run failed: %1").arg(QString::fromStdString(m_snapshot->failure)));
            persistRunEnd();
            Q_EMIT runEnded(m_lastStatus);
        } else if (m_lastStatus == RunStatus::Draining && was == RunStatus::Running) {
            logEngine(tr("Arrivals over; draining"));
        }
    }
    Q_EMIT snapshotUpdated(m_snapshot);
}

}  // namespace stampede::ui
