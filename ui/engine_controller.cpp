#include "engine_controller.h"

#include <QCoreApplication>
#include <QMetaObject>
#include <QPointer>
#include <QThread>

#include <QJsonDocument>
#include <QJsonObject>

#include <thread>

#include "backends/kafka/dead_letter_replay.h"
#include "backends/kafka/kafka_transport.h"
#include "backends/mysql/mysql_guard.h"
#include "backends/redis/redis_guard.h"
#include "guards/guard_registry.h"
#include "report/summary_json.h"
#include "store/store.h"
#include "store/stored_replay.h"
#include "store/write_behind_sink.h"

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
    if (m_sink) m_sink->stop();
    for (auto& t : m_persisting)
        if (t.joinable()) t.join();
}

void EngineController::openStore() {
    const QString configured = qEnvironmentVariable("STAMPEDE_STORE");
    if (configured == QLatin1String("none")) return;
    store::StoreUrl url = store::defaultStoreUrl();
    std::string error;
    if (!configured.isEmpty()) {
        const auto parsed = store::parseStoreUrl(configured.toStdString(), error);
        if (!parsed) {
            logEngine(tr("Store not used: %1. Runs are not persisted.")
                          .arg(QString::fromStdString(error)));
            return;
        }
        url = *parsed;
    }
    if (!store::Store::open(url, error)) {
        logEngine(
            tr("Store not used: %1. Runs are not persisted.").arg(QString::fromStdString(error)));
        return;
    }
    m_storeUrl = url;
}

QString EngineController::storeUrl() const {
    return m_storeUrl ? QString::fromStdString(m_storeUrl->toString()) : QString();
}

// Backend guards for the console: Redis at STAMPEDE_REDIS, MySQL at STAMPEDE_MYSQL. A server
// that is not there refuses the start with the reason, shown in the launcher.
StartOptions EngineController::liveStartOptions() {
    StartOptions options;
    options.guardFactory = [](std::string_view name,
                              std::string& error) -> std::unique_ptr<guards::Guard> {
        const guards::GuardInfo* info = guards::findGuard(name);
        if (info && info->family == guards::GuardFamily::Redis) {
            const QString text =
                qEnvironmentVariable("STAMPEDE_REDIS", QStringLiteral("redis://127.0.0.1:6379"));
            const auto url = backends::redis::parseRedisUrl(text.toStdString(), error);
            return url ? backends::redis::makeRedisGuard(name, *url, error) : nullptr;
        }
        const QString text = qEnvironmentVariable("STAMPEDE_MYSQL");
        if (text.isEmpty()) {
            error =
                "guard " + std::string(name) + " needs STAMPEDE_MYSQL=mysql://USER@HOST:PORT/DB";
            return nullptr;
        }
        const auto url = store::parseStoreUrl(text.toStdString(), error);
        return url ? backends::mysql::makeMySqlGuard(name, *url, error) : nullptr;
    };
    // Kafka at STAMPEDE_KAFKA (else the embedded mock cluster), its topics under
    // STAMPEDE_KAFKA_TOPIC_PREFIX, and one requests topic shared by runs when STAMPEDE_KAFKA_TOPIC
    // names it (as --kafka, --kafka-topic-prefix and --kafka-topic do for the CLI).
    backends::kafka::KafkaSettings kafka;
    kafka.bootstrap = qEnvironmentVariable("STAMPEDE_KAFKA").toStdString();
    if (const QString prefix = qEnvironmentVariable("STAMPEDE_KAFKA_TOPIC_PREFIX");
        !prefix.isEmpty())
        kafka.topicPrefix = prefix.toStdString();
    kafka.requestsTopic = qEnvironmentVariable("STAMPEDE_KAFKA_TOPIC").toStdString();
    options.transportFactory = backends::kafka::makeKafkaTransportFactory(kafka);
    return options;
}

EngineController::Persistence EngineController::beginPersistence(Engine& engine,
                                                                 const store::StoreUrl& url,
                                                                 const sim::Scenario& scenario) {
    Persistence p;
    std::string error;
    auto db = store::Store::open(url, error);
    const auto runId = db ? db->beginRun(scenario) : std::nullopt;
    if (!runId) {
        p.error = QString::fromStdString(db ? db->lastError() : error);
        return p;
    }
    p.runId = *runId;
    p.sink = std::make_shared<store::WriteBehindSink>(engine, url, p.runId);
    p.sink->start();
    return p;
}

