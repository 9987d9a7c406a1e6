#pragma once
// The dashboard's charts over time: throughput (arrivals and completions per second) here, latency
// percentiles per interval in views/latency_plot.h. Points are appended from snapshots into a
// bounded time window (ten minutes), graphs sample adaptively, and a flood of snapshots costs one
// replot per ~40 ms (PlotJuggler's coalescing timer), so the charts never redraw a million points
// or freeze.

#include <QTimer>
#include <QWidget>

#include "stampede/snapshot.h"
#include "views/qcustomplot_include.h"

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
    // The run is over: the engine still publishes it, but its charts stop moving.
    static bool ended(const Snapshot& s);

private:
    QHBoxLayout* buildHeader(const QString& title);
    void styleAxes();
    void placeLegendAbove();
    void createEmptyNote();
    void connectInteractions();
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

}  // namespace stampede::ui
