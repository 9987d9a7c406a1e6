#include "docks/dashboard_dock.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMenu>
#include <QPainter>
#include <QSplitter>
#include <QStyledItemDelegate>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

#include "engine_controller.h"
#include "export_actions.h"
#include "live_systems_text.h"
#include "models/state_flow_model.h"
#include "stampede/report/summary_json.h"
#include "views/latency_plot.h"
#include "views/live_plots.h"
#include "views/state_flow_view.h"
#include "views/stock_panel.h"

namespace stampede::ui {
namespace {

using core::RequestState;

QString qs(std::string_view text) {
    return QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size()));
}

bool isLive(RunStatus s) {
    return s == RunStatus::Running || s == RunStatus::Paused || s == RunStatus::Draining;
}

bool isOver(RunStatus s) {
    return s == RunStatus::Completed || s == RunStatus::Stopped;
}

// A rounded panel on the window background, like the flow view and the charts.
class Card : public QWidget {
public:
    using QWidget::QWidget;

protected:
    void paintEvent(QPaintEvent*) override { paintCard(*this); }
};

// Counts grouped ("12,345") with their share, over a bar of that share: the reasons that matter
// stand out without reading a number.
class ShareBarDelegate : public QStyledItemDelegate {
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter* painter, const QStyleOptionViewItem& option,
               const QModelIndex& index) const override {
        const auto* model = qobject_cast<const RejectionModel*>(index.model());
        if (model && index.column() == RejectionModel::CountColumn && model->total() > 0) {
            const double share = index.data().toDouble() / double(model->total());
            QRectF bar = QRectF(option.rect).adjusted(3, 4, -3, -4);
            bar.setWidth(bar.width() * share);
            QColor colour = StateFlowView::stateColour(RequestState::Rejected, option.palette);
            colour.setAlpha(55);
            painter->fillRect(bar, colour);
        }
        QStyledItemDelegate::paint(painter, option, index);
    }

protected:
    void initStyleOption(QStyleOptionViewItem* option, const QModelIndex& index) const override {
        QStyledItemDelegate::initStyleOption(option, index);
        const auto* model = qobject_cast<const RejectionModel*>(index.model());
        if (!model || index.column() != RejectionModel::CountColumn) return;
        option->text = model->shareText(index.row());
    }
};

}  // namespace

DashboardDock::DashboardDock(EngineController* controller, QWidget* parent)
    : QDockWidget(tr("Dashboard"), parent) {
    setObjectName(QStringLiteral("dashboardDock"));
    m_flowModel = new StateFlowModel(this);
    m_rejectionModel = new RejectionModel(this);

    auto* body = new QWidget(this);
    auto* layout = new QVBoxLayout(body);
    layout->setContentsMargins(6, 4, 6, 6);
    layout->setSpacing(4);
    // The run's line: the status never shrinks; configuration and progress elide rather than
    // widen the dock, since their text changes 30 times a second.
    auto* statusRow = new QHBoxLayout;
    m_status = new QLabel(body);
    m_status->setTextFormat(Qt::RichText);
    m_config = new ElidedLabel(body);
    m_config->setForegroundRole(QPalette::PlaceholderText);
    m_progress = new ElidedLabel(body);
    m_progress->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    statusRow->setContentsMargins(4, 0, 4, 0);
    statusRow->setSpacing(12);
    statusRow->addWidget(m_status);
    statusRow->addWidget(m_config, 1);
    statusRow->addWidget(m_progress, 1);
    layout->addLayout(statusRow);
    // A refused start happens where the operator looks: above the last run's numbers, which
    // stay (they are still that run's), with the reason and what to configure.
    m_refusal = new QLabel(body);
    m_refusal->setObjectName(QStringLiteral("dashboardRefusal"));
    m_refusal->setWordWrap(true);
    m_refusal->setTextFormat(Qt::PlainText);
    m_refusal->setStyleSheet(QStringLiteral(
        "QLabel { color: white; background: #c62828; padding: 4px 8px; font-weight: bold; }"));
    m_refusal->hide();
    layout->addWidget(m_refusal);
    // The run's failure and warnings, in the CLI summary's words: a run that failed on its live
    // system must not read as a plain COMPLETED beside numbers that look right.
    m_alerts = new QLabel(body);
    m_alerts->setObjectName(QStringLiteral("dashboardAlerts"));
    m_alerts->setWordWrap(true);
    m_alerts->setTextFormat(Qt::PlainText);
    m_alerts->hide();
    layout->addWidget(m_alerts);

    m_flowView = new StateFlowView;
    m_flowView->setModel(m_flowModel);
    m_stock = new StockPanel;
    auto* right = new QWidget;
    auto* rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    rightLayout->setSpacing(6);
    rightLayout->addWidget(m_stock);
    rightLayout->addWidget(buildRejectionCard(), 1);

    auto* top = new QSplitter(Qt::Horizontal);
    top->addWidget(m_flowView);
    top->addWidget(right);
    top->setStretchFactor(0, 3);
    top->setStretchFactor(1, 2);
    top->setChildrenCollapsible(false);

    m_throughput = new ThroughputPlot;
    m_latency = new LatencyPlot;
    auto* bottom = new QSplitter(Qt::Horizontal);
    bottom->addWidget(m_throughput);
    bottom->addWidget(m_latency);
    bottom->setChildrenCollapsible(false);

    m_split = new QSplitter(Qt::Vertical);
    m_split->addWidget(top);
    m_split->addWidget(bottom);
    m_split->setStretchFactor(0, 4);
    m_split->setStretchFactor(1, 5);
    m_split->setSizes({420, 480});  // the charts get the larger share
    m_split->setChildrenCollapsible(false);
    layout->addWidget(m_split, 1);
    setWidget(body);

    // The last interval's rates of a finished run (or of a replay after it) would otherwise stay
    // on the arrows as if requests still flowed.
    m_settle = new QTimer(this);
    m_settle->setSingleShot(true);
    m_settle->setInterval(1000);
    connect(m_settle, &QTimer::timeout, m_flowModel, &StateFlowModel::settle);

    m_controller = controller;
    if (controller) {
        connect(controller, &EngineController::deadLettersReplaced, this,
                [this] { m_stock->showStoredDlq(m_controller->storedPending()); });
        connect(controller, &EngineController::snapshotUpdated, this,
                &DashboardDock::applySnapshot);
        connect(controller, &EngineController::runRefused, this, [this](const QString& error) {
            m_refusal->setText(tr("Run not started: %1").arg(error));
            m_refusal->show();
        });
        connect(controller, &EngineController::runStarted, m_refusal, &QWidget::hide);
        applySnapshot(controller->snapshot());
    }
}

