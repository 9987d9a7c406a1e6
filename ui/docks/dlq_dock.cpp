#include "docks/dlq_dock.h"

#include <QAction>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QSplitter>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>
#include <climits>
#include <set>

#include "docks/dlq_detail_pane.h"
#include "docks/dlq_filter_bar.h"
#include "engine_controller.h"
#include "export_actions.h"
#include "models/dlq_filter_proxy.h"
#include "models/dlq_model.h"

namespace stampede::ui {
namespace {

constexpr int kMinReloadMs = 250;  // at most four copies of the DLQ a second
constexpr int kReplayPollMs = 100;

}  // namespace

DlqDock::DlqDock(EngineController* controller, QWidget* parent)
    : QDockWidget(tr("Dead letters"), parent),
      m_controller(controller),
      m_model(new DlqModel(this)),
      m_proxy(new DlqFilterProxy(this)),
      m_confirmPurge([this](int count) { return askPurge(count); }) {
    setObjectName(QStringLiteral("dlqDock"));
    m_proxy->setSourceModel(m_model);
    buildTable();
    createActions();
    m_split = new QSplitter(Qt::Vertical);
    m_split->addWidget(m_table);
    m_detailPane = new DlqDetailPane;
    m_split->addWidget(m_detailPane);
    m_split->setStretchFactor(0, 3);
    m_split->setStretchFactor(1, 2);
    auto* body = new QWidget;
    auto* layout = new QVBoxLayout(body);
    m_filterBar = new DlqFilterBar(m_proxy);
    layout->addWidget(buildRunRow());
    layout->addWidget(m_filterBar);
    layout->addWidget(m_split, 1);
    layout->addWidget(buildActionRow());
    setWidget(body);
    connectSignals();
    showDetail();
    updateCount();
    onSnapshot(m_controller->snapshot());
}

DlqDock::~DlqDock() {
    // Nobody would show or log a replay whose inspector is gone; cancelling loses nothing.
    if (m_job) m_job->cancel();
}

void DlqDock::buildTable() {
    m_table = new QTableView;
    m_table->setObjectName(QStringLiteral("dlqTable"));
    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(DlqModel::Request, Qt::AscendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->setContextMenuPolicy(Qt::CustomContextMenu);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 6);
    QHeaderView* header = m_table->horizontalHeader();
    header->setStretchLastSection(true);
    // Until the first rows arrive to size them by: wide enough for the header and typical values.
    const int em = m_table->fontMetrics().horizontalAdvance(QLatin1Char('M'));
    const int typical[] = {5, 5, 5, 10, 3, 6};  // in em, up to the stretched "Last error"
    for (int c = 0; c < DlqModel::LastError; ++c)
        m_table->setColumnWidth(c, std::max(header->sectionSizeHint(c), typical[c] * em));
}

void DlqDock::connectSignals() {
    m_refreshTimer.setSingleShot(true);
    connect(&m_refreshTimer, &QTimer::timeout, this, &DlqDock::refresh);
    m_replayPoll.setInterval(kReplayPollMs);
    connect(&m_replayPoll, &QTimer::timeout, this, &DlqDock::pollReplay);

    connect(m_controller, &EngineController::snapshotUpdated, this, &DlqDock::onSnapshot);
    connect(m_controller, &EngineController::deadLettersReplaced, this, [this](const QString& e) {
        refresh();
        m_runRow->setVisible(m_controller->showsStoredDlq() && !m_controller->showsTopicDlq());
        if (m_runRow->isVisible()) m_controller->readStoredRuns();
        if (!e.isEmpty()) m_count->setText(tr("dead-letter topic not read: %1").arg(e));
    });
    connect(m_controller, &EngineController::storedRunsRead, this,
            [this](const std::vector<store::RunRecord>& runs, const QString&) {
                showStoredRuns(runs);
            });
    connect(m_controller, &EngineController::runStarted, this, [this] {
        m_runRow->hide();  // the new run's own DLQ, until it is in the store
        // A new run replaces the old one with its DLQ; a replay of the old one ends with it.
        if (m_job) {
            const auto p = m_job->progress();
            endReplay(tr("Replay cancelled after %1 of %2").arg(p.accepted).arg(p.total));
        }
        m_dirty = true;
        scheduleRefresh();
    });
    connect(m_proxy, &DlqFilterProxy::filterChanged, this, &DlqDock::updateCount);
    connect(m_proxy, &QAbstractItemModel::modelReset, this, &DlqDock::updateCount);
    connect(m_proxy, &QAbstractItemModel::rowsInserted, this, &DlqDock::updateCount);
    connect(m_proxy, &QAbstractItemModel::rowsRemoved, this, &DlqDock::updateCount);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &DlqDock::updateActions);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &DlqDock::showDetail);
    connect(m_table, &QWidget::customContextMenuRequested, this, &DlqDock::showContextMenu);
}

