#include "main_window.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QCloseEvent>
#include <QDateTime>
#include <QFileDialog>
#include <QGuiApplication>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QStatusBar>
#include <QToolBar>
#include <QUndoStack>

#include "docks/campaigns_dock.h"
#include "docks/captures_dock.h"
#include "docks/compare_dock.h"
#include "docks/dashboard_dock.h"
#include "docks/dlq_dock.h"
#include "docks/event_log_dock.h"
#include "docks/launcher_dock.h"
#include "docks/outbox_dock.h"
#include "engine_controller.h"
#include "http_ingress.h"
#include "live_systems_text.h"
#include "profiles_dialog.h"
#include "store_actions.h"
#include "store_info.h"

namespace stampede::ui {
namespace {

const QString kDefaultScenario = QStringLiteral(":/simulations/seed-001.json");
const QStringList kRunSettings = {QStringLiteral("pipeline"),  QStringLiteral("guard"),
                                  QStringLiteral("transport"), QStringLiteral("pace"),
                                  QStringLiteral("workers"),   QStringLiteral("partitions"),
                                  QStringLiteral("seed")};

}  // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent), m_controller(new EngineController(this)), m_undo(new QUndoStack(this)) {
    setWindowTitle(tr("Stampede"));
    setObjectName(QStringLiteral("stampedeMainWindow"));
    setDockNestingEnabled(true);
    setDockOptions(AnimatedDocks | AllowNestedDocks | AllowTabbedDocks);

    m_campaigns = new CampaignsDock(m_controller, m_undo, this);
    m_launcher = new LauncherDock(m_controller, this);
    m_dashboard = new DashboardDock(m_controller, this);
    m_dlq = new DlqDock(m_controller, this);
    m_events = new EventLogDock(m_controller, this);
    m_storeActions = new StoreActions(m_controller, this);
    m_storeInfo = new StoreInfo(m_controller, this);
    m_http = new HttpIngress(m_controller, this);
    m_outbox = new OutboxDock(m_http, this);
    m_compare = new CompareDock(m_controller, this);
    m_captures = new CapturesDock(m_controller, this);
    connect(m_storeActions, &StoreActions::done, m_storeInfo, &StoreInfo::refresh);

    // The dashboard is the centre of attention; the docks around it can move anywhere.
    addDockWidget(Qt::LeftDockWidgetArea, m_launcher);
    addDockWidget(Qt::RightDockWidgetArea, m_dashboard);
    splitDockWidget(m_launcher, m_campaigns, Qt::Vertical);
    // Trainer mode shares the dashboard's place: a tab beside it.
    tabifyDockWidget(m_dashboard, m_compare);
    m_dashboard->raise();
    addDockWidget(Qt::BottomDockWidgetArea, m_dlq);
    tabifyDockWidget(m_dlq, m_events);
    tabifyDockWidget(m_events, m_outbox);
    tabifyDockWidget(m_outbox, m_captures);
    m_dlq->raise();
    resizeDocks({m_launcher, m_dashboard}, {430, 1100}, Qt::Horizontal);
    resizeDocks({m_launcher, m_campaigns}, {520, 220}, Qt::Vertical);
    resizeDocks({m_dlq}, {240}, Qt::Vertical);
    m_defaultState = saveState();

    buildMenus();

    m_statusRun = new QLabel(tr("Idle"));
    m_statusStock = new QLabel;
    m_statusAlarm = new QLabel;
    m_statusAlarm->setStyleSheet(QStringLiteral(
        "QLabel { color: white; background: #c62828; padding: 0 6px; font-weight: bold; }"));
    m_statusAlarm->hide();
    m_statusRate = new QLabel;
    statusBar()->addWidget(m_statusRun);
    statusBar()->addWidget(m_statusStock);
    statusBar()->addWidget(m_statusAlarm);
    // A refused start is said where the eye goes last, too: until the next run starts.
    m_statusRefused = new QLabel(tr("last start refused: see the Launch dock"));
    m_statusRefused->setObjectName(QStringLiteral("statusRefused"));
    m_statusRefused->setStyleSheet(QStringLiteral("QLabel { color: #c62828; font-weight: bold; }"));
    m_statusRefused->hide();
    statusBar()->addWidget(m_statusRefused);
    connect(m_controller, &EngineController::runRefused, m_statusRefused, [this](const QString& e) {
        m_statusRefused->setToolTip(e);
        m_statusRefused->show();
    });
    connect(m_controller, &EngineController::runStarted, m_statusRefused, &QWidget::hide);
    // Where the HTTP ingress serves, at what rate, with how many errors (empty when off).
    m_statusHttp = new QLabel;
    m_statusHttp->setObjectName(QStringLiteral("statusHttp"));
    m_statusHttp->hide();
    statusBar()->addPermanentWidget(m_statusHttp);
    connect(m_http, &HttpIngress::statusChanged, m_statusHttp, [this](const QString& text) {
        m_statusHttp->setText(text);
        m_statusHttp->setVisible(!text.isEmpty());
    });
    statusBar()->addPermanentWidget(m_statusRate);
    connect(m_controller, &EngineController::snapshotUpdated, this, &MainWindow::updateStatus);
    connect(m_controller, &EngineController::deadLettersReplaced, this, &MainWindow::updateStatus);
    connect(m_launcher, &LauncherDock::scenarioSelected, m_undo, &QUndoStack::clear);
    resize(1600, 1000);
}