QWidget* DashboardDock::throughputPlot() const {
    return m_throughput;
}

QWidget* DashboardDock::latencyPlot() const {
    return m_latency;
}

QWidget* DashboardDock::buildRejectionCard() {
    auto* card = new Card;
    auto* layout = new QVBoxLayout(card);
    layout->setContentsMargins(10, 8, 10, 8);
    layout->setSpacing(4);
    auto* title = new QLabel(tr("Rejected by reason"), card);
    QFont bold = title->font();
    bold.setBold(true);
    title->setFont(bold);
    layout->addWidget(title);

    m_rejectionView = new QTableView(card);
    m_rejectionView->setModel(m_rejectionModel);
    m_rejectionView->setItemDelegate(new ShareBarDelegate(m_rejectionView));
    m_rejectionView->verticalHeader()->hide();
    m_rejectionView->setShowGrid(false);
    m_rejectionView->setFrameShape(QFrame::NoFrame);
    m_rejectionView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_rejectionView->setFocusPolicy(Qt::NoFocus);
    m_rejectionView->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_rejectionView->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    QHeaderView* header = m_rejectionView->horizontalHeader();
    header->setSectionResizeMode(RejectionModel::ReasonColumn, QHeaderView::ResizeToContents);
    header->setSectionResizeMode(RejectionModel::CountColumn, QHeaderView::Stretch);
    header->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    m_rejectionView->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    const int rowHeight = m_rejectionView->verticalHeader()->defaultSectionSize();
    // Six rows: all of them, always, without a scroll bar.
    m_rejectionView->setFixedHeight(header->sizeHint().height() +
                                    rowHeight * m_rejectionModel->rowCount() + 2);
    m_rejectionView->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_rejectionView->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_rejectionView, &QWidget::customContextMenuRequested, this, [this](const QPoint& at) {
        QMenu menu(this);
        menu.addAction(tr("Copy rows"), this, [this] { copySelectedRows(*m_rejectionView); });
        menu.addAction(tr("Export CSV…"), this, [this] {
            exportCsvInteractively(this, *m_rejectionModel, QStringLiteral("rejections"));
        });
        menu.addAction(tr("Export PNG…"), this, [this] {
            exportPngInteractively(this, *m_rejectionView, QStringLiteral("rejections"));
        });
        menu.exec(m_rejectionView->viewport()->mapToGlobal(at));
    });
    layout->addWidget(m_rejectionView);
    layout->addStretch(1);
    return card;
}

bool DashboardDock::drawing() const {
    return isVisible() && !window()->isMinimized();
}

void DashboardDock::applySnapshot(const std::shared_ptr<const Snapshot>& snapshot) {
    if (!snapshot) return;
    const bool newRun =
        m_last && (snapshot->version < m_last->version || snapshot->elapsedS < m_last->elapsedS ||
                   (isOver(m_last->status) && isLive(snapshot->status)));
    m_flowModel->update(*snapshot);
    if (isOver(snapshot->status))
        m_settle->start();
    else
        m_settle->stop();
    m_rejectionModel->update(*snapshot);
    updateAlerts(*snapshot);
    ++m_updatesApplied;
    if (newRun) {
        m_throughput->clear();
        m_latency->clear();
    }
    m_last = snapshot;
    if (!drawing()) {
        m_viewsBehind = true;  // Wireshark's rule: no drawing for nobody
        return;
    }
    feedViews();
}

