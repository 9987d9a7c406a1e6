#pragma once
// The dashboard's latency chart: p50/p95/p99 per ~250 ms interval of one latency series (end to
// end, queue wait or processing), on a log or linear duration axis. Each interval comes from the
// difference of two cumulative histograms in successive snapshots, so it costs no per-request work.

#include <array>
#include <cstdint>
#include <memory>

#include "views/live_plots.h"
#include "views/qcustomplot_include.h"

class QCheckBox;
class QComboBox;

namespace stampede::ui {

class LatencyPlot : public LivePlot {
    Q_OBJECT
public:
    enum Series { EndToEnd, QueueWait, Processing, SeriesCount };
    static constexpr double kIntervalS = 0.25;

    explicit LatencyPlot(QWidget* parent = nullptr);
    // Closes an interval when ~250 ms passed since the last one (or the run ended) and appends
    // its p50/p95/p99, computed from the difference of two cumulative histograms.
    void append(const std::shared_ptr<const Snapshot>& snapshot);
    void clear();
    void setSeries(Series series);
    Series series() const { return m_series; }
    void setLogScale(bool on);

protected:
    void rescaleValueAxis() override;
    void applySeriesColours() override;

private:
    void updateReadout();

    using Containers = std::array<QSharedPointer<QCPGraphDataContainer>, 3>;
    std::array<Containers, SeriesCount> m_data;  // [series][p50, p95, p99], in ms
    std::array<QCPGraph*, 3> m_graphs{};
    std::shared_ptr<const Snapshot> m_base;  // the end of the last interval taken
    std::array<std::array<double, 3>, SeriesCount> m_lastMs{};  // the last interval's percentiles
    std::array<std::uint64_t, SeriesCount> m_lastCount{};
    double m_lastDataAt = 0;
    QComboBox* m_seriesBox = nullptr;
    QCheckBox* m_logBox = nullptr;
    Series m_series = EndToEnd;
    bool m_log = true;  // p50 and p99 are often orders of magnitude apart
};

}  // namespace stampede::ui