bool DlqDock::askPurge(int count) {
    const QString question =
        count == 1
            ? tr("Purge this dead letter for good? It can no longer be replayed.")
            : tr("Purge %1 dead letters for good? They can no longer be replayed.").arg(count);
    return QMessageBox::question(this, tr("Purge dead letters"), question,
                                 QMessageBox::Yes | QMessageBox::No,
                                 QMessageBox::No) == QMessageBox::Yes;
}

QSortFilterProxyModel* DlqDock::proxy() const {
    return m_proxy;
}

void DlqDock::createActions() {
    auto make = [this](const QString& text, const QKeySequence& key, auto slot) {
        auto* action = new QAction(text, this);
        if (!key.isEmpty()) {
            action->setShortcut(key);
            // Ctrl+C, Del and Ctrl+R mean this table only while it has the focus.
            action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
            action->setToolTip(QStringLiteral("%1 (%2)").arg(
                QString(text).remove(QChar(0x2026)), key.toString(QKeySequence::NativeText)));
        }
        connect(action, &QAction::triggered, this, slot);
        addAction(action);
        return action;
    };
    m_replaySelectedAction = make(tr("Replay selected"), QKeySequence(Qt::CTRL | Qt::Key_R),
                                  [this] { replaySelected(); });
    m_replayAllAction = make(tr("Replay all"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R),
                             [this] { replayAll(); });
    m_copyAction = make(tr("Copy rows"), QKeySequence(QKeySequence::Copy),
                        [this] { copySelectedRows(*m_table); });
    m_exportAction = make(tr("Export CSV…"), QKeySequence(), [this] {
        exportCsvInteractively(this, *m_proxy, QStringLiteral("dead-letters"));
    });
    m_purgeSelectedAction = make(tr("Purge selected…"), QKeySequence(QKeySequence::Delete),
                                 [this] { purgeSelected(); });
    m_purgeAllAction = make(tr("Purge all…"), QKeySequence(), [this] { purgeAll(); });
    m_openTopicAction = make(tr("Open dead-letter topic…"), QKeySequence(), [this] {
        const QString text = QInputDialog::getText(
            this, tr("Open dead-letter topic"),
            tr("Kafka bootstrap servers and the run's dead-letter topic (see its summary), "
               "separated by a space:"),
            QLineEdit::Normal, lastKafkaTopic());
        const QStringList parts = text.split(QLatin1Char(' '), Qt::SkipEmptyParts);
        if (parts.size() == 2) openTopic(parts[0], parts[1]);
    });

    m_contextMenu = new QMenu(this);
    m_contextMenu->addAction(m_replaySelectedAction);
    m_contextMenu->addAction(m_copyAction);
    m_contextMenu->addAction(m_exportAction);
    m_contextMenu->addSeparator();
    m_contextMenu->addAction(m_purgeSelectedAction);
    m_contextMenu->addSeparator();
    m_contextMenu->addAction(m_openTopicAction);
}

// The last Kafka run's bootstrap servers and dead-letter topic, as its transport describes them
// ("bootstrap B …; dead letters T; …"), so opening its topic after the run is one keystroke.
QString DlqDock::lastKafkaTopic() const {
    const auto snapshot = m_controller->snapshot();
    if (!snapshot || snapshot->transport.kind != "kafka") return {};
    const QString detail = QString::fromStdString(snapshot->transport.detail);
    const auto bootstrap = QRegularExpression(QStringLiteral("bootstrap ([^;\\s]+)")).match(detail);
    const auto topic = QRegularExpression(QStringLiteral("dead letters (\\S+);")).match(detail);
    if (!bootstrap.hasMatch() || !topic.hasMatch()) return {};
    return bootstrap.captured(1) + QLatin1Char(' ') + topic.captured(1);
}

// A Kafka run's dead-letter topic, read in the background: shown until the next run.
void DlqDock::openTopic(const QString& bootstrap, const QString& topic) {
    m_count->setText(tr("reading %1 …").arg(topic));
    m_controller->openDeadLetterTopic(bootstrap, topic);
}