void DashboardDock::feedViews() {
    m_viewsBehind = false;
    if (!m_last) return;
    m_stock->showSnapshot(*m_last);
    if (m_controller) m_stock->showStoredDlq(m_controller->storedPending());
    updateStatusLine(*m_last);
    m_throughput->append(*m_last);
    m_latency->append(m_last);
}

void DashboardDock::showEvent(QShowEvent* event) {
    QDockWidget::showEvent(event);
    if (m_viewsBehind)
        QTimer::singleShot(0, this, [this] {
            if (m_viewsBehind && drawing()) feedViews();
        });
}

// Live: what is already wrong (failure, over-issue, a lost stock) and the backend's caution;
// over: every warning of the summary but the DLQ's, which the status bar and the DLQ dock carry.
void DashboardDock::updateAlerts(const Snapshot& s) {
    QStringList lines;
    bool severe = !s.failure.empty();
    if (!s.failure.empty()) lines << tr("Run failed: %1").arg(QString::fromStdString(s.failure));
    if (s.status != RunStatus::Idle) {
        for (const std::string& w : report::summaryWarnings(s)) {
            const QString line = QString::fromStdString(w);
            if (line.startsWith(QLatin1String("DLQ:"))) continue;
            const bool alarm = line.startsWith(QLatin1String("OVER-ISSUED")) ||
                               line.startsWith(QLatin1String("STOCK LOST"));
            if (isLive(s.status) && !alarm && !line.startsWith(QLatin1String("BACKEND"))) continue;
            severe = severe || alarm;
            lines << line;
        }
    }
    const QString text = lines.join(QLatin1Char('\n'));
    if (text == m_alerts->text() && m_alerts->isVisible() == !text.isEmpty()) return;
    m_alerts->setText(text);
    m_alerts->setStyleSheet(severe ? QStringLiteral("QLabel { color: white; background: #c62828; "
                                                    "padding: 4px 8px; font-weight: bold; }")
                                   : QStringLiteral("QLabel { color: black; background: #ffb300; "
                                                    "padding: 4px 8px; }"));
    m_alerts->setVisible(!text.isEmpty());
}

void DashboardDock::updateStatusLine(const Snapshot& s) {
    const QPalette pal = palette();
    QColor dot = blend(pal.color(QPalette::Window), pal.color(QPalette::WindowText), 0.4);
    if (isLive(s.status)) dot = StateFlowView::stateColour(RequestState::Queued, pal);
    if (s.status == RunStatus::Completed)
        dot = StateFlowView::stateColour(RequestState::Succeeded, pal);
    if (s.status == RunStatus::Paused || s.status == RunStatus::Stopped || !s.failure.empty())
        dot = StateFlowView::stateColour(RequestState::Rejected, pal);
    const QString status = qs(toString(s.status)).toUpper().toHtmlEscaped();
    if (s.status == RunStatus::Idle) {
        m_status->setText(tr("<span style=\"color:%1\">●</span> <b>%2</b> &nbsp; no run yet")
                              .arg(dot.name(), status));
        m_config->clear();
        m_progress->clear();
        return;
    }
    m_status->setText(
        QStringLiteral("<span style=\"color:%1\">●</span> <b>%2</b> &nbsp; <b>%3</b>")
            .arg(dot.name(), status, QString::fromStdString(s.run.scenarioName).toHtmlEscaped()));
    m_config->setText(tr("%1 · %2 · %3 · %4/%5 workers consuming · %6 partitions · seed %7")
                          .arg(qs(core::toString(s.run.pipeline)),
                               QString::fromStdString(s.run.guard),
                               qs(core::toString(s.run.transport)))
                          .arg(s.run.consumers)
                          .arg(s.run.workers)
                          .arg(s.run.partitions)
                          .arg(s.run.seed));
    m_progress->setText(tr("%1 s · %2/%3 arrivals fed · %4 admitted · %5 duplicates · depth %6")
                            .arg(s.wallS, 0, 'f', 2)
                            .arg(formatCount(s.arrivalsFed), formatCount(s.arrivalsTotal),
                                 formatCount(s.admitted), formatCount(s.duplicates),
                                 formatCount(s.queueDepth)));
    // The live systems in the tooltip: the status bar carries their one-line summary.
    const QString live = liveSystemsLine(s);
    m_progress->setToolTip(
        live.isEmpty() ? QString()
                       : live + QStringLiteral("\n") + QString::fromStdString(s.transport.detail) +
                             QStringLiteral("\n") + QString::fromStdString(s.backend.detail));
}

}  // namespace stampede::ui
