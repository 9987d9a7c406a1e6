#pragma once
// The dashboard's charts over time: throughput (arrivals and completions per second) and latency
// percentiles per interval. Points are appended from snapshots into a bounded time window (ten
// minutes), graphs sample adaptively, and a flood of snapshots costs one replot per ~40 ms
// (PlotJuggler's coalescing timer), so the charts never redraw a million points or freeze.

#include <QTimer>
#include <QWidget>

#include <array>
#include <memory>

// QCustomPlot's header uses the `signals` and `foreach` keywords, which QT_NO_KEYWORDS removes.
#define signals Q_SIGNALS
#define foreach Q_FOREACH
#include <qcustomplot.h>
#undef foreach
#undef signals

#include "snapshot.h"

class QCheckBox;
class QComboBox;
class QHBoxLayout;

namespace stampede::ui {

// A one-line plain-text label that elides ("…") instead of widening its layout: for readouts whose
// text changes with every snapshot and must never push controls aside or make a dock grow.
class ElidedLabel : public QLabel {
    Q_OBJECT
public:
    using QLabel::QLabel;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;
};

// A chart with a title row, the time axis in run seconds and a context menu (Export PNG…,
// follow). Subclasses add graphs and data; this class owns range, palette and replot timing.
class LivePlot : public QWidget {
    Q_OBJECT
public:
    QCustomPlot* plot() const { return m_plot; }
    // Seconds of data kept (older points are dropped) and seconds shown while following.
    static constexpr double kKeepS = 600;
    void setVisibleSpan(double seconds);
    bool following() const { return m_follow; }
    int pointCount() const;  // over all graphs, for tests and the responsiveness probe

protected:
    LivePlot(const QString& title, const QString& exportName, QWidget* parent);
    QHBoxLayout* header() const { return m_header; }
    QLabel* readout() const { return m_readout; }
    QCPGraph* addSeries(const QString& name, const QColor& colour);
    // The run time the time axis ends at; data older than kKeepS before it is dropped. True when
    // it moved (the chart then needs a replot while it follows the run).
    bool setNow(double seconds);
    void clearData();
    void scheduleReplot();
    // What the empty chart says (by default: that no run has produced data yet).
    void setEmptyText(const QString& text);
    virtual void rescaleValueAxis() = 0;
    virtual void applySeriesColours() = 0;
    void changeEvent(QEvent* event) override;
    void paintEvent(QPaintEvent* event) override;

private:
    void replotNow();
    void applyPalette();
    void showContextMenu(const QPoint& at);

    QCustomPlot* m_plot = nullptr;
    QHBoxLayout* m_header = nullptr;
    ElidedLabel* m_readout = nullptr;
    QCPItemText* m_emptyNote = nullptr;
    QTimer m_replot;
    QString m_exportName;
    double m_now = 0;
    double m_span = 120;
    bool m_follow = true;
};

class ThroughputPlot : public LivePlot {
    Q_OBJECT
public:
    explicit ThroughputPlot(QWidget* parent = nullptr);
    // Appends the snapshot's throughput points newer than the last ones taken.
    void append(const Snapshot& snapshot);
    void clear();

protected:
    void rescaleValueAxis() override;
    void applySeriesColours() override;

private:
    QCPGraph* m_arrivals = nullptr;
    QCPGraph* m_completed = nullptr;
    double m_lastAtS = -1;
    double m_lastDataAt = 0;
    double m_peak = 0;
};

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