// Which stored run's dead letters are shown, and the others to choose from: the operator
// always knows whose entries they look at, and picks another run instead of the latest.
QWidget* DlqDock::buildRunRow() {
    m_runRow = new QWidget;
    auto* row = new QHBoxLayout(m_runRow);
    row->setContentsMargins(0, 0, 0, 0);
    m_runChoice = new QComboBox;
    m_runChoice->setObjectName(QStringLiteral("dlqRun"));
    m_runChoice->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_runChoice->setToolTip(
        tr("The stored run whose dead letters are listed, replayed and "
           "purged here"));
    row->addWidget(new QLabel(tr("Stored run")));
    row->addWidget(m_runChoice);
    row->addStretch(1);
    connect(m_runChoice, &QComboBox::activated, this, [this](int index) {
        m_controller->chooseStoredRun(m_runChoice->itemData(index).toLongLong());
    });
    m_runRow->hide();
    return m_runRow;
}

void DlqDock::showStoredRuns(const std::vector<store::RunRecord>& runs) {
    const QSignalBlocker quiet(m_runChoice);
    m_runChoice->clear();
    for (const store::RunRecord& run : runs)
        m_runChoice->addItem(
            tr("run %1 · %2 · %3 · %4 pending")
                .arg(run.id)
                .arg(QString::fromStdString(run.scenario), QString::fromStdString(run.startedAt))
                .arg(run.pendingDeadLetters),
            QVariant::fromValue<qlonglong>(run.id));
    m_runChoice->setCurrentIndex(
        m_runChoice->findData(QVariant::fromValue<qlonglong>(m_controller->storedDlqRun())));
}

QWidget* DlqDock::buildActionRow() {
    auto* bar = new QWidget;
    auto* rows = new QVBoxLayout(bar);
    rows->setContentsMargins(0, 0, 0, 0);
    // The running replay gets a row of its own, shown only while it runs.
    m_replayRow = new QWidget;
    auto* replayRow = new QHBoxLayout(m_replayRow);
    replayRow->setContentsMargins(0, 0, 0, 0);
    m_progress = new QProgressBar;
    m_progress->setObjectName(QStringLiteral("dlqReplayProgress"));
    m_cancel = new QPushButton(tr("Cancel"));
    m_cancel->setToolTip(tr("Stop sending; entries not yet accepted stay in the DLQ"));
    replayRow->addWidget(m_progress, 1);
    replayRow->addWidget(m_cancel);
    m_replayRow->hide();
    rows->addWidget(m_replayRow);
    auto* row = new QHBoxLayout;
    rows->addLayout(row);
    m_count = new QLabel;
    m_count->setObjectName(QStringLiteral("dlqCount"));
    // A topic's line is long: it wraps rather than widen the dock.
    m_count->setWordWrap(true);
    m_count->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    connect(m_cancel, &QPushButton::clicked, this, [this] {
        if (!m_job) return;
        m_job->cancel();
        m_cancel->setEnabled(false);
        m_cancel->setText(tr("Cancelling…"));
    });
    m_rate = new QDoubleSpinBox;
    m_rate->setObjectName(QStringLiteral("dlqReplayRate"));
    m_rate->setRange(0, 1e6);
    m_rate->setDecimals(1);
    m_rate->setValue(100);
    m_rate->setSuffix(tr(" per second"));
    m_rate->setSpecialValueText(tr("unlimited"));
    m_rate->setToolTip(tr("Replay rate limit; 0 = as fast as the workers take them"));

    row->addWidget(m_count, 1);
    row->addWidget(new QLabel(tr("Replay rate")));
    row->addWidget(m_rate);
    for (QAction* action :
         {m_replaySelectedAction, m_replayAllAction, m_purgeSelectedAction, m_purgeAllAction}) {
        auto* button = new QToolButton;
        button->setDefaultAction(action);
        button->setToolButtonStyle(Qt::ToolButtonTextOnly);
        row->addWidget(button);
    }
    return bar;
}

void DlqDock::onSnapshot(const std::shared_ptr<const Snapshot>& snapshot) {
    if (snapshot) m_latest = {snapshot->dlqSize, snapshot->deadLettered, snapshot->replayed};
    if (m_latest != m_loaded) m_dirty = true;
    scheduleRefresh();
    updateActions();
}

void DlqDock::scheduleRefresh() {
    // Hidden (closed, or a tab behind another): showEvent() catches up.
    if (!m_dirty || !isVisible() || m_refreshTimer.isActive()) return;
    const qint64 since = m_sinceLoad.isValid() ? m_sinceLoad.elapsed() : kMinReloadMs;
    if (since >= kMinReloadMs)
        refresh();
    else
        m_refreshTimer.start(static_cast<int>(kMinReloadMs - since));
}

void DlqDock::resizeEvent(QResizeEvent* event) {
    QDockWidget::resizeEvent(event);
    // Docked at the bottom the dock is wide and short: the detail goes beside the table there,
    // below it when floating or docked at a side.
    const Qt::Orientation wanted = width() > 2 * height() ? Qt::Horizontal : Qt::Vertical;
    if (m_split->orientation() != wanted) m_split->setOrientation(wanted);
}