MainWindow::~MainWindow() {
    // The HTTP ingress serves the controller's engine from its own threads: it stops before the
    // controller (the first child, so the first QObject deletes) takes the engine away.
    delete m_http;
    m_http = nullptr;
    // A capture's replay feeds the controller's engine from its own thread: it ends first too.
    delete m_captures;
    m_captures = nullptr;
}

void MainWindow::buildMenus() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(m_launcher->openAction());
    file->addAction(m_dlq->openTopicAction());
    file->addAction(m_captures->openAction());
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu* edit = menuBar()->addMenu(tr("&Edit"));
    QAction* undo = m_undo->createUndoAction(this, tr("&Undo"));
    undo->setShortcut(QKeySequence::Undo);
    QAction* redo = m_undo->createRedoAction(this, tr("&Redo"));
    redo->setShortcut(QKeySequence::Redo);
    edit->addAction(undo);
    edit->addAction(redo);
    edit->addSeparator();
    edit->addAction(m_campaigns->newAction());
    edit->addSeparator();
    QAction* profiles = edit->addAction(tr("Connection &profiles…"), this, [this] {
        ProfilesDialog dialog(this);
        connect(&dialog, &ProfilesDialog::profilesSaved, this,
                [this] { m_controller->useProfiles(ProfilesDialog::profilesInUse(true)); });
        dialog.exec();
    });
    profiles->setObjectName(QStringLiteral("profilesAction"));

    QMenu* run = menuBar()->addMenu(tr("&Run"));
    run->addAction(m_launcher->startAction());
    run->addAction(m_launcher->pauseAction());
    run->addAction(m_launcher->stopAction());
    run->addSeparator();
    run->addAction(m_dlq->replayAction());
    run->addSeparator();
    run->addAction(m_compare->startAction());
    run->addAction(m_compare->stopAction());
    run->addAction(m_compare->presentationAction());
    run->addSeparator();
    run->addAction(m_http->toggle());
    QAction* httpAddress = run->addAction(tr("HTTP &address…"));
    httpAddress->setObjectName(QStringLiteral("httpAddressAction"));
    connect(httpAddress, &QAction::triggered, this, [this] {
        bool ok = false;
        const QString chosen = QInputDialog::getText(
            this, tr("HTTP address"),
            tr("Where Serve HTTP listens (HOST:PORT; 127.0.0.1 keeps it on this machine):"),
            QLineEdit::Normal, m_http->address(), &ok);
        if (!ok) return;
        if (const QString why = m_http->chooseAddress(chosen); !why.isEmpty())
            QMessageBox::warning(this, tr("HTTP address"), why);
    });
    QAction* copyToken = run->addAction(tr("Copy HTTP &admin token"));
    copyToken->setObjectName(QStringLiteral("copyAdminTokenAction"));
    copyToken->setToolTip(
        tr("For \"Authorization: Bearer …\" on /api/admin/…; kept in the system keychain "
           "(stampede, http/admin-token), or where there is none in "
           "~/.config/stampede/admin-token"));
    copyToken->setEnabled(false);
    connect(m_http->toggle(), &QAction::toggled, copyToken,
            [this, copyToken] { copyToken->setEnabled(!m_http->adminToken().isEmpty()); });
    connect(copyToken, &QAction::triggered, this, [this] {
        QGuiApplication::clipboard()->setText(m_http->adminToken());
        statusBar()->showMessage(tr("Admin token copied"), 3000);
    });

    buildLessonsMenu();

    QMenu* storeMenu = menuBar()->addMenu(tr("&Store"));
    storeMenu->setObjectName(QStringLiteral("storeMenu"));
    // Where the store is, its size and its runs, read again each time the menu opens.
    storeMenu->addAction(m_storeInfo->action());
    connect(storeMenu, &QMenu::aboutToShow, m_storeInfo, &StoreInfo::refresh);
    storeMenu->addSeparator();
    storeMenu->addAction(m_storeActions->aggregateAction());
    storeMenu->addSeparator();
    storeMenu->addAction(m_storeActions->exportEventsAction());
    storeMenu->addAction(m_storeActions->exportStatsAction());
    storeMenu->addSeparator();
    storeMenu->addAction(m_storeActions->deleteOldRunsAction());

    QMenu* view = menuBar()->addMenu(tr("&View"));
    for (QDockWidget* dock :
         {static_cast<QDockWidget*>(m_dashboard), static_cast<QDockWidget*>(m_launcher),
          static_cast<QDockWidget*>(m_campaigns), static_cast<QDockWidget*>(m_dlq),
          static_cast<QDockWidget*>(m_events), static_cast<QDockWidget*>(m_outbox),
          static_cast<QDockWidget*>(m_compare), static_cast<QDockWidget*>(m_captures)})
        view->addAction(dock->toggleViewAction());
    view->addSeparator();
    view->addAction(tr("Reset layout"), this, &MainWindow::resetLayout);

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("About Stampede"), this, [this] {
        QMessageBox::about(this, tr("About Stampede"),
                           tr("<b>Stampede</b> — operator console for first-come-first-served and "
                              "lottery events under burst traffic.<br>Runs the ingress → queue → "
                              "worker engine in-process and shows, with numbers, which strategy "
                              "over-issues, which is unfair and which is slow."));
    });

    QToolBar* tools = addToolBar(tr("Run"));
    tools->setObjectName(QStringLiteral("runToolBar"));
    tools->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    tools->addActions(
        {m_launcher->startAction(), m_launcher->pauseAction(), m_launcher->stopAction()});
    tools->addSeparator();
    tools->addActions({undo, redo});
    // Run shortcuts work wherever the focus is.
    for (QAction* a : {m_launcher->startAction(), m_launcher->pauseAction(),
                       m_launcher->stopAction(), m_dlq->replayAction()})
        a->setShortcutContext(Qt::WindowShortcut);
}

