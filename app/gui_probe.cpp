#include "gui_probe.h"

#include <QApplication>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>

#include <cstdio>

#include "docks/dashboard_dock.h"
#include "engine_controller.h"
#include "main_window.h"

namespace stampede::app {

GuiProbe::GuiProbe(ui::MainWindow& window, QString jsonTarget, qint64 startupMs)
    : m_window(window), m_json(std::move(jsonTarget)), m_startupMs(startupMs) {
    m_heartbeat.setInterval(1);
    m_heartbeat.setTimerType(Qt::PreciseTimer);
    connect(&m_heartbeat, &QTimer::timeout, this, &GuiProbe::beat);
    connect(window.controller(), &ui::EngineController::runStarted, this, [this] {
        m_updatesAtStart = m_window.dashboardDock()->updatesApplied();
        m_runStartNs = m_clock.nsecsElapsed();
        m_lastBeatNs = m_runStartNs;
        m_maxStallNs = 0;
    });
    connect(window.controller(), &ui::EngineController::runEnded, this, &GuiProbe::finish);
    connect(window.controller(), &ui::EngineController::runRefused, this, [](const QString& e) {
        std::fprintf(stderr, "stampede --probe: %s\n", qPrintable(e));
        QApplication::exit(2);
    });
}

void GuiProbe::start() {
    m_clock.start();
    m_heartbeat.start();
    m_window.controller()->start();
}

void GuiProbe::beat() {
    const qint64 now = m_clock.nsecsElapsed();
    if (m_lastBeatNs > 0) m_maxStallNs = std::max(m_maxStallNs, now - m_lastBeatNs);
    m_lastBeatNs = now;
    ++m_beats;
}

void GuiProbe::finish() {
    const double runS = double(m_clock.nsecsElapsed() - m_runStartNs) / 1e9;
    const int updates = m_window.dashboardDock()->updatesApplied() - m_updatesAtStart;
    const auto snapshot = m_window.controller()->snapshot();
    QJsonObject o;
    o[QStringLiteral("scenario")] = QString::fromStdString(snapshot->run.scenarioName);
    o[QStringLiteral("requests")] = static_cast<qint64>(snapshot->requests);
    o[QStringLiteral("run_s")] = runS;
    o[QStringLiteral("max_stall_ms")] = double(m_maxStallNs) / 1e6;
    o[QStringLiteral("dashboard_updates")] = updates;
    o[QStringLiteral("dashboard_hz")] = runS > 0 ? updates / runS : 0.0;
    o[QStringLiteral("heartbeats")] = m_beats;
    o[QStringLiteral("startup_ms")] = m_startupMs;
    const QByteArray json = QJsonDocument(o).toJson();
    if (m_json.isEmpty() || m_json == QLatin1String("-")) {
        std::fwrite(json.constData(), 1, static_cast<std::size_t>(json.size()), stdout);
        std::fflush(stdout);
    } else {
        QFile out(m_json);
        if (out.open(QIODevice::WriteOnly | QIODevice::Truncate)) out.write(json);
    }
    QApplication::exit(0);
}

}  // namespace stampede::app