void DlqDock::showEvent(QShowEvent* event) {
    QDockWidget::showEvent(event);
    scheduleRefresh();
}

void DlqDock::refresh() {
    m_refreshTimer.stop();
    const std::vector<core::RequestId> selected = selectedIds();
    const std::optional<core::RequestId> current = m_detailId;
    // The stamp is of a snapshot taken before the copy, so any change after the copy shows up as
    // a different stamp in a later snapshot and is reloaded then.
    m_loaded = m_latest;
    m_model->resetData(m_controller->listDlq());
    if (!m_columnsSized && m_model->rowCount() > 0) {
        m_columnsSized = true;
        for (int c = 0; c < DlqModel::LastError; ++c) m_table->resizeColumnToContents(c);
    }
    m_dirty = false;
    m_sinceLoad.restart();
    updateChoices();
    selectIds(selected, current);
    showDetail();
    updateCount();
    updateActions();
}

void DlqDock::updateChoices() {
    std::set<QString> reasons;
    std::set<QString> campaigns;
    for (const auto& letter : m_model->letters()) {
        reasons.insert(QString::fromStdString(letter.reason));
        campaigns.insert(QString::fromStdString(letter.campaignId));
    }
    if (const auto snapshot = m_controller->snapshot())
        for (const auto& c : snapshot->campaigns) campaigns.insert(QString::fromStdString(c.id));
    m_filterBar->setChoices(reasons, campaigns);
}

std::vector<core::RequestId> DlqDock::selectedIds() const {
    std::vector<core::RequestId> ids;
    for (const QModelIndex& index : m_table->selectionModel()->selectedRows())
        if (const auto* letter = m_model->letterAt(m_proxy->mapToSource(index).row()))
            ids.push_back(letter->requestId);
    std::sort(ids.begin(), ids.end());
    return ids;
}

