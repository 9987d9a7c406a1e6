// The live dashboard over real runs of the embedded engine: the seed-001 check read from the
// flow model, the over-issue alarm of the `none` guard, charts with curves after a realtime run,
// no chart work while hidden, and a dark palette. Screenshots go to /tmp/dashboard_*.png.

#include <QAbstractItemModelTester>
#include <QLabel>
#include <QMainWindow>
#include <QStyleFactory>
#include <QtTest>

#include "../unit/engine_test_support.h"
#include "docks/dashboard_dock.h"
#include "engine_controller.h"
#include "models/state_flow_model.h"
#include "views/live_plots.h"
#include "views/stock_panel.h"

using namespace stampede;
using core::RequestState;

namespace {

// The engine tests' spike, with what the dashboard tests vary: its length and pace.
sim::Scenario spike(std::int64_t users, std::int64_t stock, const std::string& guard, int workers,
                    double overMs, core::Pace pace) {
    sim::Scenario s =
        test::spike(users, stock, guard, core::Pipeline::DecideInWorker, workers, workers);
    s.name = "dashboard test: " + std::to_string(users) + " users, stock " + std::to_string(stock);
    s.seed = 7;
    s.arrivals[0].overMs = overMs;
    s.run.pace = pace;
    return s;
}

// A main window around the dock, sized like a real console.
struct Console {
    QMainWindow window;
    ui::EngineController controller;
    ui::DashboardDock* dock = nullptr;

    Console() {
        dock = new ui::DashboardDock(&controller, &window);
        window.addDockWidget(Qt::LeftDockWidgetArea, dock);
        window.setCentralWidget(new QWidget);
        window.centralWidget()->setMaximumWidth(1);  // the dock takes the window
        window.resize(1400, 900);
        window.show();
    }

    // Starts `s` and waits (up to 30 s) for its completed snapshot to reach the dock.
    void runToEnd(const sim::Scenario& s) {
        controller.setScenario(s);
        controller.start();
        QTRY_VERIFY_WITH_TIMEOUT(completed(), 30000);
    }
    bool completed() const {
        const auto snap = controller.snapshot();
        return snap && snap->status == RunStatus::Completed && dock->updatesApplied() > 0 &&
               !controller.starting();
    }
};

#define RUN_TO_END(console, scenario)           \
    do {                                        \
        (console).runToEnd(scenario);           \
        if (QTest::currentTestFailed()) return; \
    } while (false)

auto* plotOf(QWidget* w) {
    return qobject_cast<ui::LivePlot*>(w);
}

}  // namespace