void MainWindow::buildLessonsMenu() {
    QMenu* lessons = menuBar()->addMenu(tr("&Lessons"));
    lessons->setObjectName(QStringLiteral("lessonsMenu"));
    const auto open = [this](const std::string& nameOrPath) {
        std::string error;
        const auto lesson = compare::findLesson(nameOrPath, error);
        if (!lesson) {
            QMessageBox::warning(this, tr("Lesson"), QString::fromStdString(error));
            return;
        }
        m_compare->openLesson(*lesson);
        m_compare->raise();
    };
    // The shipped lessons by title, in order; each opens in the Compare view, ready to start.
    for (const std::string& name : compare::shippedLessons()) {
        std::string error;
        const auto lesson = compare::findLesson(name, error);
        QAction* a = lessons->addAction(
            lesson ? QString::fromStdString(lesson->title) : QString::fromStdString(name), this,
            [open, name] { open(name); });
        a->setObjectName(QStringLiteral("lesson:") + QString::fromStdString(name));
        a->setEnabled(lesson.has_value());
        if (!lesson) a->setToolTip(QString::fromStdString(error));
    }
    lessons->addSeparator();
    lessons->addAction(tr("Open a lesson &file…"), this, [this, open] {
        const QString file =
            QFileDialog::getOpenFileName(this, tr("Open a lesson"), {}, tr("Lessons (*.json)"));
        if (!file.isEmpty()) open(file.toStdString());
    });
}