void DlqDock::selectIds(const std::vector<core::RequestId>& ids,
                        std::optional<core::RequestId> current) {
    auto proxyIndex = [this](core::RequestId id) {
        const int row = m_model->rowOf(id);
        return row < 0 ? QModelIndex() : m_proxy->mapFromSource(m_model->index(row, 0));
    };
    QItemSelection selection;
    for (const core::RequestId id : ids)
        if (const QModelIndex index = proxyIndex(id); index.isValid())
            selection.select(index, index);
    auto* selectionModel = m_table->selectionModel();
    if (current)
        if (const QModelIndex index = proxyIndex(*current); index.isValid())
            selectionModel->setCurrentIndex(index, QItemSelectionModel::NoUpdate);
    selectionModel->select(selection,
                           QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
}

void DlqDock::showDetail() {
    const QModelIndex current = m_table->selectionModel()->currentIndex();
    const dlq::DeadLetter* letter =
        current.isValid() ? m_model->letterAt(m_proxy->mapToSource(current).row()) : nullptr;
    m_detailId = letter ? std::optional(letter->requestId) : std::nullopt;
    m_detailPane->showLetter(letter);
}

void DlqDock::updateCount() {
    if (m_controller->deadLettersLoading() && m_model->rowCount() == 0) {
        m_count->setText(tr("loading…"));
        m_exportAction->setEnabled(false);
        return;
    }
    QString from;
    if (m_controller->showsStoredDlq() && !m_controller->storedDlqRunText().isEmpty())
        from = tr(" · from the store: %1").arg(m_controller->storedDlqRunText());
    m_count->setText(tr("%1 of %2 shown").arg(m_proxy->rowCount()).arg(m_model->rowCount()) + from +
                     topicText() +
                     (m_controller->deadLettersLoading() ? tr(" · loading…") : QString()));
    m_exportAction->setEnabled(m_proxy->rowCount() > 0);
}

// Where the shown entries come from, when that is a dead-letter topic.
QString DlqDock::topicText() const {
    if (!m_controller->showsTopicDlq()) return {};
    const auto& status = m_controller->topicStatus();
    QString text = tr(" · topic %1: %2 pending of %3")
                       .arg(m_controller->topicShown())
                       .arg(status.pending)
                       .arg(status.entries);
    if (!status.notReplayable.isEmpty())
        return text + tr(" (read-only: %1; replay from the store)").arg(status.notReplayable);
    return text +
           tr(" · replay decides against the run's %1 stock, once per user").arg(status.guard);
}

void DlqDock::updateActions() {
    const auto snapshot = m_controller->snapshot();
    const bool topic = m_controller->showsTopicDlq();
    const bool topicReplayable = topic && m_controller->topicStatus().notReplayable.isEmpty();
    const bool run =
        (((snapshot && snapshot->status != RunStatus::Idle) || m_controller->showsStoredDlq()) &&
         !topic) ||
        topicReplayable;
    // The model's copy is the freshest answer, unless a change is still waiting to be loaded.
    const bool any = m_model->rowCount() > 0 || (m_dirty && snapshot && snapshot->dlqSize > 0);
    const bool selected = m_table->selectionModel()->hasSelection();
    m_replaySelectedAction->setEnabled(run && !m_job && selected);
    m_replayAllAction->setEnabled(run && !m_job && any);
    m_purgeSelectedAction->setEnabled(run && !topic && selected);  // Kafka keeps a topic's
    m_purgeAllAction->setEnabled(run && !topic && any);
    m_copyAction->setEnabled(selected);
}

void DlqDock::showContextMenu(const QPoint& pos) {
    m_contextMenu->popup(m_table->viewport()->mapToGlobal(pos));
}

double DlqDock::rateLimit() const {
    return m_rate->value();
}

void DlqDock::setRateLimit(double perSecond) {
    m_rate->setValue(perSecond);
}

void DlqDock::setConfirmPurge(std::function<bool(int)> confirm) {
    m_confirmPurge = std::move(confirm);
}

std::shared_ptr<ReplayJob> DlqDock::replaySelected() {
    const auto ids = selectedIds();
    return ids.empty() ? nullptr : startReplay(ids);
}

std::shared_ptr<ReplayJob> DlqDock::replayAll() {
    // An empty list asks the engine for its whole DLQ, not just what this copy holds.
    return startReplay({});
}

std::shared_ptr<ReplayJob> DlqDock::startReplay(const std::vector<core::RequestId>& ids) {
    if (m_job) return nullptr;  // one at a time: the progress bar shows one job
    auto job = m_controller->replayDlq(ids, rateLimit());
    if (!job) return nullptr;
    m_job = job;
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    m_progress->setFormat(tr("Replay starting…"));
    m_cancel->setText(tr("Cancel"));
    m_cancel->setEnabled(true);
    m_replayRow->show();
    m_replayPoll.start();
    updateActions();
    return job;
}

void DlqDock::pollReplay() {
    if (!m_job) {
        m_replayPoll.stop();
        return;
    }
    const ReplayJob::Progress p = m_job->progress();
    m_progress->setRange(0, static_cast<int>(std::clamp<std::int64_t>(p.total, 1, INT_MAX)));
    m_progress->setValue(static_cast<int>(std::min<std::int64_t>(p.accepted + p.skipped, INT_MAX)));
    m_progress->setFormat(tr("Replay: %1 of %2 accepted").arg(p.accepted).arg(p.total));
    if (!p.finished) return;
    const QString outcome = EngineController::replayOutcomeText(*m_job);
    endReplay(
        (p.cancelled
             ? tr("Replay cancelled after %1 of %2").arg(p.accepted).arg(p.total)
             : tr("Replay finished: %1 accepted, %2 skipped").arg(p.accepted).arg(p.skipped)) +
        (outcome.isEmpty() ? QString() : tr(": %1").arg(outcome)));
}

void DlqDock::endReplay(const QString& logText) {
    m_controller->logEngine(logText);
    m_job.reset();
    m_replayPoll.stop();
    m_replayRow->hide();
    // A stored DLQ or a topic changes no snapshot: read it again (a topic's marks say which
    // entries are done) and show the replay's effect when it arrives.
    if (m_controller->showsTopicDlq() || m_controller->showsStoredDlq())
        m_controller->rereadDeadLetters();
    else
        refresh();
    updateActions();
}

std::size_t DlqDock::purgeSelected() {
    const auto ids = selectedIds();
    return ids.empty() ? 0 : purge(ids, static_cast<int>(ids.size()));
}

std::size_t DlqDock::purgeAll() {
    const auto snapshot = m_controller->snapshot();
    const std::int64_t known =
        std::max<std::int64_t>(m_model->rowCount(), snapshot ? snapshot->dlqSize : 0);
    return purge({}, static_cast<int>(std::min<std::int64_t>(known, INT_MAX)));
}

std::size_t DlqDock::purge(const std::vector<core::RequestId>& ids, int count) {
    if (count <= 0 || !m_confirmPurge || !m_confirmPurge(count)) return 0;
    const std::size_t purged = m_controller->purgeDlq(ids);
    refresh();  // an operator's action: show its effect now, not at the next snapshot
    return purged;
}

}  // namespace stampede::ui
