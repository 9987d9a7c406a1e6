#pragma once
// The live dashboard: the request flow with counts and rates, stock and correctness numbers,
// rejections by reason, throughput and latency over time. Everything it shows comes from the
// snapshots EngineController publishes (at most 30 a second); it never calls into the engine.
// While hidden it keeps its models current and skips the drawing, then catches up when shown.

#include <QDockWidget>

#include <memory>

#include "stampede/snapshot.h"

class QLabel;
class QSplitter;
class QTableView;
class QTimer;

namespace stampede::ui {

class EngineController;
class LatencyPlot;
class RejectionModel;
class StateFlowModel;
class StateFlowView;
class StockPanel;
class ThroughputPlot;

class DashboardDock : public QDockWidget {
    Q_OBJECT
public:
    explicit DashboardDock(EngineController* controller, QWidget* parent = nullptr);

    StateFlowModel* flowModel() const { return m_flowModel; }
    RejectionModel* rejectionModel() const { return m_rejectionModel; }
    QWidget* throughputPlot() const;
    QWidget* latencyPlot() const;
    StockPanel* stockPanel() const { return m_stock; }
    StateFlowView* flowView() const { return m_flowView; }
    // Snapshots applied so far (the responsiveness probe compares it with snapshots published).
    int updatesApplied() const { return m_updatesApplied; }
    // The refusal banner over the header: visible, with the reason, after a refused start.
    QLabel* refusalBanner() const { return m_refusal; }
    QLabel* alertBanner() const { return m_alerts; }

protected:
    void showEvent(QShowEvent* event) override;

private:
    void applySnapshot(const std::shared_ptr<const Snapshot>& snapshot);
    void feedViews();
    bool drawing() const;
    QWidget* buildRejectionCard();
    void updateStatusLine(const Snapshot& s);
    void updateAlerts(const Snapshot& s);

    StateFlowModel* m_flowModel = nullptr;
    RejectionModel* m_rejectionModel = nullptr;
    StateFlowView* m_flowView = nullptr;
    StockPanel* m_stock = nullptr;
    QTableView* m_rejectionView = nullptr;
    ThroughputPlot* m_throughput = nullptr;
    LatencyPlot* m_latency = nullptr;
    QLabel* m_status = nullptr;    // what runs: status and scenario
    QLabel* m_config = nullptr;    // how: pipeline, guard, transport, workers
    QLabel* m_progress = nullptr;  // how far it got
    QLabel* m_refusal = nullptr;   // why the last start was refused, until the next one starts
    QLabel* m_alerts = nullptr;    // why the run failed, and what the CLI's summary warns of
    QSplitter* m_split = nullptr;
    std::shared_ptr<const Snapshot> m_last;
    bool m_viewsBehind = false;  // snapshots arrived while hidden: the views catch up on show
    int m_updatesApplied = 0;
    QTimer* m_settle = nullptr;
    EngineController* m_controller =
        nullptr;  // an over run's rates fall to 0 once no snapshot comes
};

}  // namespace stampede::ui