// The sink drains what is left on its own thread, then the run is closed in the store: the
// GUI thread never waits for the database.
void EngineController::persistRunEnd() {
    if (!m_sink) return;
    auto sink = std::move(m_sink);
    m_persisting.emplace_back([self = QPointer<EngineController>(this), sink, engine = m_engine,
                               url = *m_storeUrl, runId = m_runId, snapshot = m_snapshot] {
        sink->stop();
        const store::SinkStats stats = sink->stats();
        std::string error;
        if (auto db = store::Store::open(url, error)) {
            QJsonObject summary = report::summaryJson(*snapshot);
            summary[QStringLiteral("persistence")] =
                QJsonObject{{QStringLiteral("rows_written"), qint64(stats.rowsWritten)},
                            {QStringLiteral("events_written"), qint64(stats.eventsWritten)},
                            {QStringLiteral("lag_ms_max"), stats.lagMsMax}};
            db->finishRun(runId, snapshot->status == RunStatus::Stopped ? "stopped" : "completed",
                          QJsonDocument(summary).toJson(QJsonDocument::Compact).toStdString(),
                          stats.rowsWritten, stats.lagMsMax);
        }
        QMetaObject::invokeMethod(
            QCoreApplication::instance(),
            [self, runId, stats] {
                if (!self) return;
                self->logEngine(tr("Run %1 persisted: %2 coupons, %3 events, lag max %4 ms%5")
                                    .arg(runId)
                                    .arg(stats.rowsWritten)
                                    .arg(stats.eventsWritten)
                                    .arg(stats.lagMsMax, 0, 'f', 1)
                                    .arg(stats.error.empty()
                                             ? QString()
                                             : QStringLiteral(" (") +
                                                   QString::fromStdString(stats.error) +
                                                   QLatin1Char(')')));
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
    std::thread([self = QPointer<EngineController>(this), engine = m_engine, scenario = m_scenario,
                 storeUrl = m_storeUrl] {
        const StartResult result = engine->start(scenario, liveStartOptions());
        Persistence persistence;
        if (result.ok() && storeUrl) persistence = beginPersistence(*engine, *storeUrl, scenario);
        const QString error = QString::fromStdString(result.error);
        QMetaObject::invokeMethod(
            QCoreApplication::instance(),
            [self, error, persistence] {
                if (self)
                    self->onStartFinished(error, persistence);
                else if (persistence.sink)
                    persistence.sink->stop();
            },
            Qt::QueuedConnection);
    }).detach();
}

void EngineController::onStartFinished(const QString& error, const Persistence& persistence) {
    m_starting = false;
    if (!error.isEmpty()) {
        logEngine(tr("Run refused: %1").arg(error));
        Q_EMIT runRefused(error);
        return;
    }
    logEngine(tr("Run started"));
    if (!persistence.error.isEmpty())
        logEngine(tr("This run is not persisted: %1").arg(persistence.error));
    m_sink = persistence.sink;
    m_runId = persistence.runId;
    m_lastStatus = RunStatus::Running;
    m_topicLetters.reset();  // the new run's dead letters replace a topic's
    m_topicName.clear();
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

bool EngineController::showsStoredDlq() const {
    return m_storeUrl && m_engine->runGeneration() == 0;
}

// Before the first run of this session, the dead letters are the store's: those of the latest
// run that still has pending ones, as the operator left them.
void EngineController::openDeadLetterTopic(const QString& bootstrap, const QString& topic) {
    QPointer<EngineController> self(this);
    QThread* reader = QThread::create([self, bootstrap, topic] {
        backends::kafka::KafkaSettings settings;
        settings.bootstrap = bootstrap.toStdString();
        std::string error;
        const auto read =
            backends::kafka::readTopicDeadLetters(settings, topic.toStdString(), error);
        std::vector<dlq::DeadLetter> pending;
        TopicStatus status;
        if (read) {
            for (const auto& entry : read->entries)
                if (entry.replayed.empty()) pending.push_back(entry.letter);
            status.entries = qint64(read->entries.size());
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
    if (const auto topic = backends::kafka::topicReplayOutcome(job)) {
        QString text = tr("%1 issued, %2 already held, %3 sold out, %4 failed and still pending")
                           .arg(topic->issued)
                           .arg(topic->alreadyHeld)
                           .arg(topic->soldOut)
                           .arg(topic->failed);
        if (!topic->error.empty()) text += tr(" · %1").arg(QString::fromStdString(topic->error));
        return text;
    }
    if (const auto stored = store::storedReplayOutcome(job)) {
        QString text = tr("%1 issued").arg(stored->issued);
        if (!stored->error.empty()) text += tr(" · %1").arg(QString::fromStdString(stored->error));
        return text;
    }
    return {};
}

std::vector<dlq::DeadLetter> EngineController::listDlq(const dlq::DlqFilter& filter) const {
    if (m_topicLetters) {
        std::vector<dlq::DeadLetter> out;
        for (const auto& letter : *m_topicLetters)
            if (filter.matches(letter)) out.push_back(letter);
        return out;
    }
    if (!showsStoredDlq()) return m_engine->listDlq(filter);
    std::string error;
    auto db = store::Store::open(*m_storeUrl, error);
    std::vector<dlq::DeadLetter> out;
    if (!db) return out;
    const auto runs = db->runs();
    m_storedDlqRun = 0;
    for (auto it = runs.rbegin(); it != runs.rend(); ++it)
        if (it->pendingDeadLetters > 0) {
            m_storedDlqRun = it->id;
            break;
        }
    if (m_storedDlqRun == 0) return out;
    for (auto& stored : db->deadLetters(m_storedDlqRun, filter))
        out.push_back(std::move(stored.letter));
    return out;
}

std::shared_ptr<ReplayJob> EngineController::replayDlq(const std::vector<core::RequestId>& ids,
                                                       double perSecond) {
    if (m_topicLetters) {
        if (!m_topicStatus.notReplayable.isEmpty()) return nullptr;
        backends::kafka::TopicReplayOptions options;
        options.settings.bootstrap = m_topicBootstrap.toStdString();
        options.topic = m_topicName.toStdString();
        options.guards = liveStartOptions().guardFactory;
        options.ids = ids;
        options.perSecond = perSecond;
        logOperator(
            tr("Replay of %1 from topic %2 at %3/s")
                .arg(ids.empty() ? tr("every pending entry") : tr("%1 entries").arg(ids.size()))
                .arg(m_topicName)
                .arg(perSecond));
        return backends::kafka::replayDeadLetterTopic(std::move(options));
    }
    auto job = showsStoredDlq() && m_storedDlqRun > 0
                   ? store::replayStoredDeadLetters(*m_storeUrl, m_storedDlqRun, ids, perSecond)
                   : m_engine->replayDlq(ids, perSecond);
    if (job)
        logOperator(ids.empty()
                        ? tr("Replay of the whole DLQ at %1/s").arg(perSecond)
                        : tr("Replay of %1 DLQ entries at %2/s").arg(ids.size()).arg(perSecond));
    return job;
}

std::size_t EngineController::purgeDlq(const std::vector<core::RequestId>& ids) {
    std::size_t n = 0;
    if (m_topicLetters) return 0;  // a topic is read-only here
    if (showsStoredDlq()) {
        std::string error;
        auto db = store::Store::open(*m_storeUrl, error);
        if (db && m_storedDlqRun > 0) {
            std::vector<core::RequestId> chosen = ids;
            if (chosen.empty())
                for (const auto& s : db->deadLetters(m_storedDlqRun))
                    chosen.push_back(s.letter.requestId);
            if (db->setReplayState(m_storedDlqRun, chosen, "purged")) n = chosen.size();
        }
    } else {
        n = m_engine->purgeDlq(ids);
    }
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
            persistRunEnd();
            Q_EMIT runEnded(m_lastStatus);
        } else if (m_lastStatus == RunStatus::Draining && was == RunStatus::Running) {
            logEngine(tr("Arrivals over; draining"));
        }
    }
    Q_EMIT snapshotUpdated(m_snapshot);
}

}  // namespace stampede::ui
