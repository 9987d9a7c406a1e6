#include "docks/compare_dock.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDateTime>
#include <QFile>
#include <QFileDialog>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonDocument>
#include <QLabel>
#include <QListWidget>
#include <QMessageBox>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QSplitter>
#include <QTableView>
#include <QTableWidget>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>

#include "engine_controller.h"
#include "export_actions.h"
#include "models/comparison_table_model.h"
#include "stampede/compare/comparison_json.h"
#include "stampede/compare/comparison_pdf.h"
#include "stampede/compare/comparison_report.h"
#include "stampede/compare/comparison_table.h"
#include "stampede/guards/guard_registry.h"
#include "views/lane_tile.h"
#include "views/race_timeline.h"

namespace stampede::ui {
namespace {

enum LaneColumn {
    kGuard,
    kPipeline,
    kTransport,
    kWorkers,
    kPartitions,
    kPace,
    kPool,
    kLaneColumns
};
constexpr int kTilesPerRow = 4;

QString scenarioDefault() {
    return CompareDock::tr("(scenario's)");
}

QComboBox* choice(const QStringList& values, const std::optional<std::string>& chosen) {
    auto* box = new QComboBox;
    box->addItem(scenarioDefault(), QString());
    for (const QString& v : values) box->addItem(v, v);
    if (chosen) box->setCurrentIndex(std::max(0, box->findData(QString::fromStdString(*chosen))));
    return box;
}

QSpinBox* count(int max, const std::optional<int>& chosen) {
    auto* box = new QSpinBox;
    box->setRange(0, max);
    box->setSpecialValueText(scenarioDefault());  // 0: as the scenario has it
    box->setValue(chosen.value_or(0));
    return box;
}

std::optional<std::string> chosenText(QTableWidget* t, int row, int column) {
    const auto* box = qobject_cast<QComboBox*>(t->cellWidget(row, column));
    const QString v = box ? box->currentData().toString() : QString();
    return v.isEmpty() ? std::nullopt : std::optional<std::string>(v.toStdString());
}

std::optional<int> chosenCount(QTableWidget* t, int row, int column) {
    const auto* box = qobject_cast<QSpinBox*>(t->cellWidget(row, column));
    return box && box->value() > 0 ? std::optional<int>(box->value()) : std::nullopt;
}

}  // namespace

CompareDock::CompareDock(EngineController* controller, QWidget* parent)
    : QDockWidget(tr("Compare"), parent),
      m_controller(controller),
      m_model(new ComparisonTableModel(this)),
      m_poll(new QTimer(this)) {
    setObjectName(QStringLiteral("compareDock"));
    auto* body = new QWidget(this);
    auto* layout = new QVBoxLayout(body);
    layout->setContentsMargins(4, 4, 4, 4);

    // What is compared: the scenario, the lanes, how they run.
    m_scenario = new QLabel(body);
    m_scenario->setObjectName(QStringLiteral("compareScenario"));
    layout->addWidget(m_scenario);
    m_lessonPanel = new QWidget(body);
    auto* lessonLayout = new QVBoxLayout(m_lessonPanel);
    lessonLayout->setContentsMargins(0, 0, 0, 0);
    m_lessonTitle = new QLabel(m_lessonPanel);
    m_lessonTitle->setObjectName(QStringLiteral("lessonTitle"));
    QFont titleFont = m_lessonTitle->font();
    titleFont.setBold(true);
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.2);
    m_lessonTitle->setFont(titleFont);
    m_lessonTitle->setWordWrap(true);
    m_watch = new QLabel(m_lessonPanel);
    m_watch->setObjectName(QStringLiteral("lessonWatch"));
    m_watch->setWordWrap(true);
    m_findings = new QListWidget(m_lessonPanel);
    m_findings->setObjectName(QStringLiteral("lessonFindings"));
    m_findings->setMaximumHeight(130);
    auto* closeLessonButton = new QPushButton(tr("Close the lesson"), m_lessonPanel);
    connect(closeLessonButton, &QPushButton::clicked, this, &CompareDock::closeLesson);
    lessonLayout->addWidget(m_lessonTitle);
    lessonLayout->addWidget(m_watch);
    lessonLayout->addWidget(m_findings);
    lessonLayout->addWidget(closeLessonButton, 0, Qt::AlignLeft);
    m_lessonPanel->hide();
    layout->addWidget(m_lessonPanel);
    buildLaneEditor(body);
    layout->addWidget(m_laneEditor);

