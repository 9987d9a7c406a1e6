#pragma once
// Launch a run: pick a scenario (shipped or from a file), choose pipeline, guard, transport,
// workers, partitions, seed and pace; start, pause, resume, stop; see progress and elapsed time.

#include <QDockWidget>

class QAction;
class QComboBox;
class QLabel;
class QListView;
class QProgressBar;
class QSpinBox;

namespace stampede {
struct Snapshot;
}

namespace stampede::ui {

class EngineController;
class ScenarioCatalogModel;

class LauncherDock : public QDockWidget {
    Q_OBJECT
public:
    LauncherDock(EngineController* controller, QWidget* parent = nullptr);

    ScenarioCatalogModel* catalog() const { return m_catalog; }
    QAction* startAction() const { return m_start; }
    QAction* pauseAction() const { return m_pause; }
    QAction* stopAction() const { return m_stop; }
    QAction* openAction() const { return m_open; }

    // Makes `path` (":/simulations/…" or a file) the scenario of the next run. False (and a
    // message) if it does not load.
    bool selectScenario(const QString& path, QString* error = nullptr);
    // Sets a run setting by its widget's object name ("pipeline", "guard", "pace", ...).
    void setRunSetting(const QString& name, const QVariant& value);

Q_SIGNALS:
    void scenarioSelected(const QString& path);

private:
    QWidget* buildSettings();
    void onCatalogSelection();
    void pushRunConfig();
    void showRunConfig();
    void openFile();
    void togglePause();
    void onSnapshot(const std::shared_ptr<const Snapshot>& snapshot);
    void updateActions();
    void showRefusal(const QString& error);

    EngineController* m_controller;
    ScenarioCatalogModel* m_catalog;
    QListView* m_list;
    QLabel* m_description;
    QComboBox* m_pipeline;
    QComboBox* m_guard;
    QComboBox* m_transport;
    QComboBox* m_pace;
    QSpinBox* m_workers;
    QSpinBox* m_partitions;
    QSpinBox* m_seed;
    QProgressBar* m_progress;
    QLabel* m_status;
    QAction* m_open;
    QAction* m_start;
    QAction* m_pause;
    QAction* m_stop;
    bool m_showing = false;  // filling the widgets from the scenario is not an edit
    // Why the last start was refused; shown over the last run's progress until the next start
    // (or a change of the run settings), so later snapshots do not wipe it.
    QString m_refusal;
};

}  // namespace stampede::ui
