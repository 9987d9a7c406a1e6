#pragma once
// The console's window. It only composes: the docks (campaigns, launch, dashboard, compare, dead
// letters, event log), the menus and shortcuts, the status bar and the saved layout and settings.
// Each dock is its own class; none of the engine's work happens here.

#include <QMainWindow>

class QLabel;
class QUndoStack;

namespace stampede::ui {

class CampaignsDock;
class CapturesDock;
class CompareDock;
class DashboardDock;
class DlqDock;
class EngineController;
class EventLogDock;
class LauncherDock;
class StoreActions;
class StoreInfo;
class HttpIngress;
class OutboxDock;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    EngineController* controller() const { return m_controller; }
    QUndoStack* undoStack() const { return m_undo; }
    CampaignsDock* campaignsDock() const { return m_campaigns; }
    LauncherDock* launcherDock() const { return m_launcher; }
    DashboardDock* dashboardDock() const { return m_dashboard; }
    DlqDock* dlqDock() const { return m_dlq; }
    EventLogDock* eventLogDock() const { return m_events; }
    StoreActions* storeActions() const { return m_storeActions; }
    StoreInfo* storeInfo() const { return m_storeInfo; }
    HttpIngress* httpIngress() const { return m_http; }
    OutboxDock* outboxDock() const { return m_outbox; }
    CompareDock* compareDock() const { return m_compare; }
    CapturesDock* capturesDock() const { return m_captures; }

    // Window geometry, dock layout, last scenario and run settings (QSettings).
    void restoreSettings();
    void saveSettings() const;
    // The default layout and the seed-001 scenario, as on a first start.
    void resetLayout();

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void buildMenus();
    void buildLessonsMenu();
    void updateStatus();

    EngineController* m_controller;
    QUndoStack* m_undo;
    CampaignsDock* m_campaigns;
    LauncherDock* m_launcher;
    DashboardDock* m_dashboard;
    DlqDock* m_dlq;
    EventLogDock* m_events;
    StoreActions* m_storeActions;
    StoreInfo* m_storeInfo;
    HttpIngress* m_http;
    OutboxDock* m_outbox;
    CompareDock* m_compare;
    CapturesDock* m_captures;
    QLabel* m_statusHttp;
    QLabel* m_statusRun;
    QLabel* m_statusStock;
    QLabel* m_statusAlarm;
    QLabel* m_statusRefused;
    QLabel* m_statusRate;
    QByteArray m_defaultState;
    int m_snapshotsThisSecond = 0;
    qint64 m_rateWindowStart = 0;
};

}  // namespace stampede::ui
