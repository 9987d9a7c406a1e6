#pragma once
// The console's one door to the engine. Owns the Engine and the scenario being prepared, polls
// the engine's immutable snapshot on a timer (never per request) and hands it to every view; runs
// whatever could take time (starting a run expands its arrivals) off the GUI thread, so the GUI
// thread never waits on the engine. Also keeps the event log of what the operator did and what
// the engine reported.

#include <QDateTime>
#include <QObject>
#include <QString>
#include <QTimer>

#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "stampede/engine.h"
#include "stampede/live/dead_letter_source.h"
#include "stampede/live/live_systems.h"
#include "stampede/live/run_persistence.h"
#include "stampede/store/store.h"

namespace stampede::ui {

struct LoggedEvent {
    QDateTime at;
    enum class Source : std::uint8_t { Operator, Engine } source = Source::Engine;
    QString text;
};

class EngineController : public QObject {
    Q_OBJECT
public:
    explicit EngineController(QObject* parent = nullptr);
    ~EngineController() override;

    // The scenario the next run plays. Campaign edits change it (and, during a run, stock edits
    // also go to the engine).
    const sim::Scenario& scenario() const { return m_scenario; }
    void setScenario(const sim::Scenario& scenario, const QString& sourceFile = {});
    QString scenarioFile() const { return m_scenarioFile; }
    void setCampaigns(const std::vector<core::Campaign>& campaigns);
    void setRunConfig(const core::RunConfig& run, std::uint64_t seed);

    // Starts a run of scenario() in the background; runStarted or runRefused follows.
    void start();
    void pause();
    void resume();
    void stop();
    bool runInProgress() const;  // started, not yet completed or stopped
    // Start is refused while a start is in flight or the last run's row is still being made in
    // the store (a run can end before that is done; its end is persisted once it is).
    bool starting() const { return m_starting || m_beginningPersistence; }
    // Runs that also take requests from outside (the console's HTTP ingress) stay open after
    // their arrivals, until the operator stops them. Applies from the next start.
    void setKeepOpen(bool keepOpen) { m_keepOpen = keepOpen; }
    bool keepOpen() const { return m_keepOpen; }
    // The next start plays none of the scenario's arrivals: its requests all come from outside
    // (a capture's replay), and it stays open until stopped. Applies to the next start only.
    // False (nothing started) while a run is in progress or starting.
    bool startFedFromOutside() {
        if (m_starting || runInProgress()) return false;
        m_fedFromOutside = true;
        start();
        return true;
    }
    // The engine runs are started on, for what serves them (the HTTP ingress).
    Engine& engine() { return *m_engine; }
    // The same, for a thread of its own that must keep it alive (a capture's replay).
    std::shared_ptr<Engine> sharedEngine() const { return m_engine; }

    // A stock change. During a run the engine applies it atomically; it is refused below what is
    // already issued. Returns an empty string when applied, else the reason.
    QString setStock(const QString& campaignId, std::int64_t stock);

    std::shared_ptr<const Snapshot> snapshot() const { return m_snapshot; }

    // Where runs are persisted: STAMPEDE_STORE (a store URL, or "none"), else the embedded
    // SQLite file in the user's data folder. Empty when persistence is off or unavailable.
    QString storeUrl() const;
    const std::optional<store::StoreUrl>& storeLocation() const { return m_storeUrl; }

    // The live systems the next run uses: the environment (STAMPEDE_REDIS, …), read at each
    // start, with the connection profiles in use over it.
    live::LiveSystems liveSystems() const;
    // The profiles chosen with "Use for runs", their passwords already read from the keychain.
    void useProfiles(std::vector<live::ResolvedProfile> profiles);
    std::int64_t storedRunId() const { return m_runId; }
    // The engine's DLQ, or, before the first run of this session, the store's (the latest run
    // with pending dead letters): replay and purge act on whichever is shown. The store's is read
    // off the GUI thread: until it arrives (deadLettersReplaced), this is what was read last and
    // deadLettersLoading() is true.
    std::vector<dlq::DeadLetter> listDlq(const dlq::DlqFilter& filter = {});
    bool showsStoredDlq() const;
    bool deadLettersLoading() const { return m_storedLoading; }
    // Reads the store's (or the topic's) dead letters again, in the background.
    void rereadDeadLetters();
    // The stored run whose dead letters are shown: "run 3 · seed-000 · 2026-12-02 14:03".
    QString storedDlqRunText() const { return m_storedDlqRunText; }
    std::int64_t storedDlqRun() const { return m_storedDlqRun; }
    // Shows run `runId`'s stored dead letters (0: the latest run with pending ones), read in the
    // background; the choice holds across replays and purges until the next run starts.
    void chooseStoredRun(std::int64_t runId);
    // The store's runs, newest first, read in the background: storedRunsRead() answers.
    void readStoredRuns();
    // A run's ended and its last rows are still on their way to the store: a replay now could
    // not be marked there, so it waits (replayDlq() refuses and says so).
    bool persistingRun() const { return m_persistingRun; }
    // The shown stored run's pending dead letters, as last read; nullopt when the DLQ shown is
    // not the store's or has not been read yet.
    std::optional<qint64> storedPending() const {
        if (!showsStoredDlq() || !m_storedLetters || m_topicLetters) return std::nullopt;
        return qint64(m_storedLetters->size());
    }
    // A Kafka run's dead-letter topic, read in the background (its pending entries) and shown by
    // the DLQ inspector until the next run starts; deadLettersReplaced() says when (or why not).
    // Replay decides them against the run's shared stock (the live guards' Redis or MySQL);
    // a topic is never purged.
    void openDeadLetterTopic(const QString& bootstrap, const QString& topic);
    bool showsTopicDlq() const { return m_topicLetters.has_value(); }
    QString topicShown() const { return m_topicName; }
    // What the shown topic holds, and why it cannot be replayed (empty when it can).
    struct TopicStatus {
        qint64 entries = 0, pending = 0;
        QString guard;
        QString notReplayable;
    };
    const TopicStatus& topicStatus() const { return m_topicStatus; }
    void rereadTopic() { openDeadLetterTopic(m_topicBootstrap, m_topicName); }
    // The outcome of a finished replay job in words ("3 issued, 1 already held …"), for the log.
    static QString replayOutcomeText(const ReplayJob& job);
    static QString replayOutcomeText(const ReplayOutcome& outcome);
    std::shared_ptr<ReplayJob> replayDlq(const std::vector<core::RequestId>& ids, double perSecond);
    std::size_t purgeDlq(const std::vector<core::RequestId>& ids);