    m_startAction = new QAction(tr("Start comparison"), this);
    m_startAction->setObjectName(QStringLiteral("compareStartAction"));
    m_stopAction = new QAction(tr("Stop comparison"), this);
    m_stopAction->setObjectName(QStringLiteral("compareStopAction"));
    m_stopAction->setEnabled(false);
    m_presentation = new QAction(tr("Presentation mode"), this);
    m_presentation->setObjectName(QStringLiteral("presentationAction"));
    m_presentation->setCheckable(true);
    m_presentation->setShortcut(Qt::Key_F11);
    connect(m_startAction, &QAction::triggered, this, [this] { start(); });
    connect(m_stopAction, &QAction::triggered, this, &CompareDock::stop);
    connect(m_presentation, &QAction::toggled, this, &CompareDock::setPresentation);

    auto* controls = new QHBoxLayout;
    auto* addLane = new QPushButton(tr("Add lane"), body);
    addLane->setObjectName(QStringLiteral("compareAddLane"));
    auto* removeLane = new QPushButton(tr("Remove lane"), body);
    removeLane->setObjectName(QStringLiteral("compareRemoveLane"));
    m_concurrent = new QCheckBox(tr("Lanes at once (they share the machine)"), body);
    m_concurrent->setObjectName(QStringLiteral("compareConcurrent"));
    auto* startButton = new QPushButton(tr("Start"), body);
    startButton->setObjectName(QStringLiteral("compareStart"));
    auto* stopButton = new QPushButton(tr("Stop"), body);
    stopButton->setObjectName(QStringLiteral("compareStop"));
    auto* present = new QPushButton(tr("Presentation"), body);
    present->setCheckable(true);
    connect(addLane, &QPushButton::clicked, this, [this] {
        if (m_laneEditor->rowCount() < compare::kMaxLanes) addLaneRow({});
    });
    connect(removeLane, &QPushButton::clicked, this, [this] {
        const int row = m_laneEditor->currentRow();
        m_laneEditor->removeRow(row >= 0 ? row : m_laneEditor->rowCount() - 1);
    });
    connect(startButton, &QPushButton::clicked, m_startAction, &QAction::trigger);
    connect(stopButton, &QPushButton::clicked, m_stopAction, &QAction::trigger);
    connect(m_startAction, &QAction::changed, startButton,
            [this, startButton] { startButton->setEnabled(m_startAction->isEnabled()); });
    connect(m_stopAction, &QAction::changed, stopButton,
            [this, stopButton] { stopButton->setEnabled(m_stopAction->isEnabled()); });
    stopButton->setEnabled(false);
    connect(present, &QPushButton::toggled, m_presentation, &QAction::setChecked);
    connect(m_presentation, &QAction::toggled, present, &QPushButton::setChecked);
    for (QWidget* w : {static_cast<QWidget*>(addLane), static_cast<QWidget*>(removeLane),
                       static_cast<QWidget*>(m_concurrent)})
        controls->addWidget(w);
    controls->addStretch(1);
    for (QPushButton* b : {startButton, stopButton, present}) controls->addWidget(b);
    layout->addLayout(controls);
    m_status = new QLabel(tr("Choose 2 to 12 lanes and start: every lane plays the identical "
                             "arrivals of the scenario."),
                          body);
    m_status->setObjectName(QStringLiteral("compareStatus"));
    m_status->setWordWrap(true);
    layout->addWidget(m_status);

