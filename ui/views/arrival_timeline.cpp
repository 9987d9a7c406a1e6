#include "views/arrival_timeline.h"

#include <QVBoxLayout>

#include <algorithm>

namespace stampede::ui {

ArrivalTimeline::ArrivalTimeline(QWidget* parent)
    : QWidget(parent),
      m_plot(new QCustomPlot(this)),
      m_bars(new QCPBars(m_plot->xAxis, m_plot->yAxis)) {
    setObjectName(QStringLiteral("arrivalTimeline"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_plot);
    setMinimumHeight(160);
    m_plot->xAxis->setLabel(tr("capture time (s)"));
    m_plot->yAxis->setLabel(tr("requests/s"));
    m_bars->setPen(Qt::NoPen);
    m_bars->setBrush(QColor(0x4a, 0x7a, 0xb0));
    m_bars->setName(tr("arrivals"));
    clear();
}

void ArrivalTimeline::clear() {
    m_bars->data()->clear();
    m_total = 0;
    m_peak = 0;
    m_plot->xAxis->setRange(0, 1);
    m_plot->yAxis->setRange(0, 1);
    m_plot->replot();
}

void ArrivalTimeline::setTimeline(const std::vector<std::int64_t>& counts, std::int64_t bucketUs) {
    m_bars->data()->clear();
    m_total = 0;
    m_peak = 0;
    if (counts.empty() || bucketUs <= 0) {
        clear();
        return;
    }
    const double width = double(bucketUs) / 1e6;
    QVector<double> keys, values;
    keys.reserve(int(counts.size()));
    values.reserve(int(counts.size()));
    for (std::size_t i = 0; i < counts.size(); ++i) {
        const double rate = double(counts[i]) / width;  // per second, whatever the slice's width
        keys << (double(i) + 0.5) * width;
        values << rate;
        m_total += counts[i];
        m_peak = std::max(m_peak, rate);
    }
    m_bars->setWidth(width);
    m_bars->setData(keys, values, true);
    m_plot->xAxis->setRange(0, double(counts.size()) * width);
    m_plot->yAxis->setRange(0, std::max(1.0, m_peak * 1.1));
    m_plot->replot();
}

}  // namespace stampede::ui
