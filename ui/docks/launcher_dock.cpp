#include "docks/launcher_dock.h"

#include <QAction>
#include <QComboBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QListView>
#include <QMessageBox>
#include <QProgressBar>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>
#include <vector>

#include "engine_controller.h"
#include "models/scenario_catalog_model.h"
#include "stampede/guards/guard_registry.h"

namespace stampede::ui {
namespace {

QString qs(std::string_view s) {
    return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size()));
}

// Where the console's guards of a family find their server: live guards reach the servers of
// STAMPEDE_REDIS and STAMPEDE_MYSQL (connection profiles come with their own dialog).
QString whereFor(guards::GuardFamily family) {
    switch (family) {
        case guards::GuardFamily::Memory:
            return LauncherDock::tr("in this process");
        case guards::GuardFamily::Redis:
            return LauncherDock::tr("at STAMPEDE_REDIS (default redis://127.0.0.1:6379)");
        case guards::GuardFamily::MySql:
            return LauncherDock::tr(
                "at STAMPEDE_MYSQL (mysql://USER@HOST:PORT/DB; password from "
                "STAMPEDE_MYSQL_PASSWORD)");
    }
    return {};
}

// The guards of the registry, family by family with a separator between; each item's tooltip is
// its description and what it needs.
QComboBox* guardCombo() {
    auto* c = new QComboBox;
    c->setObjectName(QStringLiteral("guard"));
    std::vector<guards::GuardInfo> byFamily(guards::knownGuards().begin(),
                                            guards::knownGuards().end());
    std::stable_sort(byFamily.begin(), byFamily.end(),
                     [](const auto& a, const auto& b) { return a.family < b.family; });
    for (std::size_t i = 0; i < byFamily.size(); ++i) {
        const guards::GuardInfo& g = byFamily[i];
        if (i > 0 && byFamily[i - 1].family != g.family) c->insertSeparator(c->count());
        QString tip = LauncherDock::tr("%1\nNeeds %2, %3.")
                          .arg(qs(g.description), qs(g.needs()), whereFor(g.family));
        if (g.racesOnPurpose) tip += LauncherDock::tr("\nRaces on purpose: it may over-issue.");
        c->addItem(qs(g.name));
        c->setItemData(c->count() - 1, tip, Qt::ToolTipRole);
    }
    return c;
}

QToolButton* buttonFor(QAction* action) {
    auto* b = new QToolButton;
    b->setDefaultAction(action);
    b->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    b->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    return b;
}

}  // namespace

LauncherDock::LauncherDock(EngineController* controller, QWidget* parent)
    : QDockWidget(tr("Launch"), parent),
      m_controller(controller),
      m_catalog(new ScenarioCatalogModel(this)) {
    setObjectName(QStringLiteral("launcherDock"));
    m_list = new QListView;
    m_list->setObjectName(QStringLiteral("scenarioList"));
    m_list->setModel(m_catalog);
    m_list->setMinimumHeight(fontMetrics().lineSpacing() * 4);
    m_description = new QLabel;
    m_description->setWordWrap(true);
    m_description->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    // The description gives way first when the dock is short; the controls never do.
    m_description->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Ignored);
    m_description->setMinimumHeight(fontMetrics().lineSpacing() * 2);
    m_description->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_description->setStyleSheet(QStringLiteral("color: palette(mid);"));

    m_open =
        new QAction(QIcon::fromTheme(QStringLiteral("document-open")), tr("Open scenario…"), this);
    m_open->setShortcut(QKeySequence::Open);
    m_start =
        new QAction(QIcon::fromTheme(QStringLiteral("media-playback-start")), tr("Start"), this);
    m_start->setShortcut(QKeySequence(Qt::Key_F5));
    m_pause =
        new QAction(QIcon::fromTheme(QStringLiteral("media-playback-pause")), tr("Pause"), this);
    m_pause->setShortcut(QKeySequence(Qt::Key_F6));
    m_stop = new QAction(QIcon::fromTheme(QStringLiteral("media-playback-stop")), tr("Stop"), this);
    m_stop->setShortcut(QKeySequence(Qt::SHIFT | Qt::Key_F5));
    connect(m_open, &QAction::triggered, this, &LauncherDock::openFile);
    connect(m_start, &QAction::triggered, controller, &EngineController::start);
    connect(m_pause, &QAction::triggered, this, &LauncherDock::togglePause);
    connect(m_stop, &QAction::triggered, controller, &EngineController::stop);

    m_progress = new QProgressBar;
    m_progress->setObjectName(QStringLiteral("runProgress"));
    m_progress->setRange(0, 1000);
    m_progress->setFormat(tr("idle"));
    m_progress->setValue(0);
    m_status = new QLabel(tr("No run yet."));
    m_status->setObjectName(QStringLiteral("runStatus"));
    m_status->setWordWrap(true);  // a refusal says what to configure: it must not widen the dock

    auto* controls = new QHBoxLayout;
    controls->addWidget(buttonFor(m_start));
    controls->addWidget(buttonFor(m_pause));
    controls->addWidget(buttonFor(m_stop));

    auto* content = new QWidget;
    auto* layout = new QVBoxLayout(content);
    layout->setContentsMargins(6, 6, 6, 6);
    auto* scenarioRow = new QHBoxLayout;
    scenarioRow->addWidget(new QLabel(tr("<b>Scenario</b>")));
    scenarioRow->addStretch();
    auto* openButton = new QToolButton;
    openButton->setDefaultAction(m_open);
    scenarioRow->addWidget(openButton);
    layout->addLayout(scenarioRow);
    layout->addWidget(m_list, 2);
    layout->addWidget(m_description, 3);
    QWidget* settings = buildSettings();
    settings->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
    layout->addWidget(settings);
    layout->addLayout(controls);
    layout->addWidget(m_progress);
    layout->addWidget(m_status);
    setWidget(content);

    connect(m_list->selectionModel(), &QItemSelectionModel::currentChanged, this,
            &LauncherDock::onCatalogSelection);
    connect(controller, &EngineController::snapshotUpdated, this, &LauncherDock::onSnapshot);
    connect(controller, &EngineController::scenarioChanged, this, &LauncherDock::showRunConfig);
    connect(controller, &EngineController::runStarted, this, [this] {
        showRefusal({});
        updateActions();
    });
    connect(controller, &EngineController::runEnded, this, &LauncherDock::updateActions);
    connect(controller, &EngineController::readyToStart, this, &LauncherDock::updateActions);
    // A refusal is shown in the dock and the event log, never as a modal box.
    connect(controller, &EngineController::runRefused, this, [this](const QString& error) {
        updateActions();
        showRefusal(error);
    });
    showRunConfig();
    updateActions();
}