    // The lanes side by side, then the final table and the race timeline.
    auto* split = new QSplitter(Qt::Vertical, body);
    auto* tilesArea = new QScrollArea(split);
    tilesArea->setWidgetResizable(true);
    auto* tiles = new QWidget(tilesArea);
    tiles->setObjectName(QStringLiteral("compareTiles"));
    m_tileGrid = new QGridLayout(tiles);
    m_tileGrid->setContentsMargins(0, 0, 0, 0);
    tilesArea->setWidget(tiles);
    auto* results = new QWidget(split);
    auto* resultsLayout = new QVBoxLayout(results);
    resultsLayout->setContentsMargins(0, 0, 0, 0);
    m_table = new QTableView(results);
    m_table->setObjectName(QStringLiteral("compareTable"));
    m_table->setModel(m_model);
    m_table->setSortingEnabled(true);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSortIndicatorShown(true);
    m_table->horizontalHeader()->setSortIndicator(-1, Qt::AscendingOrder);  // lanes as given
    addTableExportActions(*m_table, *m_model, QStringLiteral("comparison.csv"));
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex& current) { showTimelineFor(current.row()); });
    auto* exports = new QHBoxLayout;
    m_exportCsv = new QPushButton(tr("Export CSV…"), results);
    m_exportJson = new QPushButton(tr("Export JSON…"), results);
    m_exportReport = new QPushButton(tr("Save HTML report…"), results);
    m_exportReport->setObjectName(QStringLiteral("compareSaveReport"));
    m_exportPdf = new QPushButton(tr("Save PDF…"), results);
    m_exportPdf->setObjectName(QStringLiteral("compareSavePdf"));
    connect(m_exportPdf, &QPushButton::clicked, this, [this] {
        const QString file =
            QFileDialog::getSaveFileName(this, tr("Save the report as PDF"),
                                         QStringLiteral("comparison.pdf"), tr("PDF (*.pdf)"));
        if (file.isEmpty()) return;
        if (const QString why = savePdf(file); !why.isEmpty())
            QMessageBox::warning(this, tr("Save PDF"), why);
    });
    connect(m_exportCsv, &QPushButton::clicked, this,
            [this] { exportCsvInteractively(this, *m_model, QStringLiteral("comparison.csv")); });
    connect(m_exportJson, &QPushButton::clicked, this, &CompareDock::exportJson);
    connect(m_exportReport, &QPushButton::clicked, this, &CompareDock::exportReport);
    for (QPushButton* b : {m_exportCsv, m_exportJson, m_exportReport, m_exportPdf}) {
        b->setEnabled(false);
        exports->addWidget(b);
    }
    exports->addStretch(1);
    resultsLayout->addWidget(m_table, 1);
    resultsLayout->addLayout(exports);
    m_timeline = new RaceTimeline(split);
    tilesArea->setMinimumHeight(190);
    results->setMinimumHeight(120);
    m_timeline->setMinimumHeight(110);
    split->addWidget(tilesArea);
    split->addWidget(results);
    split->addWidget(m_timeline);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    split->setStretchFactor(2, 2);
    split->setSizes({300, 200, 240});
    layout->addWidget(split, 1);
    setWidget(body);

    m_poll->setInterval(100);
    connect(m_poll, &QTimer::timeout, this, &CompareDock::refresh);
    const auto showScenario = [this] {
        if (m_lesson) return;
        m_scenario->setText(tr("Scenario: %1 (the launcher's) · seed %2")
                                .arg(QString::fromStdString(m_controller->scenario().name))
                                .arg(m_controller->scenario().seed));
    };
    connect(m_controller, &EngineController::scenarioChanged, this, showScenario);
    showScenario();
    // Seed 003's first question, ready to start: does a plain counter over-issue?
    compare::LaneConfig none, atomic;
    none.guard = "none";
    atomic.guard = "atomic";
    setLanes({none, atomic});
    m_normalFont = font();
    m_normalPalette = palette();
}

CompareDock::~CompareDock() = default;

