#pragma once
// The console's responsiveness probe (a benchmark, not a test): while a scenario runs in the real
// main window, a 1 ms heartbeat timer measures the longest stall of the GUI event loop, and the
// dashboard's applied snapshots give its refresh rate. Prints the figures as JSON.

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

namespace stampede::ui {
class MainWindow;
}

namespace stampede::app {

class GuiProbe : public QObject {
    Q_OBJECT
public:
    GuiProbe(ui::MainWindow& window, QString jsonTarget, qint64 startupMs);
    void start();

private:
    void beat();
    void finish();

    ui::MainWindow& m_window;
    QString m_json;
    qint64 m_startupMs;
    QTimer m_heartbeat;
    QElapsedTimer m_clock;
    qint64 m_lastBeatNs = 0;
    qint64 m_maxStallNs = 0;
    qint64 m_beats = 0;
    int m_updatesAtStart = 0;
    qint64 m_runStartNs = 0;
};

}  // namespace stampede::app