QWidget* LauncherDock::buildSettings() {
    auto combo = [](const QString& name, const std::vector<std::string_view>& items) {
        auto* c = new QComboBox;
        c->setObjectName(name);
        for (auto item : items) c->addItem(qs(item));
        return c;
    };
    m_pipeline =
        combo(QStringLiteral("pipeline"), {"decide-in-worker", "decide-at-ingress", "sync"});
    m_guard = guardCombo();
    m_transport = combo(QStringLiteral("transport"), {"inproc", "kafka"});
    qobject_cast<QStandardItemModel*>(m_transport->model())
        ->item(1)
        ->setToolTip(tr("Kafka at STAMPEDE_KAFKA (bootstrap servers); without it, an embedded "
                        "mock cluster started for the run"));
    m_pace = combo(QStringLiteral("pace"), {"realtime", "asap"});
    m_pace->setToolTip(
        tr("realtime: arrivals at their scheduled times; asap: as fast as the engine takes them"));
    auto spin = [](const QString& name, int min, int max) {
        auto* s = new QSpinBox;
        s->setObjectName(name);
        s->setRange(min, max);
        return s;
    };
    m_workers = spin(QStringLiteral("workers"), 1, 256);
    m_partitions = spin(QStringLiteral("partitions"), 1, 1024);
    m_seed = spin(QStringLiteral("seed"), 0, 2'000'000'000);

    auto* settings = new QWidget;
    auto* form = new QFormLayout(settings);
    form->setContentsMargins(0, 4, 0, 4);
    form->addRow(tr("Pipeline"), m_pipeline);
    form->addRow(tr("Guard"), m_guard);
    form->addRow(tr("Transport"), m_transport);
    auto* threads = new QHBoxLayout;
    threads->addWidget(m_workers);
    threads->addWidget(new QLabel(tr("partitions")));
    threads->addWidget(m_partitions);
    form->addRow(tr("Workers"), threads);
    auto* seedRow = new QHBoxLayout;
    seedRow->addWidget(m_seed);
    seedRow->addWidget(new QLabel(tr("pace")));
    seedRow->addWidget(m_pace);
    form->addRow(tr("Seed"), seedRow);
    for (QComboBox* c : {m_pipeline, m_guard, m_transport, m_pace})
        connect(c, &QComboBox::currentIndexChanged, this, &LauncherDock::pushRunConfig);
    for (QSpinBox* s : {m_workers, m_partitions, m_seed})
        connect(s, &QSpinBox::valueChanged, this, &LauncherDock::pushRunConfig);
    return settings;
}

bool LauncherDock::selectScenario(const QString& path, QString* error) {
    QString problem;
    const int row = m_catalog->addFile(path, problem);
    if (row < 0) {
        if (error) *error = problem;
        return false;
    }
    m_list->setCurrentIndex(m_catalog->index(row));  // onCatalogSelection applies it
    if (m_controller->scenarioFile() != path) onCatalogSelection();
    return true;
}

void LauncherDock::setRunSetting(const QString& name, const QVariant& value) {
    if (auto* c = findChild<QComboBox*>(name)) c->setCurrentText(value.toString());
    if (auto* s = findChild<QSpinBox*>(name)) s->setValue(value.toInt());
}

void LauncherDock::onCatalogSelection() {
    const int row = m_list->currentIndex().row();
    if (row < 0 || m_controller->runInProgress()) return;
    m_description->setText(
        m_catalog->data(m_catalog->index(row), ScenarioCatalogModel::DescriptionRole).toString());
    m_controller->setScenario(m_catalog->scenario(row), m_catalog->path(row));
    m_controller->logOperator(
        tr("Scenario selected: %1").arg(QString::fromStdString(m_catalog->scenario(row).name)));
    Q_EMIT scenarioSelected(m_catalog->path(row));
}

void LauncherDock::showRunConfig() {
    const sim::Scenario& s = m_controller->scenario();
    m_showing = true;
    m_pipeline->setCurrentText(qs(core::toString(s.run.pipeline)));
    m_guard->setCurrentText(QString::fromStdString(s.run.guard));
    m_transport->setCurrentText(qs(core::toString(s.run.transport)));
    m_pace->setCurrentText(qs(core::toString(s.run.pace)));
    m_workers->setValue(s.run.workers);
    m_partitions->setValue(s.run.partitions);
    m_seed->setValue(static_cast<int>(std::min<std::uint64_t>(s.seed, 2'000'000'000)));
    m_showing = false;
}

void LauncherDock::pushRunConfig() {
    if (m_showing) return;
    // A change of settings answers the refusal; the next start says whether it was enough.
    if (!m_refusal.isEmpty()) {
        showRefusal({});
        onSnapshot(m_controller->snapshot());
    }
    core::RunConfig run = m_controller->scenario().run;
    run.pipeline =
        core::parsePipeline(m_pipeline->currentText().toStdString()).value_or(run.pipeline);
    run.guard = m_guard->currentText().toStdString();
    run.transport =
        core::parseTransport(m_transport->currentText().toStdString()).value_or(run.transport);
    run.pace = core::parsePace(m_pace->currentText().toStdString()).value_or(run.pace);
    run.workers = m_workers->value();
    run.partitions = m_partitions->value();
    m_controller->setRunConfig(run, static_cast<std::uint64_t>(m_seed->value()));
}

void LauncherDock::openFile() {
    const QString file = QFileDialog::getOpenFileName(this, tr("Open scenario"), QString(),
                                                      tr("Scenarios (*.json);;All files (*)"));
    if (file.isEmpty()) return;
    QString error;
    if (!selectScenario(file, &error))
        QMessageBox::warning(this, tr("Scenario not loaded"),
                             tr("%1\n\nNothing was changed.").arg(error));
}

void LauncherDock::togglePause() {
    const auto snapshot = m_controller->snapshot();
    if (snapshot && snapshot->status == RunStatus::Paused)
        m_controller->resume();
    else
        m_controller->pause();
}

void LauncherDock::showRefusal(const QString& error) {
    m_refusal = error;
    m_status->setStyleSheet(error.isEmpty() ? QString()
                                            : QStringLiteral("QLabel { color: #c62828; }"));
    if (error.isEmpty()) return;
    m_progress->setValue(0);
    m_progress->setFormat(tr("not started"));
    m_status->setText(tr("Run not started: %1").arg(error));
}

void LauncherDock::onSnapshot(const std::shared_ptr<const Snapshot>& s) {
    const bool paused = s->status == RunStatus::Paused;
    m_pause->setText(paused ? tr("Resume") : tr("Pause"));
    updateActions();
    if (!m_refusal.isEmpty()) return;  // the last run's numbers must not hide why this one failed
    const double fed =
        s->arrivalsTotal > 0 ? double(s->arrivalsFed) / double(s->arrivalsTotal) : 1.0;
    const double final = s->admitted > 0 ? double(s->finals) / double(s->admitted) : 1.0;
    // Half the bar for feeding arrivals, half for requests reaching a final state.
    m_progress->setValue(static_cast<int>(500 * fed + 500 * final * fed));
    // The run's own time (frozen at its end), not the clock since it began: the engine keeps
    // publishing after the end (a replay, a stock change), and the run did not take longer.
    m_progress->setFormat(
        QStringLiteral("%1 — %2 s").arg(qs(toString(s->status))).arg(s->wallS, 0, 'f', 2));
    m_status->setText(tr("%1 of %2 arrivals fed · %3 final of %4 admitted")
                          .arg(s->arrivalsFed)
                          .arg(s->arrivalsTotal)
                          .arg(s->finals)
                          .arg(s->admitted));
}

void LauncherDock::updateActions() {
    const bool running = m_controller->runInProgress();
    const bool starting = m_controller->starting();
    m_start->setEnabled(!running && !starting);
    m_pause->setEnabled(running);
    m_stop->setEnabled(running);
    m_list->setEnabled(!running && !starting);
    m_open->setEnabled(!running && !starting);
    for (QWidget* w : {static_cast<QWidget*>(m_pipeline), static_cast<QWidget*>(m_guard),
                       static_cast<QWidget*>(m_transport), static_cast<QWidget*>(m_pace),
                       static_cast<QWidget*>(m_workers), static_cast<QWidget*>(m_partitions),
                       static_cast<QWidget*>(m_seed)})
        w->setEnabled(!running && !starting);
}

}  // namespace stampede::ui