void CompareDock::buildLaneEditor(QWidget* parent) {
    m_laneEditor = new QTableWidget(0, kLaneColumns, parent);
    m_laneEditor->setObjectName(QStringLiteral("compareLanes"));
    m_laneEditor->setHorizontalHeaderLabels({tr("guard"), tr("pipeline"), tr("transport"),
                                             tr("workers"), tr("partitions"), tr("pace"),
                                             tr("db pool")});
    m_laneEditor->horizontalHeaderItem(kPool)->setToolTip(
        tr("The mysql-* guards' connection pool: at most N decisions hold a connection at once, "
           "the others wait for one (HikariCP's pending)"));
    m_laneEditor->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_laneEditor->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_laneEditor->setVerticalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    // As tall as its lanes (up to six rows, then it scrolls): the room is for the lanes' tiles.
    const auto fit = [this] {
        const int rows = std::clamp(m_laneEditor->rowCount(), 2, 6);
        const int rowHeight = m_laneEditor->verticalHeader()->defaultSectionSize();
        m_laneEditor->setFixedHeight(m_laneEditor->horizontalHeader()->sizeHint().height() +
                                     rows * rowHeight + 2 * m_laneEditor->frameWidth() + 2);
    };
    connect(m_laneEditor->model(), &QAbstractItemModel::rowsInserted, this, fit);
    connect(m_laneEditor->model(), &QAbstractItemModel::rowsRemoved, this, fit);
    fit();
}

void CompareDock::addLaneRow(const compare::LaneConfig& lane) {
    QStringList guards;
    for (const guards::GuardInfo& g : guards::knownGuards())
        guards << QString::fromUtf8(g.name.data(), qsizetype(g.name.size()));
    const auto text = [](auto value) {
        return value ? std::optional<std::string>(std::string(core::toString(*value)))
                     : std::optional<std::string>();
    };
    const int row = m_laneEditor->rowCount();
    m_laneEditor->insertRow(row);
    QComboBox* guard = choice(guards, lane.guard);
    guard->setProperty("laneName", QString::fromStdString(lane.name));
    m_laneEditor->setCellWidget(row, kGuard, guard);
    m_laneEditor->setCellWidget(row, kPipeline,
                                choice({QStringLiteral("sync"), QStringLiteral("decide-at-ingress"),
                                        QStringLiteral("decide-in-worker")},
                                       text(lane.pipeline)));
    m_laneEditor->setCellWidget(
        row, kTransport,
        choice({QStringLiteral("inproc"), QStringLiteral("kafka")}, text(lane.transport)));
    m_laneEditor->setCellWidget(row, kWorkers, count(256, lane.workers));
    m_laneEditor->setCellWidget(row, kPartitions, count(256, lane.partitions));
    m_laneEditor->setCellWidget(
        row, kPace, choice({QStringLiteral("realtime"), QStringLiteral("asap")}, text(lane.pace)));
    m_laneEditor->setCellWidget(row, kPool, count(1024, lane.pool));
}

std::vector<compare::LaneConfig> CompareDock::lanes() const {
    std::vector<compare::LaneConfig> out;
    for (int row = 0; row < m_laneEditor->rowCount(); ++row) {
        compare::LaneConfig lane;
        // A lesson's lanes keep the names its findings use, whichever rows go.
        lane.name =
            m_laneEditor->cellWidget(row, kGuard)->property("laneName").toString().toStdString();
        lane.guard = chosenText(m_laneEditor, row, kGuard);
        if (const auto p = chosenText(m_laneEditor, row, kPipeline))
            lane.pipeline = core::parsePipeline(*p);
        if (const auto t = chosenText(m_laneEditor, row, kTransport))
            lane.transport = core::parseTransport(*t);
        lane.workers = chosenCount(m_laneEditor, row, kWorkers);
        lane.partitions = chosenCount(m_laneEditor, row, kPartitions);
        if (const auto p = chosenText(m_laneEditor, row, kPace)) lane.pace = core::parsePace(*p);
        lane.pool = chosenCount(m_laneEditor, row, kPool);
        out.push_back(std::move(lane));
    }
    return out;
}

void CompareDock::setLanes(const std::vector<compare::LaneConfig>& lanes) {
    m_laneEditor->setRowCount(0);
    for (const auto& lane : lanes) addLaneRow(lane);
}

void CompareDock::setConcurrent(bool concurrent) {
    m_concurrent->setChecked(concurrent);
}

