#include "capture_replayer.h"

#include <QLocale>
#include <QTimer>

#include <utility>

#include "engine_controller.h"
#include "stampede/engine.h"

namespace stampede::ui {
namespace {

class EngineTarget final : public capture::ReplayTarget {
public:
    explicit EngineTarget(std::shared_ptr<Engine> engine) : m_engine(std::move(engine)) {}
    SubmitResult submit(const Submission& s) override { return m_engine->submit(s); }

private:
    std::shared_ptr<Engine> m_engine;  // kept alive while the replay sends
};

}  // namespace

CaptureReplayer::CaptureReplayer(EngineController* controller, QObject* parent)
    : QObject(parent), m_controller(controller), m_poll(new QTimer(this)) {
    m_poll->setInterval(100);
    connect(m_poll, &QTimer::timeout, this, &CaptureReplayer::poll);
    // The run it asked for: refused, or started (then the replay begins).
    connect(controller, &EngineController::runRefused, this, [this](const QString& why) {
        if (!m_waitingForRun) return;
        m_waitingForRun = m_active = false;
        Q_EMIT finished(tr("Replay not started: %1").arg(why));
    });
    connect(controller, &EngineController::runStarted, this, [this] {
        if (m_waitingForRun) begin();
    });
    // The operator stopped the run (Shift+F5): nothing more can be admitted, so the replay ends.
    connect(controller, &EngineController::runEnded, this, [this] {
        if (m_active) cancel();
    });
}

CaptureReplayer::~CaptureReplayer() {
    if (m_shared) m_shared->control.cancel.store(true);
    if (m_thread.joinable()) m_thread.join();
}

QString CaptureReplayer::start(const QString& path, const capture::ReaderOptions& reader,
                               const capture::ReplayOptions& options, std::int64_t requests) {
    if (m_active) return tr("a replay is under way");
    if (m_thread.joinable()) m_thread.join();
    m_path = path;
    m_reader = reader;
    m_options = options;
    m_expected = requests * std::max(1, options.loops);
    m_report = {};
    m_cancelBeforeStart = false;
    if (!m_controller->startFedFromOutside()) return tr("a run is in progress: stop it first");
    m_active = m_waitingForRun = true;
    m_controller->logOperator(tr("Replay requested: %1 into %2 (%3)")
                                  .arg(path, QString::fromStdString(m_controller->scenario().name),
                                       QString::fromStdString(m_controller->scenario().run.guard)));
    return {};
}

void CaptureReplayer::begin() {
    m_waitingForRun = false;
    if (std::exchange(m_cancelBeforeStart, false)) {
        m_active = false;
        m_report = {};
        m_report.cancelled = true;
        m_controller->stop();
        const QString outcome = reportText();
        m_controller->logEngine(outcome);
        Q_EMIT finished(outcome);
        return;
    }
    m_shared = std::make_shared<Shared>();
    m_thread = std::thread([shared = m_shared, engine = m_controller->sharedEngine(),
                            path = m_path.toStdString(), reader = m_reader, options = m_options] {
        EngineTarget target(engine);
        shared->report = capture::replayCapture(path, reader, options, &target, shared->control);
        shared->done.store(true, std::memory_order_release);
    });
    m_poll->start();
}

void CaptureReplayer::cancel() {
    if (m_waitingForRun) {  // the run is still starting: it is stopped as soon as it runs
        m_cancelBeforeStart = true;
        return;
    }
    if (m_shared) m_shared->control.cancel.store(true);
}

std::int64_t CaptureReplayer::sent() const {
    return m_shared ? m_shared->control.sent.load() : 0;
}

void CaptureReplayer::poll() {
    Q_EMIT progress(sent(), m_expected);
    if (!m_shared || !m_shared->done.load(std::memory_order_acquire)) return;
    m_poll->stop();
    m_thread.join();
    m_report = m_shared->report;
    m_active = false;
    // No more requests: what was admitted drains, and the run completes.
    m_controller->stop();
    QString outcome = reportText();
    if (!m_report.error.empty())
        outcome = tr("Replay stopped at a bad record: %1")
                      .arg(QString::fromStdString(m_report.error.toString()));
    else if (!m_report.filterError.empty())
        outcome = tr("Replay refused: %1").arg(QString::fromStdString(m_report.filterError));
    m_controller->logEngine(outcome);
    Q_EMIT finished(outcome);
}

QString CaptureReplayer::reportText() const {
    const QLocale l;
    QString text = tr("Replay %1: sent %2 in %3 s (accepted %4, duplicates %5, refused %6, "
                      "unmatched %7, filtered %8)")
                       .arg(m_report.cancelled ? tr("cancelled") : tr("done"))
                       .arg(l.toString(m_report.sent))
                       .arg(l.toString(m_report.wallS, 'f', 2))
                       .arg(l.toString(m_report.accepted))
                       .arg(l.toString(m_report.duplicates))
                       .arg(l.toString(m_report.refused))
                       .arg(l.toString(m_report.unmatched))
                       .arg(l.toString(m_report.filtered));
    if (m_report.timed && m_report.lateness.count())
        text += tr("; late p50 %1 ms, p99 %2 ms")
                    .arg(l.toString(double(m_report.lateness.percentile(0.5)) / 1e6, 'f', 3))
                    .arg(l.toString(double(m_report.lateness.percentile(0.99)) / 1e6, 'f', 3));
    if (m_report.refused)
        text += tr("; the first refusal: %1").arg(QString::fromStdString(m_report.firstRefusal));
    return text;
}

}  // namespace stampede::ui
