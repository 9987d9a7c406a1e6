#pragma once
// The store from the console: aggregate a run's event log into statistics (with progress and
// cancel) and export events or statistics as CSV or NDJSON. Both run off the GUI thread on
// their own store connection; the outcome goes to the event log.

#include <QObject>

#include <atomic>
#include <memory>
#include <thread>

class QAction;
class QProgressDialog;
class QWidget;

namespace stampede::ui {

class EngineController;

class StoreActions : public QObject {
    Q_OBJECT
public:
    StoreActions(EngineController* controller, QWidget* parent);
    ~StoreActions() override;

    QAction* aggregateAction() const { return m_aggregate; }
    QAction* exportEventsAction() const { return m_exportEvents; }
    QAction* exportStatsAction() const { return m_exportStats; }
    QAction* deleteOldRunsAction() const { return m_deleteOldRuns; }

    // Aggregates the last persisted run (all runs when none ran in this session) into
    // second buckets; `done` is emitted when finished.
    void aggregate();
    // Exports to `file` (format from its suffix: .ndjson or CSV); `done` follows.
    void exportTo(const QString& file, bool events);
    // Deletes every stored run but the newest `keep` (never one still running) with all it
    // stored, and compacts the file; `done` follows. The action asks for `keep` and confirms.
    void deleteOldRuns(int keep);

Q_SIGNALS:
    void done(bool ok, const QString& message);

private:
    void exportInteractively(bool events);
    void finishWork();

    EngineController* m_controller;
    QWidget* m_parent;
    QAction* m_aggregate;
    QAction* m_exportEvents;
    QAction* m_exportStats;
    QAction* m_deleteOldRuns;
    QProgressDialog* m_progress = nullptr;
    std::shared_ptr<std::atomic<bool>> m_cancel;
    std::thread m_worker;
};

}  // namespace stampede::ui