bool CompareDock::openLesson(const compare::Lesson& lesson) {
    // A comparison under way would be checked against the new lesson's findings: refused.
    if (running()) {
        m_status->setText(tr("A comparison is running: stop it, or let it end, before opening "
                             "\"%1\"")
                              .arg(QString::fromStdString(lesson.title)));
        return false;
    }
    m_lesson = lesson;
    setLanes(lesson.lanes);
    setConcurrent(lesson.concurrent);
    m_lessonTitle->setText(QString::fromStdString(lesson.title));
    m_watch->setText(tr("What to watch: %1").arg(QString::fromStdString(lesson.watch)));
    m_findings->clear();
    for (const compare::Finding& f : lesson.findings)
        m_findings->addItem(tr("…  %1").arg(QString::fromStdString(f.text)));
    m_lessonPanel->show();
    m_scenario->setText(tr("Scenario: %1 (the lesson's) · seed %2")
                            .arg(QString::fromStdString(lesson.scenario.name))
                            .arg(lesson.scenario.seed));
    m_status->setText(tr("Lesson ready: %1 lanes, %2 findings to check. Start when the room is.")
                          .arg(lesson.lanes.size())
                          .arg(lesson.findings.size()));
    show();
    raise();
    return true;
}

void CompareDock::closeLesson() {
    m_lesson.reset();
    m_lessonPanel->hide();
    Q_EMIT m_controller->scenarioChanged();  // the launcher's scenario again
}

QString CompareDock::start() {
    if (running()) return tr("a comparison is running");
    compare::ComparisonSpec spec;
    spec.scenario = m_lesson ? m_lesson->scenario : m_controller->scenario();
    spec.lanes = lanes();
    spec.concurrent = m_concurrent->isChecked();
    spec.systems = m_controller->liveSystems();
    if (const std::string why = compare::validate(spec); !why.empty()) {
        const QString error = tr("Cannot start: %1").arg(QString::fromStdString(why));
        m_status->setText(error);
        m_status->setStyleSheet(QStringLiteral("QLabel { color: #c62828; font-weight: bold; }"));
        return error;
    }
    m_status->setStyleSheet({});
    m_comparison = std::make_unique<compare::Comparison>(std::move(spec));
    m_results.clear();
    m_model->setTable({});
    m_timeline->setWitnesses({}, {});
    for (LaneTile* t : m_tiles) delete t;
    m_tiles.clear();
    const int n = int(m_comparison->spec().lanes.size());
    for (int i = 0; i < n; ++i) {
        auto* tile = new LaneTile;
        tile->setObjectName(QStringLiteral("laneTile%1").arg(i));
        m_tileGrid->addWidget(tile, i / kTilesPerRow, i % kTilesPerRow);
        m_tiles.push_back(tile);
    }
    if (m_lesson)
        for (int i = 0; i < m_findings->count(); ++i)
            m_findings->item(i)->setText(
                tr("…  %1").arg(QString::fromStdString(m_lesson->findings[std::size_t(i)].text)));
    m_startedMs = QDateTime::currentMSecsSinceEpoch();
    m_comparison->start();
    m_startAction->setEnabled(false);
    m_stopAction->setEnabled(true);
    m_laneEditor->setEnabled(false);
    for (QPushButton* b : {m_exportCsv, m_exportJson, m_exportReport, m_exportPdf})
        b->setEnabled(false);
    m_poll->start();
    refresh();
    return {};
}

void CompareDock::stop() {
    if (m_comparison) m_comparison->stop();
}

bool CompareDock::running() const {
    return m_comparison && m_poll->isActive();
}

QString CompareDock::statusText() const {
    return m_status->text();
}