    const std::vector<LoggedEvent>& events() const { return m_events; }
    void logOperator(const QString& text);
    void logEngine(const QString& text);

    // How often snapshots are polled (ms); 33 by default.
    void setPollInterval(int ms) { m_poll.setInterval(ms); }
    // Snapshots taken and the longest gap between two of them, for the responsiveness probe.
    int pollInterval() const { return m_poll.interval(); }

Q_SIGNALS:
    // The run's last coupon and event reached the store (after runEnded; off the GUI thread).
    void runPersisted(qint64 runId, qint64 coupons, qint64 events);
    void snapshotUpdated(std::shared_ptr<const stampede::Snapshot> snapshot);
    void scenarioChanged();
    void runStarted();
    void runRefused(const QString& error);
    // starting() went back to false after a run that ended before its persistence began.
    void readyToStart();
    void runEnded(stampede::RunStatus status);
    void eventLogged(const stampede::ui::LoggedEvent& event);
    void deadLettersReplaced(const QString& error);
    void storedRunsRead(const std::vector<stampede::store::RunRecord>& runs, const QString& error);

private:
    void pollSnapshot();
    // What the start thread set up for persisting the run it started.
    struct Persistence {
        // The engine the sink follows outlives the sink: members go in reverse order, so a
        // start answered after its window is gone stops the sink before the engine goes.
        std::shared_ptr<Engine> engine;
        std::shared_ptr<live::RunPersistence> run;
        QString error;
    };
    void onStartFinished(const QString& error, bool persisting);
    void onPersistenceBegun(std::uint64_t start, const Persistence& persistence);
    std::shared_ptr<live::DeadLetterSource> storedSource() const;
    void openStore();
    void persistRunEnd();

    std::shared_ptr<Engine> m_engine;  // shared with a start still in flight when we go away
    sim::Scenario m_scenario;
    QString m_scenarioFile;
    QTimer m_poll;
    std::shared_ptr<const Snapshot> m_snapshot;
    RunStatus m_lastStatus = RunStatus::Idle;
    bool m_starting = false;
    std::uint64_t m_starts = 0;           // matches a persistence answer to its start
    bool m_beginningPersistence = false;  // the store is making the started run's row
    bool m_endedBeforePersistence = false;
    std::string m_cautionSaid;  // the backend's caution, once logged for this run
    bool m_keepOpen = false;
    bool m_fedFromOutside = false;  // the start in flight plays no arrivals of its own
    std::vector<LoggedEvent> m_events;
    std::optional<store::StoreUrl> m_storeUrl;
    std::vector<live::ResolvedProfile> m_profilesInUse;
    std::shared_ptr<live::RunPersistence> m_persistence;
    std::int64_t m_runId = 0;
    std::int64_t m_storedDlqRun = 0;  // whose dead letters listDlq() showed last
    std::int64_t m_chosenRun = 0;     // whose to show: 0 = the latest with pending ones
    std::int64_t m_persistedRun = 0;  // this session's last run, once all of it is in the store
    bool m_persistingRun = false;
    QString m_storedDlqRunText;
    std::optional<std::vector<dlq::DeadLetter>> m_storedLetters;  // read off the GUI thread
    bool m_storedLoading = false;
    std::optional<std::vector<dlq::DeadLetter>> m_topicLetters;  // a dead-letter topic's pending
    QString m_topicName, m_topicBootstrap;
    TopicStatus m_topicStatus;
    std::vector<std::thread> m_persisting;  // drain finished runs' sinks, close them in the store
};

}  // namespace stampede::ui
