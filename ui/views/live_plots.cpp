#include "views/live_plots.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

#include "export_actions.h"
#include "models/state_flow_model.h"
#include "views/state_flow_view.h"

namespace stampede::ui {
namespace {

using core::RequestState;

QString trimmed(double v, int significant) {
    return QString::number(v, 'g', significant);
}

QString formatSi(double v) {
    if (std::abs(v) < 1000) return trimmed(v, 4);
    if (std::abs(v) < 1e6) return trimmed(v / 1e3, 3) + QLatin1Char('k');
    return trimmed(v / 1e6, 3) + QLatin1Char('M');
}

class SiTicker : public QCPAxisTicker {
protected:
    QString getTickLabel(double tick, const QLocale&, QChar, int) override {
        return formatSi(tick);
    }
};

QFont scaled(const QFont& base, double factor, bool bold = false) {
    QFont f = base;
    if (base.pointSizeF() > 0) f.setPointSizeF(base.pointSizeF() * factor);
    f.setBold(bold);
    return f;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
QSize ElidedLabel::minimumSizeHint() const {
    return {fontMetrics().averageCharWidth() * 4, QLabel::minimumSizeHint().height()};
}

void ElidedLabel::paintEvent(QPaintEvent*) {
    QPainter p(this);
    const QRect r = contentsRect();
    p.setPen(palette().color(foregroundRole()));
    p.drawText(r, static_cast<int>(alignment()) | Qt::TextSingleLine,
               fontMetrics().elidedText(text(), Qt::ElideRight, r.width()));
}

// ---------------------------------------------------------------------------------------------
LivePlot::LivePlot(const QString& title, const QString& exportName, QWidget* parent)
    : QWidget(parent), m_exportName(exportName) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(10, 6, 8, 6);
    layout->setSpacing(2);
    layout->addLayout(buildHeader(title));

    m_plot = new QCustomPlot(this);
    m_plot->setMinimumSize(260, 150);
    layout->addWidget(m_plot, 1);
    styleAxes();
    placeLegendAbove();
    createEmptyNote();
    connectInteractions();

    m_replot.setSingleShot(true);
    m_replot.setInterval(40);
    connect(&m_replot, &QTimer::timeout, this, &LivePlot::replotNow);
    applyPalette();
}

bool LivePlot::ended(const Snapshot& s) {
    return s.status == RunStatus::Completed || s.status == RunStatus::Stopped;
}

QHBoxLayout* LivePlot::buildHeader(const QString& title) {
    m_header = new QHBoxLayout;
    auto* titleLabel = new QLabel(title, this);
    titleLabel->setFont(scaled(font(), 1.0, true));
    m_readout = new ElidedLabel(this);
    m_readout->setToolTip(tr("The newest values; the chart's context menu exports it as PNG"));
    m_header->addWidget(titleLabel);
    m_header->addSpacing(10);
    m_header->addWidget(m_readout, 1);
    return m_header;
}

void LivePlot::styleAxes() {
    m_plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    m_plot->axisRect()->setRangeDrag(Qt::Horizontal);
    m_plot->axisRect()->setRangeZoom(Qt::Horizontal);
    m_plot->setNoAntialiasingOnDrag(true);
    m_plot->xAxis->setLabel(tr("run time (s)"));
    m_plot->xAxis->setTickLabelFont(scaled(font(), 0.9));
    m_plot->yAxis->setTickLabelFont(scaled(font(), 0.9));
    m_plot->xAxis->setLabelFont(scaled(font(), 0.9));
    m_plot->yAxis->setLabelFont(scaled(font(), 0.9));
}

void LivePlot::placeLegendAbove() {
    // The legend goes in a row of its own above the chart, right-aligned: inside the axis rect
    // it would hide the newest points exactly where a live chart draws them.
    QCPLegend* legend = m_plot->legend;
    legend->setVisible(true);
    legend->setFont(scaled(font(), 0.9));
    legend->setIconSize(16, 8);
    legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
    legend->setColumnSpacing(14);
    legend->setMargins(QMargins(2, 0, 2, 0));
    m_plot->axisRect()->insetLayout()->take(legend);
    m_plot->plotLayout()->insertRow(0);
    auto* legendRow = new QCPLayoutGrid;
    m_plot->plotLayout()->addElement(0, 0, legendRow);
    legendRow->addElement(0, 0, new QCPLayoutElement(m_plot));  // a spacer
    legendRow->addElement(0, 1, legend);
    legendRow->setColumnStretchFactor(0, 1000);
    legendRow->setColumnStretchFactor(1, 0.001);
    m_plot->plotLayout()->setRowStretchFactor(0, 0.001);
    m_plot->plotLayout()->setRowSpacing(0);
}

void LivePlot::createEmptyNote() {
    m_emptyNote = new QCPItemText(m_plot);
    m_emptyNote->position->setType(QCPItemPosition::ptAxisRectRatio);
    m_emptyNote->position->setCoords(0.5, 0.5);
    m_emptyNote->setText(tr("No data yet: start a run"));
    m_emptyNote->setFont(scaled(font(), 1.0));
}

void LivePlot::connectInteractions() {
    // Dragging or zooming the time axis stops following the run; a double click resumes.
    connect(m_plot, &QCustomPlot::mouseMove, this, [this](QMouseEvent* e) {
        if (e->buttons() & Qt::LeftButton) m_follow = false;
    });
    connect(m_plot, &QCustomPlot::mouseWheel, this, [this] { m_follow = false; });
    connect(m_plot, &QCustomPlot::mouseDoubleClick, this, [this] {
        m_follow = true;
        scheduleReplot();
    });
    m_plot->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_plot, &QWidget::customContextMenuRequested, this, &LivePlot::showContextMenu);
}

void LivePlot::setVisibleSpan(double seconds) {
    m_span = std::clamp(seconds, 1.0, kKeepS);
    scheduleReplot();
}

int LivePlot::pointCount() const {
    int n = 0;
    for (int i = 0; i < m_plot->graphCount(); ++i) n += m_plot->graph(i)->dataCount();
    return n;
}

QCPGraph* LivePlot::addSeries(const QString& name, const QColor& colour) {
    QCPGraph* graph = m_plot->addGraph();
    graph->setName(name);
    graph->setPen(QPen(colour, 1.6));
    graph->setAdaptiveSampling(true);
    graph->setLineStyle(QCPGraph::lsLine);
    return graph;
}

bool LivePlot::setNow(double seconds) {
    if (seconds == m_now) return false;
    m_now = seconds;
    for (int i = 0; i < m_plot->graphCount(); ++i)
        m_plot->graph(i)->data()->removeBefore(seconds - kKeepS);
    return true;
}

void LivePlot::clearData() {
    for (int i = 0; i < m_plot->graphCount(); ++i) m_plot->graph(i)->data()->clear();
    m_now = 0;
    m_follow = true;
    m_readout->clear();
    setEmptyText(tr("No data yet: start a run"));
    scheduleReplot();
}

void LivePlot::setEmptyText(const QString& text) {
    if (m_emptyNote->text() == text) return;
    m_emptyNote->setText(text);
    scheduleReplot();
}

void LivePlot::scheduleReplot() {
    if (!m_replot.isActive()) m_replot.start();
}

void LivePlot::replotNow() {
    bool any = false;
    for (int i = 0; i < m_plot->graphCount(); ++i) {
        QCPGraph* g = m_plot->graph(i);
        any = any || g->dataCount() > 0;
        // Few points (a short asap run) would be invisible as a line: mark them.
        g->setScatterStyle(g->dataCount() < 16 ? QCPScatterStyle(QCPScatterStyle::ssDisc, 5)
                                               : QCPScatterStyle(QCPScatterStyle::ssNone));
    }
    m_emptyNote->setVisible(!any);
    if (m_follow) {
        const double lo = std::max(0.0, m_now - m_span);
        const double hi = std::max(m_now, lo + 0.5);
        m_plot->xAxis->setRange(lo, hi + (hi - lo) * 0.01);
    }
    rescaleValueAxis();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void LivePlot::applyPalette() {
    const QPalette pal = palette();
    const QColor base = pal.color(QPalette::Base);
    const QColor text = pal.color(QPalette::Text);
    const QColor axis = blend(base, text, 0.45);
    const QColor label = blend(base, text, 0.78);
    m_plot->setBackground(base);
    m_plot->axisRect()->setBackground(base);
    for (QCPAxis* a : {m_plot->xAxis, m_plot->yAxis}) {
        a->setBasePen(QPen(axis, 1));
        a->setTickPen(QPen(axis, 1));
        a->setSubTickPen(QPen(axis, 1));
        a->setTickLabelColor(label);
        a->setLabelColor(label);
        a->grid()->setPen(QPen(blend(base, text, 0.11), 1));
        a->grid()->setZeroLinePen(Qt::NoPen);
        a->grid()->setSubGridVisible(false);
    }
    m_plot->legend->setBrush(Qt::NoBrush);
    m_plot->legend->setBorderPen(Qt::NoPen);
    m_plot->legend->setTextColor(label);
    m_emptyNote->setColor(blend(base, text, 0.5));
}

void LivePlot::changeEvent(QEvent* event) {
    if (event->type() == QEvent::PaletteChange) {
        applyPalette();
        applySeriesColours();
        scheduleReplot();
    }
    QWidget::changeEvent(event);
}

void LivePlot::paintEvent(QPaintEvent*) {
    paintCard(*this);
}

void LivePlot::showContextMenu(const QPoint& at) {
    QMenu menu(this);
    menu.addAction(tr("Export PNG…"), this,
                   [this] { exportPngInteractively(window(), *m_plot, m_exportName); });
    QAction* follow = menu.addAction(tr("Follow the run"), this, [this](bool on) {
        m_follow = on;
        scheduleReplot();
    });
    follow->setCheckable(true);
    follow->setChecked(m_follow);
    menu.exec(m_plot->mapToGlobal(at));
}

// ---------------------------------------------------------------------------------------------
ThroughputPlot::ThroughputPlot(QWidget* parent)
    : LivePlot(tr("Throughput"), QStringLiteral("throughput"), parent) {
    m_arrivals = addSeries(tr("arrivals /s"), QColor());
    m_completed = addSeries(tr("completed /s"), QColor());
    plot()->yAxis->setLabel(tr("requests / s"));
    plot()->yAxis->setTicker(QSharedPointer<SiTicker>::create());
    applySeriesColours();
}

void ThroughputPlot::applySeriesColours() {
    const QPalette pal = palette();
    const QColor blue = StateFlowView::stateColour(RequestState::Queued, pal);
    QColor fill = blue;
    fill.setAlpha(36);
    m_arrivals->setPen(QPen(blue, 1.6));
    m_arrivals->setBrush(fill);
    m_completed->setPen(QPen(StateFlowView::stateColour(RequestState::Succeeded, pal), 1.8));
}

void ThroughputPlot::append(const Snapshot& s) {
    const auto& points = s.throughput;
    auto it = std::upper_bound(points.begin(), points.end(), m_lastAtS,
                               [](double t, const ThroughputPoint& p) { return t < p.atS; });
    bool added = false;
    for (; it != points.end(); ++it) {
        m_lastAtS = it->atS;
        // The engine keeps sampling after the end; trailing zeros would only push the run aside.
        if (ended(s) && it->atS > s.wallS + 0.15 && it->arrivalsPerS == 0 && it->completedPerS == 0)
            continue;
        m_arrivals->addData(it->atS, it->arrivalsPerS);
        m_completed->addData(it->atS, it->completedPerS);
        m_peak = std::max(m_peak, it->completedPerS);
        m_lastDataAt = it->atS;
        added = true;
    }
    if (m_arrivals->dataCount() > 0) {
        if (ended(s))
            readout()->setText(tr("run mean %1 · peak %2 done")
                                   .arg(formatRate(s.throughputRps), formatRate(m_peak)));
        else
            readout()->setText(tr("now %1 in · %2 done · peak %3")
                                   .arg(formatRate(points.back().arrivalsPerS),
                                        formatRate(points.back().completedPerS),
                                        formatRate(m_peak)));
    } else if (ended(s) && s.finals > 0) {
        // Faster than the engine's first 100 ms sample: say so rather than "no data".
        setEmptyText(tr("The run took %1 s, less than one throughput sample · mean %2")
                         .arg(s.wallS, 0, 'f', 2)
                         .arg(formatRate(s.throughputRps)));
    }
    // A finished run publishes the same picture 30 times a second: that costs no replot.
    if (setNow(ended(s) ? std::max(s.wallS, m_lastDataAt) : s.elapsedS) || added) scheduleReplot();
}

void ThroughputPlot::clear() {
    m_lastAtS = -1;
    m_peak = 0;
    m_lastDataAt = 0;
    clearData();
}

void ThroughputPlot::rescaleValueAxis() {
    const QCPRange keys = plot()->xAxis->range();
    double top = 0;
    for (QCPGraph* g : {m_arrivals, m_completed}) {
        bool found = false;
        const QCPRange r = g->getValueRange(found, QCP::sdBoth, keys);
        if (found) top = std::max(top, r.upper);
    }
    plot()->yAxis->setRange(0, top > 0 ? top * 1.15 : 10);
}

}  // namespace stampede::ui