void CompareDock::refresh() {
    if (!m_comparison) return;
    m_results = m_comparison->lanes();
    // Every tile to one scale: the same height is the same throughput, the same width the same
    // time, so the lanes are compared by eye.
    double rateMax = 0;
    for (const auto& lane : m_results)
        if (lane.snapshot)
            for (const ThroughputPoint& t : lane.snapshot->throughput)
                rateMax = std::max(rateMax, t.completedPerS);
    int done = 0, running = 0;
    for (std::size_t i = 0; i < m_results.size() && i < m_tiles.size(); ++i) {
        m_tiles[i]->show(m_results[i]);
        m_tiles[i]->setScale(rateMax);
        done += m_results[i].status == compare::LaneStatus::Done ||
                m_results[i].status == compare::LaneStatus::Skipped;
        running += m_results[i].status == compare::LaneStatus::Running;
    }
    const double seconds = double(QDateTime::currentMSecsSinceEpoch() - m_startedMs) / 1000.0;
    m_status->setText(tr("%1 of %2 lanes done, %3 running · %4 s · %5")
                          .arg(done)
                          .arg(m_results.size())
                          .arg(running)
                          .arg(seconds, 0, 'f', 1)
                          .arg(m_comparison->spec().concurrent
                                   ? tr("lanes at once: they share the machine")
                                   : tr("one after another: each has the machine to itself")));
    if (m_comparison->finished()) finish();
}

void CompareDock::finish() {
    m_poll->stop();
    m_results = m_comparison->lanes();
    for (std::size_t i = 0; i < m_results.size() && i < m_tiles.size(); ++i)
        m_tiles[i]->show(m_results[i]);
    m_model->setTable(compare::comparisonTable(m_results));
    m_table->horizontalHeader()->setSortIndicator(-1, Qt::AscendingOrder);
    m_startAction->setEnabled(true);
    m_stopAction->setEnabled(false);
    m_laneEditor->setEnabled(true);
    for (QPushButton* b : {m_exportCsv, m_exportJson, m_exportReport, m_exportPdf})
        b->setEnabled(true);
    int skipped = 0, overIssuing = 0;
    for (const auto& lane : m_results) {
        skipped += lane.status == compare::LaneStatus::Skipped;
        overIssuing += lane.snapshot && lane.snapshot->overIssued > 0;
    }
    const double seconds = double(QDateTime::currentMSecsSinceEpoch() - m_startedMs) / 1000.0;
    QString text = tr("Done in %1 s: %2 lanes").arg(seconds, 0, 'f', 1).arg(m_results.size());
    if (skipped) text += tr(", %1 skipped (see the table)").arg(skipped);
    text += overIssuing ? tr(" · %1 over-issued").arg(overIssuing) : tr(" · none over-issued");
    // The timeline shows the first racy lane; choosing another row shows its own.
    int firstRacy = -1;
    for (int i = 0; i < int(m_results.size()) && firstRacy < 0; ++i)
        if (m_results[std::size_t(i)].snapshot &&
            !m_results[std::size_t(i)].snapshot->raceWitnesses.empty())
            firstRacy = i;
    showTimelineFor(firstRacy);
    if (m_lesson) {
        const auto checks = compare::checkFindings(m_lesson->findings, m_results);
        int failed = 0;
        for (int i = 0; i < int(checks.size()) && i < m_findings->count(); ++i) {
            const auto& c = checks[std::size_t(i)];
            QListWidgetItem* item = m_findings->item(i);
            item->setText(QStringLiteral("%1  %2 — %3")
                              .arg(c.holds ? QStringLiteral("✓") : QStringLiteral("✗"),
                                   QString::fromStdString(c.text),
                                   QString::fromStdString(c.detail)));
            item->setForeground(c.holds ? QColor(0x2e, 0x7d, 0x32) : QColor(0xc6, 0x28, 0x28));
            QFont f = item->font();
            f.setBold(!c.holds);
            item->setFont(f);
            failed += c.holds ? 0 : 1;
        }
        text += failed ? tr(" · %1 of %2 findings DID NOT HOLD: this run does not teach the "
                            "lesson")
                             .arg(failed)
                             .arg(checks.size())
                       : tr(" · every finding held (%1)").arg(checks.size());
        m_status->setStyleSheet(failed ? QStringLiteral("QLabel { color: #c62828; font-weight: "
                                                        "bold; }")
                                       : QString());
    }
    m_status->setText(text);
    Q_EMIT finished();
}