void MainWindow::updateStatus() {
    const auto s = m_controller->snapshot();
    if (!s) return;
    if (s->status == RunStatus::Idle) {
        m_statusRun->setText(tr("idle · no run yet"));
    } else {
        m_statusRun->setText(
            tr("%1 · %2 s · %3 / %4 / %5")
                .arg(QString::fromUtf8(toString(s->status).data()))
                .arg(s->wallS, 0, 'f', 2)  // frozen at the run's end, as the dashboard says it
                .arg(QString::fromUtf8(core::toString(s->run.pipeline).data()),
                     QString::fromStdString(s->run.guard),
                     QString::fromUtf8(core::toString(s->run.transport).data())));
    }
    const QString live = liveSystemsLine(*s);
    // Once the DLQ shown is the store's, its pending count is the store's too: the engine's
    // figure is of the run's end and does not follow replays made in the store.
    const auto stored = m_controller->storedPending();
    const QString dlq =
        stored ? tr("DLQ %L1 pending in the store").arg(*stored) : tr("DLQ %L1").arg(s->dlqSize);
    // Idle: no run's figures to give ("issued 0 of 0" beside campaigns that have stock).
    const QString issued = s->status == RunStatus::Idle
                               ? QString()
                               : tr("issued %L1 of %L2 · ").arg(s->issued).arg(s->stock);
    m_statusStock->setText(issued + dlq +
                           (live.isEmpty() ? QString() : QStringLiteral(" · ") + live));
    m_statusAlarm->setVisible(s->overIssued > 0);
    if (s->overIssued > 0) m_statusAlarm->setText(tr("OVER-ISSUED %L1").arg(s->overIssued));
    // Snapshots applied per second: the dashboard's refresh rate, visible to the operator.
    ++m_snapshotsThisSecond;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (now - m_rateWindowStart >= 1000) {
        m_statusRate->setText(tr("%1 Hz").arg(
            m_snapshotsThisSecond * 1000.0 / double(now - m_rateWindowStart), 0, 'f', 0));
        m_snapshotsThisSecond = 0;
        m_rateWindowStart = now;
    }
}

void MainWindow::restoreSettings() {
    QSettings settings;
    if (const QByteArray geometry = settings.value(QStringLiteral("window/geometry")).toByteArray();
        !geometry.isEmpty())
        restoreGeometry(geometry);
    if (const QByteArray state = settings.value(QStringLiteral("window/state")).toByteArray();
        !state.isEmpty())
        restoreState(state);
    const QString last =
        settings.value(QStringLiteral("run/scenario"), kDefaultScenario).toString();
    if (!m_launcher->selectScenario(last)) m_launcher->selectScenario(kDefaultScenario);
    // The campaigns as the operator left them (edited stock, new campaigns), over the file's.
    const QByteArray saved = settings.value(QStringLiteral("run/scenario_json")).toByteArray();
    if (!saved.isEmpty()) {
        const sim::ScenarioLoad load = sim::parseScenario(
            std::string_view(saved.constData(), static_cast<std::size_t>(saved.size())),
            "settings");
        if (load.ok()) m_controller->setScenario(*load.scenario, m_controller->scenarioFile());
    }
    settings.beginGroup(QStringLiteral("run"));
    for (const QString& key : kRunSettings)
        if (settings.contains(key)) m_launcher->setRunSetting(key, settings.value(key));
    settings.endGroup();
}

void MainWindow::saveSettings() const {
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
    settings.setValue(QStringLiteral("run/scenario"), m_controller->scenarioFile());
    settings.setValue(QStringLiteral("run/scenario_json"),
                      QByteArray::fromStdString(sim::toJson(m_controller->scenario())));
    const sim::Scenario& s = m_controller->scenario();
    settings.setValue(QStringLiteral("run/pipeline"),
                      QString::fromUtf8(core::toString(s.run.pipeline).data()));
    settings.setValue(QStringLiteral("run/guard"), QString::fromStdString(s.run.guard));
    settings.setValue(QStringLiteral("run/transport"),
                      QString::fromUtf8(core::toString(s.run.transport).data()));
    settings.setValue(QStringLiteral("run/pace"),
                      QString::fromUtf8(core::toString(s.run.pace).data()));
    settings.setValue(QStringLiteral("run/workers"), s.run.workers);
    settings.setValue(QStringLiteral("run/partitions"), s.run.partitions);
    settings.setValue(QStringLiteral("run/seed"), QVariant::fromValue<qulonglong>(s.seed));
}

void MainWindow::resetLayout() {
    restoreState(m_defaultState);
    for (QDockWidget* dock : findChildren<QDockWidget*>()) dock->show();
    m_dlq->raise();
}

void MainWindow::closeEvent(QCloseEvent* event) {
    saveSettings();
    event->accept();
}

}  // namespace stampede::ui
