#pragma once
// The DLQ inspector: the dead letters of the current run in a filterable, sortable table, the
// payload and error history of the selected one, and the operator's replay (rate-limited, with
// progress and cancel) and purge (confirmed). Copies the DLQ only when a snapshot says it changed,
// at most four times a second, and never waits on the engine: a replay runs on the engine's
// threads and is polled here on a timer.

#include <QDockWidget>
#include <QElapsedTimer>
#include <QTimer>

#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "stampede/dlq/dead_letter_queue.h"
#include "stampede/engine.h"
#include "stampede/store/store.h"

class QAction;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QMenu;
class QProgressBar;
class QPushButton;
class QSortFilterProxyModel;
class QSplitter;
class QTableView;

namespace stampede::ui {

class DlqDetailPane;
class DlqFilterBar;
class DlqFilterProxy;
class DlqModel;
class EngineController;

class DlqDock : public QDockWidget {
    Q_OBJECT
public:
    explicit DlqDock(EngineController* controller, QWidget* parent = nullptr);
    ~DlqDock() override;

    DlqModel* model() const { return m_model; }
    QSortFilterProxyModel* proxy() const;
    DlqFilterProxy* filterProxy() const { return m_proxy; }
    QTableView* table() const { return m_table; }
    QAction* replayAction() const { return m_replaySelectedAction; }  // Ctrl+R
    QAction* replayAllAction() const { return m_replayAllAction; }    // Ctrl+Shift+R
    QAction* purgeAllAction() const { return m_purgeAllAction; }
    QAction* openTopicAction() const { return m_openTopicAction; }
    // The stored runs to choose from (shown while the store's dead letters are): each item is
    // "run N · scenario · started · K pending", its data the run's id.
    QComboBox* runChoice() const { return m_runChoice; }
    void openTopic(const QString& bootstrap, const QString& topic);
    // "BOOTSTRAP TOPIC" of the last Kafka run's dead letters, as the open dialog offers it.
    QString lastKafkaTopic() const;

    // Copies the DLQ from the engine now, keeping the selection.
    void refresh();
    // Null when nothing was started: empty selection, no run, or a replay still running.
    std::shared_ptr<ReplayJob> replaySelected();
    std::shared_ptr<ReplayJob> replayAll();
    std::shared_ptr<ReplayJob> runningReplay() const { return m_job; }
    // Both ask first; return how many entries were purged.
    std::size_t purgeSelected();
    std::size_t purgeAll();

    double rateLimit() const;  // replays per second; 0 = unlimited
    void setRateLimit(double perSecond);
    // Asked with the number of entries before a purge; the default asks in a message box.
    void setConfirmPurge(std::function<bool(int count)> confirm);

protected:
    void resizeEvent(QResizeEvent* event) override;
    void showEvent(QShowEvent* event) override;

private:
    // What tells us the DLQ changed: a purge moves the size, a dead letter or an accepted replay
    // moves a counter that only grows.
    struct DlqStamp {
        std::int64_t size = -1;
        std::int64_t deadLettered = -1;
        std::int64_t replayed = -1;
        bool operator==(const DlqStamp&) const = default;
    };

    void buildTable();
    void connectSignals();
    bool askPurge(int count);
    QWidget* buildActionRow();
    QWidget* buildRunRow();
    void createActions();
    void onSnapshot(const std::shared_ptr<const Snapshot>& snapshot);
    void scheduleRefresh();
    void updateChoices();
    void showDetail();
    void updateCount();
    QString topicText() const;
    void updateActions();
    void showStoredRuns(const std::vector<store::RunRecord>& runs);
    void showContextMenu(const QPoint& pos);
    std::vector<core::RequestId> selectedIds() const;
    void selectIds(const std::vector<core::RequestId>& ids, std::optional<core::RequestId> current);
    std::shared_ptr<ReplayJob> startReplay(const std::vector<core::RequestId>& ids);
    void pollReplay();
    void endReplay(const QString& logText);
    std::size_t purge(const std::vector<core::RequestId>& ids, int count);

    EngineController* m_controller;
    DlqModel* m_model;
    DlqFilterProxy* m_proxy;
    std::function<bool(int)> m_confirmPurge;

    DlqFilterBar* m_filterBar = nullptr;
    QTableView* m_table = nullptr;
    QSplitter* m_split = nullptr;  // table and detail
    DlqDetailPane* m_detailPane = nullptr;
    QLabel* m_count = nullptr;
    QWidget* m_runRow = nullptr;
    QComboBox* m_runChoice = nullptr;
    QDoubleSpinBox* m_rate = nullptr;
    QWidget* m_replayRow = nullptr;
    QProgressBar* m_progress = nullptr;
    QPushButton* m_cancel = nullptr;
    QMenu* m_contextMenu = nullptr;

    QAction* m_replaySelectedAction = nullptr;
    QAction* m_replayAllAction = nullptr;
    QAction* m_copyAction = nullptr;
    QAction* m_exportAction = nullptr;
    QAction* m_purgeSelectedAction = nullptr;
    QAction* m_openTopicAction = nullptr;
    QAction* m_purgeAllAction = nullptr;

    DlqStamp m_loaded;            // of the snapshot the model's copy was taken after
    DlqStamp m_latest;            // of the newest snapshot
    bool m_dirty = true;          // the engine's DLQ may differ from the model's copy
    bool m_columnsSized = false;  // by the first rows, once; then the operator's widths stay
    QElapsedTimer m_sinceLoad;
    QTimer m_refreshTimer;  // coalesces reloads to at most four a second
    std::optional<core::RequestId> m_detailId;

    std::shared_ptr<ReplayJob> m_job;
    QTimer m_replayPoll;
};

}  // namespace stampede::ui