class TstDashboardDock : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion"))); }

    void identity() {
        ui::EngineController controller;
        ui::DashboardDock dock(&controller, nullptr);
        QCOMPARE(dock.objectName(), QStringLiteral("dashboardDock"));
        QCOMPARE(dock.windowTitle(), QStringLiteral("Dashboard"));
        QVERIFY(dock.flowModel());
        QVERIFY(dock.rejectionModel());
        QVERIFY(dock.throughputPlot());
        QVERIFY(dock.latencyPlot());
        QVERIFY(!dock.stockPanel()->alarmShown());
    }

    void seedOneIssuesExactlyFifty() {
        Console console;
        QVERIFY(QTest::qWaitForWindowExposed(&console.window));
        // The models under the tester for a whole live run, not only hand-made snapshots.
        QAbstractItemModelTester flowTester(console.dock->flowModel(),
                                            QAbstractItemModelTester::FailureReportingMode::Fatal);
        QAbstractItemModelTester rejectionTester(
            console.dock->rejectionModel(), QAbstractItemModelTester::FailureReportingMode::Fatal);
        RUN_TO_END(console, (spike(100, 50, "single-consumer", 4, 1000, core::Pace::Asap)));
        ui::StateFlowModel* model = console.dock->flowModel();
        QTRY_COMPARE(model->count(RequestState::Succeeded), std::int64_t(50));
        const QModelIndex cell =
            model->index(model->rowOf(RequestState::Succeeded), ui::StateFlowModel::CountColumn);
        QCOMPARE(model->data(cell).toLongLong(), 50LL);
        QCOMPARE(model->count(RequestState::Rejected), std::int64_t(50));
        QCOMPARE(console.dock->rejectionModel()->count(core::RejectReason::SoldOut),
                 std::int64_t(50));
        QVERIFY(!console.dock->stockPanel()->alarmShown());
        QVERIFY(console.dock->updatesApplied() > 0);
        QTest::qWait(300);  // the last samples and one coalesced replot
        QVERIFY(console.dock->grab().save(QStringLiteral("/tmp/dashboard_seed001.png")));
    }

    void noneGuardRaisesTheOverIssueAlarm() {
        Console console;
        QVERIFY(QTest::qWaitForWindowExposed(&console.window));
        RUN_TO_END(console, (spike(10000, 100, "none", 4, 1000, core::Pace::Asap)));
        const auto snap = console.controller.snapshot();
        QVERIFY2(snap->overIssued > 0, "the none guard must over-issue under contention");
        ui::StockPanel* panel = console.dock->stockPanel();
        QTRY_VERIFY(panel->alarmShown());
        auto* banner = panel->findChild<QLabel*>(QStringLiteral("overIssueAlarm"));
        QVERIFY(banner);
        QVERIFY(banner->isVisible());
        QVERIFY(panel->alarmText().contains(
            QStringLiteral("OVER-ISSUED: %1 beyond stock").arg(snap->overIssued)));
        QVERIFY(panel->alarmText().contains(QStringLiteral("none")));
        QVERIFY(console.dock->flowModel()->count(RequestState::Succeeded) > 100);
        QTest::qWait(300);
        QVERIFY(console.dock->grab().save(QStringLiteral("/tmp/dashboard_overissue.png")));
    }

    void realtimeRunDrawsCurves() {
        Console console;
        QVERIFY(QTest::qWaitForWindowExposed(&console.window));
        sim::Scenario s = spike(20000, 5000, "atomic", 4, 3000, core::Pace::Realtime);
        s.faults.transientFailureRate = 0.02;  // a few retries, so the retry edge has a rate
        s.faults.processingDelayUs = 100;
        s.faults.delayDistribution = core::DelayDistribution::Exponential;
        console.controller.setScenario(s);
        console.controller.start();
        // Mid-run: rates on the flow are live.
        QTRY_VERIFY_WITH_TIMEOUT(console.dock->flowModel()->rate(RequestState::Succeeded) > 0,
                                 15000);
        QTest::qWait(1200);
        QVERIFY(console.dock->grab().save(QStringLiteral("/tmp/dashboard_realtime_mid.png")));
        QTRY_VERIFY_WITH_TIMEOUT(console.controller.snapshot()->status == RunStatus::Completed,
                                 30000);
        QTest::qWait(150);
        // The engine samples throughput about every 100-133 ms and a latency interval closes
        // every ~250 ms; the bounds leave room for a loaded machine.
        const int throughputPoints = plotOf(console.dock->throughputPlot())->pointCount();
        const int latencyPoints = plotOf(console.dock->latencyPlot())->pointCount();
        QVERIFY2(throughputPoints >= 2 * 12, qPrintable(QString::number(throughputPoints)));
        QVERIFY2(latencyPoints >= 3 * 5, qPrintable(QString::number(latencyPoints)));
        QCOMPARE(console.dock->flowModel()->count(RequestState::Succeeded), std::int64_t(5000));
        QVERIFY(console.dock->grab().save(QStringLiteral("/tmp/dashboard_realtime.png")));
        // Over: the arrows' rates fall to 0 once no snapshot comes (they kept the last interval's
        // "retry 113/s" for ever), while the counts stay.
        ui::StateFlowModel* flow = console.dock->flowModel();
        QTRY_VERIFY_WITH_TIMEOUT(flow->edgeRate(ui::FlowEdge::ProcessingToQueued) == 0.0 &&
                                     flow->edgeRate(ui::FlowEdge::ProcessingToSucceeded) == 0.0 &&
                                     flow->edgeRate(ui::FlowEdge::Admitted) == 0.0 &&
                                     flow->rate(RequestState::Succeeded) == 0.0,
                                 5000);
        QCOMPARE(flow->count(RequestState::Succeeded), std::int64_t(5000));
        QVERIFY(flow->edgeTotal(ui::FlowEdge::ProcessingToQueued) > 0);  // retries happened

        // A second run clears the charts of the first: what remains is the new run's.
        console.controller.setScenario(spike(1000, 10, "atomic", 2, 200, core::Pace::Asap));
        console.controller.start();
        QTRY_VERIFY_WITH_TIMEOUT(console.controller.snapshot()->arrivalsTotal == 1000, 15000);
        QTRY_VERIFY(plotOf(console.dock->latencyPlot())->pointCount() <= 3 * 2);
        QVERIFY(plotOf(console.dock->throughputPlot())->pointCount() < throughputPoints / 2);
    }

    void hiddenDockKeepsModelsButSkipsCharts() {
        Console console;
        QVERIFY(QTest::qWaitForWindowExposed(&console.window));
        console.dock->hide();
        sim::Scenario s = spike(3000, 1000, "atomic", 2, 800, core::Pace::Realtime);
        RUN_TO_END(console, (s));
        QTRY_COMPARE(console.dock->flowModel()->count(RequestState::Succeeded), std::int64_t(1000));
        QCOMPARE(plotOf(console.dock->throughputPlot())->pointCount(), 0);
        QCOMPARE(plotOf(console.dock->latencyPlot())->pointCount(), 0);
        console.dock->show();
        QTRY_VERIFY(plotOf(console.dock->throughputPlot())->pointCount() > 0);
        QTRY_VERIFY(plotOf(console.dock->latencyPlot())->pointCount() > 0);
    }

    void compactWindowStaysReadable() {
        Console console;
        console.window.resize(1024, 680);
        QVERIFY(QTest::qWaitForWindowExposed(&console.window));
        sim::Scenario s = spike(4000, 1500, "mutex", 4, 1000, core::Pace::Realtime);
        RUN_TO_END(console, (s));
        QTest::qWait(300);
        QVERIFY(console.dock->grab().save(QStringLiteral("/tmp/dashboard_compact.png")));
    }

    void darkPalette() {
        // A complete dark palette, as a dark desktop theme would hand the application.
        const QColor window(0x23, 0x26, 0x2b), text(0xe6, 0xe6, 0xe6);
        QPalette dark(text, window, window.lighter(150), window.darker(150), window.lighter(115),
                      text, Qt::white, QColor(0x1b, 0x1d, 0x21), window);
        dark.setColor(QPalette::AlternateBase, QColor(0x26, 0x29, 0x2e));
        dark.setColor(QPalette::Button, QColor(0x2d, 0x30, 0x36));
        dark.setColor(QPalette::Highlight, QColor(0x3d, 0x7e, 0xdb));
        dark.setColor(QPalette::HighlightedText, Qt::white);
        dark.setColor(QPalette::PlaceholderText, text.darker(160));
        const QPalette before = QApplication::palette();
        QApplication::setPalette(dark);
        {
            Console console;
            QVERIFY(QTest::qWaitForWindowExposed(&console.window));
            sim::Scenario s = spike(6000, 200, "none", 4, 1500, core::Pace::Realtime);
            s.faults.transientFailureRate = 0.01;
            RUN_TO_END(console, (s));
            QTest::qWait(150);
            QVERIFY(console.dock->grab().save(QStringLiteral("/tmp/dashboard_dark.png")));
        }
        QApplication::setPalette(before);
    }
};

QTEST_MAIN(TstDashboardDock)
#include "tst_dashboard_dock.moc"
