#pragma once
// A capture replayed into the console's run, as `stampede-cli replay` does it: the launcher's
// scenario starts with none of its own arrivals, the capture's requests go to the engine's
// submit() from a thread of their own (original timing scaled, a fixed rate, or as fast as
// taken; looped, filtered, campaigns renamed), and when the capture is done the run is stopped
// so what was admitted drains to a final state. Progress and cancel from the GUI thread; the
// dashboard shows the run as any other.

#include <QObject>
#include <QString>

#include <memory>
#include <thread>

#include "stampede/capture/capture_reader.h"
#include "stampede/capture/capture_replay.h"

class QTimer;

namespace stampede::ui {

class EngineController;

class CaptureReplayer : public QObject {
    Q_OBJECT
public:
    explicit CaptureReplayer(EngineController* controller, QObject* parent = nullptr);
    ~CaptureReplayer() override;  // cancels a replay under way and waits for its thread

    // Starts the run and, once it runs, the replay of `path` (expected: `requests` per loop).
    // Empty, or why not (a run in progress).
    QString start(const QString& path, const capture::ReaderOptions& reader,
                  const capture::ReplayOptions& options, std::int64_t requests);
    void cancel();
    bool active() const { return m_active; }
    std::int64_t sent() const;
    std::int64_t expected() const { return m_expected; }
    // The last replay's report (valid once finished() was emitted).
    const capture::ReplayReport& report() const { return m_report; }
    // One line of what the last replay did: sent, accepted, duplicates, how late.
    QString reportText() const;

Q_SIGNALS:
    void progress(qint64 sent, qint64 expected);
    void finished(const QString& outcome);

private:
    void begin();
    void poll();

    EngineController* m_controller;
    QTimer* m_poll;
    QString m_path;
    capture::ReaderOptions m_reader;
    capture::ReplayOptions m_options;
    std::int64_t m_expected = 0;
    bool m_active = false, m_waitingForRun = false, m_cancelBeforeStart = false;
    // Shared with the replay thread: its control, and its report once it is done.
    struct Shared {
        capture::ReplayControl control;
        capture::ReplayReport report;
        std::atomic<bool> done{false};
    };
    std::shared_ptr<Shared> m_shared;
    std::thread m_thread;
    capture::ReplayReport m_report;
};

}  // namespace stampede::ui
