#include "views/latency_plot.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>

#include <algorithm>
#include <cmath>
#include <vector>

#include "models/state_flow_model.h"
#include "views/state_flow_view.h"

namespace stampede::ui {
namespace {

using core::RequestState;

constexpr double kFloorMs = 0.001;  // 1 µs: keeps a log axis defined for zero latencies
constexpr std::array<double, 3> kQuantiles = {0.50, 0.95, 0.99};

QString trimmed(double v, int significant) {
    return QString::number(v, 'g', significant);
}

// "750 µs", "12.5 ms", "1.2 s": one unit per label reads faster than 0.00075 on an ms axis.
QString formatMs(double ms) {
    if (ms <= 0) return QStringLiteral("0");
    if (ms < 1) return trimmed(ms * 1000, 3) + QStringLiteral(" µs");
    if (ms < 1000) return trimmed(ms, 3) + QStringLiteral(" ms");
    return trimmed(ms / 1000, 3) + QStringLiteral(" s");
}

class DurationTicker : public QCPAxisTicker {
protected:
    QString getTickLabel(double tick, const QLocale&, QChar, int) override {
        return formatMs(tick);
    }
};

// Decades alone leave a log axis with two labels over a typical latency range: add 1-2-5 (or
// 1-3) steps when the axis has the pixels for them, so it reads like a ruler without crowding.
class LogDurationTicker : public QCPAxisTickerLog {
public:
    explicit LogDurationTicker(const QCPAxis* axis) : m_axis(axis) {}

protected:
    QVector<double> createTickVector(double tickStep, const QCPRange& range) override {
        const double decades = range.lower > 0 ? std::log10(range.upper / range.lower) : 0;
        const double pixelsPerDecade = decades > 0 ? m_axis->axisRect()->height() / decades : 0;
        m_steps = pixelsPerDecade >= 120  ? std::vector<double>{1, 2, 5}
                  : pixelsPerDecade >= 70 ? std::vector<double>{1, 3}
                                          : std::vector<double>{};
        if (m_steps.empty()) return QCPAxisTickerLog::createTickVector(tickStep, range);
        QVector<double> ticks;
        for (double e = std::floor(std::log10(range.lower));
             e <= std::ceil(std::log10(range.upper)); ++e)
            for (const double m : m_steps) ticks.push_back(m * std::pow(10.0, e));
        return ticks;
    }
    int getSubTickCount(double tickStep) override {
        return m_steps.empty() ? QCPAxisTickerLog::getSubTickCount(tickStep) : 0;
    }
    QString getTickLabel(double tick, const QLocale&, QChar, int) override {
        return formatMs(tick);
    }

private:
    const QCPAxis* m_axis;
    std::vector<double> m_steps;  // the last range's steps within a decade; empty: decades only
};

}  // namespace

LatencyPlot::LatencyPlot(QWidget* parent)
    : LivePlot(tr("Latency"), QStringLiteral("latency"), parent) {
    for (auto& series : m_data)
        for (auto& container : series) container = QSharedPointer<QCPGraphDataContainer>::create();
    const QString names[3] = {QStringLiteral("p50"), QStringLiteral("p95"), QStringLiteral("p99")};
    for (std::size_t p = 0; p < m_graphs.size(); ++p) m_graphs[p] = addSeries(names[p], QColor());

    m_seriesBox = new QComboBox(this);
    m_seriesBox->addItems({tr("end to end"), tr("queue wait"), tr("processing")});
    m_seriesBox->setToolTip(tr("Which part of a request's latency the chart shows"));
    m_logBox = new QCheckBox(tr("log scale"), this);
    m_logBox->setChecked(m_log);
    header()->addWidget(m_seriesBox);
    header()->addWidget(m_logBox);
    connect(m_seriesBox, &QComboBox::currentIndexChanged, this,
            [this](int index) { setSeries(static_cast<Series>(index)); });
    connect(m_logBox, &QCheckBox::toggled, this, &LatencyPlot::setLogScale);

    plot()->yAxis->setLabel(tr("latency per ¼ s interval"));
    setLogScale(m_log);
    setSeries(EndToEnd);
    applySeriesColours();
}

void LatencyPlot::applySeriesColours() {
    const QPalette pal = palette();
    const RequestState colours[3] = {RequestState::Queued, RequestState::Rejected,
                                     RequestState::FailedFinal};
    for (std::size_t p = 0; p < m_graphs.size(); ++p)
        m_graphs[p]->setPen(QPen(StateFlowView::stateColour(colours[p], pal), 1.6));
}

void LatencyPlot::append(const std::shared_ptr<const Snapshot>& snapshot) {
    if (!snapshot) return;
    const Snapshot& s = *snapshot;
    if (!m_base) {
        m_base = snapshot;
        setNow(s.elapsedS);
        return;
    }
    const bool due = s.elapsedS - m_base->elapsedS >= kIntervalS ||
                     (ended(s) && s.endToEnd.count() != m_base->endToEnd.count());
    bool added = false;
    if (due) {
        const std::array<const metrics::LatencyHistogram*, SeriesCount> newer = {
            &s.endToEnd, &s.queueWait, &s.processing};
        const std::array<const metrics::LatencyHistogram*, SeriesCount> older = {
            &m_base->endToEnd, &m_base->queueWait, &m_base->processing};
        for (std::size_t i = 0; i < newer.size(); ++i) {
            if (newer[i]->count() <= older[i]->count()) continue;  // an empty interval
            const metrics::LatencyHistogram interval = newer[i]->since(*older[i]);
            for (std::size_t p = 0; p < kQuantiles.size(); ++p) {
                const double ms = static_cast<double>(interval.percentile(kQuantiles[p])) / 1e6;
                m_data[i][p]->add(QCPGraphData(s.elapsedS, std::max(ms, kFloorMs)));
                m_lastMs[i][p] = ms;
            }
            m_lastCount[i] = interval.count();
            m_lastDataAt = s.elapsedS;
            added = true;
        }
        m_base = snapshot;
        updateReadout();
    }
    const double now = ended(s) ? std::max(s.wallS, m_lastDataAt) : s.elapsedS;
    if (!setNow(now) && !added) return;  // a finished run, published again: nothing to draw
    for (auto& series : m_data)          // the hidden series too: the window bounds all of them
        for (auto& container : series) container->removeBefore(now - kKeepS);
    scheduleReplot();
}

void LatencyPlot::clear() {
    for (auto& series : m_data)
        for (auto& container : series) container->clear();
    m_base.reset();
    m_lastMs = {};
    m_lastCount = {};
    m_lastDataAt = 0;
    clearData();
}

void LatencyPlot::setSeries(Series series) {
    m_series = series;
    for (std::size_t p = 0; p < m_graphs.size(); ++p) m_graphs[p]->setData(m_data[series][p]);
    if (m_seriesBox->currentIndex() != series) m_seriesBox->setCurrentIndex(series);
    updateReadout();
    scheduleReplot();
}

void LatencyPlot::setLogScale(bool on) {
    m_log = on;
    if (m_logBox->isChecked() != on) m_logBox->setChecked(on);
    QCPAxis* y = plot()->yAxis;
    y->setScaleType(on ? QCPAxis::stLogarithmic : QCPAxis::stLinear);
    if (on)
        y->setTicker(QSharedPointer<LogDurationTicker>::create(y));
    else
        y->setTicker(QSharedPointer<DurationTicker>::create());
    scheduleReplot();
}

void LatencyPlot::updateReadout() {
    const auto& v = m_lastMs[m_series];
    if (m_lastCount[m_series] == 0) {
        readout()->clear();
        return;
    }
    readout()->setText(tr("last ¼ s: p50 %1 · p95 %2 · p99 %3 · n = %4")
                           .arg(formatMs(v[0]), formatMs(v[1]), formatMs(v[2]),
                                formatCount(static_cast<std::int64_t>(m_lastCount[m_series]))));
}

void LatencyPlot::rescaleValueAxis() {
    const QCPRange keys = plot()->xAxis->range();
    double lo = 0, hi = 0;
    bool any = false;
    for (QCPGraph* g : m_graphs) {
        bool found = false;
        const QCPRange r = g->getValueRange(found, m_log ? QCP::sdPositive : QCP::sdBoth, keys);
        if (!found) continue;
        lo = any ? std::min(lo, r.lower) : r.lower;
        hi = any ? std::max(hi, r.upper) : r.upper;
        any = true;
    }
    if (m_log)
        plot()->yAxis->setRange(any ? lo / 1.6 : 0.01, any ? hi * 1.6 : 100);
    else
        plot()->yAxis->setRange(0, any && hi > 0 ? hi * 1.15 : 1);
}

}  // namespace stampede::ui