void CompareDock::showTimelineFor(int row) {
    // The table may be sorted: its row names the lane.
    const QString lane =
        row >= 0 ? m_model->data(m_model->index(row, 0), Qt::DisplayRole).toString() : QString();
    for (const auto& r : m_results)
        if (QString::fromStdString(r.label) == lane && r.snapshot) {
            m_timeline->setWitnesses(lane, r.snapshot->raceWitnesses);
            return;
        }
    if (row < 0) {
        for (const auto& r : m_results)
            if (r.snapshot && !r.snapshot->raceWitnesses.empty()) {
                m_timeline->setWitnesses(QString::fromStdString(r.label),
                                         r.snapshot->raceWitnesses);
                return;
            }
    }
    m_timeline->setWitnesses(lane, {});
}

void CompareDock::setPresentation(bool on) {
    // Large type and high contrast for a room, full screen in a window of its own.
    if (on) {
        setFloating(true);
        QFont big = m_normalFont;
        big.setPointSizeF(m_normalFont.pointSizeF() * 1.6);
        setFont(big);
        QPalette contrast;
        contrast.setColor(QPalette::Window, Qt::black);
        contrast.setColor(QPalette::WindowText, Qt::white);
        contrast.setColor(QPalette::Base, QColor(0x10, 0x10, 0x10));
        contrast.setColor(QPalette::AlternateBase, QColor(0x20, 0x20, 0x20));
        contrast.setColor(QPalette::Text, Qt::white);
        contrast.setColor(QPalette::Button, QColor(0x20, 0x20, 0x20));
        contrast.setColor(QPalette::ButtonText, Qt::white);
        contrast.setColor(QPalette::Highlight, QColor(0xff, 0xd6, 0x00));
        contrast.setColor(QPalette::HighlightedText, Qt::black);
        contrast.setColor(QPalette::Mid, QColor(0x80, 0x80, 0x80));
        setPalette(contrast);
        setAutoFillBackground(true);
        showFullScreen();
    } else {
        setFont(m_normalFont);
        setPalette(m_normalPalette);
        showNormal();
        setFloating(false);
    }
}

void CompareDock::exportJson() {
    if (!m_comparison) return;
    const QString file =
        QFileDialog::getSaveFileName(this, tr("Export the comparison as JSON"),
                                     QStringLiteral("comparison.json"), tr("JSON (*.json)"));
    if (file.isEmpty()) return;
    QFile out(file);
    const QByteArray json =
        QJsonDocument(compare::comparisonJson(m_comparison->spec(), m_results,
                                              QApplication::applicationVersion().toStdString()))
            .toJson();
    if (!out.open(QIODevice::WriteOnly) || out.write(json) != json.size())
        QMessageBox::warning(this, tr("Export JSON"),
                             tr("Could not write %1: %2").arg(file, out.errorString()));
}

void CompareDock::exportReport() {
    if (!m_comparison) return;
    const QString file = QFileDialog::getSaveFileName(
        this, tr("Save the HTML report"), QStringLiteral("comparison.html"), tr("HTML (*.html)"));
    if (file.isEmpty()) return;
    QFile out(file);
    const std::string html = compare::comparisonHtml(
        m_comparison->spec(), m_results, QApplication::applicationVersion().toStdString(),
        m_lesson ? m_lesson->title : std::string());
    if (!out.open(QIODevice::WriteOnly) ||
        out.write(html.data(), qint64(html.size())) != qint64(html.size()))
        QMessageBox::warning(this, tr("Save the HTML report"),
                             tr("Could not write %1: %2").arg(file, out.errorString()));
}

}  // namespace stampede::ui

namespace stampede::ui {

QString CompareDock::savePdf(const QString& file) const {
    if (!m_comparison) return tr("No comparison has run yet");
    std::string error;
    if (!compare::writeComparisonPdf(file.toStdString(), m_comparison->spec(), m_results,
                                     QApplication::applicationVersion().toStdString(),
                                     m_lesson ? m_lesson->title : std::string(), error))
        return QString::fromStdString(error);
    return {};
}

}  // namespace stampede::ui
