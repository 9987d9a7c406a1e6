#pragma once
// A capture's arrival rate over its span, before it is replayed: requests per second in each
// slice of the capture (CaptureInfo::timeline), as bars on a time axis, with the peak named.
// What an engineer looks at to see the opening's shape (a spike at 0 s, a second wave).

#include <QWidget>

#include <vector>

#include "views/qcustomplot_include.h"

namespace stampede::ui {

class ArrivalTimeline : public QWidget {
    Q_OBJECT
public:
    explicit ArrivalTimeline(QWidget* parent = nullptr);

    // `counts[i]`: requests in the slice starting at i × bucketUs from the capture's first.
    void setTimeline(const std::vector<std::int64_t>& counts, std::int64_t bucketUs);
    void clear();
    // What is drawn: the bars' total (the capture's requests) and their largest rate.
    std::int64_t total() const { return m_total; }
    double peakPerSecond() const { return m_peak; }
    QCustomPlot* plot() const { return m_plot; }

private:
    QCustomPlot* m_plot;
    QCPBars* m_bars;
    std::int64_t m_total = 0;
    double m_peak = 0;
};

}  // namespace stampede::ui
