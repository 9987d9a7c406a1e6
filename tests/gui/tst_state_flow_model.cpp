// The dashboard's models over hand-made snapshots: counts, rates from two snapshots, the narrowest
// dataChanged, and a new run restarting the rates. Every model runs under QAbstractItemModelTester.

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QtTest>

#include "models/state_flow_model.h"

using namespace stampede;
using core::RejectReason;
using core::RequestState;
using ui::FlowEdge;
using ui::RejectionModel;
using ui::StateFlowModel;

namespace {

void set(Snapshot& s, RequestState state, std::int64_t n) {
    s.states[static_cast<std::size_t>(state)] = n;
}
void set(Snapshot& s, RejectReason reason, std::int64_t n) {
    s.rejected[static_cast<std::size_t>(reason)] = n;
}

// One second into a run: 100 admitted, 20 queued, 5 processing, 50 issued, 25 rejected (20 sold
// out by a worker, 5 closed at the ingress), 4 retries.
Snapshot busy(double elapsedS, std::uint64_t version) {
    Snapshot s;
    s.version = version;
    s.status = RunStatus::Running;
    s.elapsedS = elapsedS;
    s.admitted = 100;
    set(s, RequestState::Queued, 20);
    set(s, RequestState::Processing, 5);
    set(s, RequestState::Succeeded, 50);
    set(s, RequestState::Rejected, 25);
    set(s, RejectReason::SoldOut, 20);
    set(s, RejectReason::Closed, 5);
    s.retries = 4;
    return s;
}

Snapshot start(double elapsedS, std::uint64_t version) {
    Snapshot s;
    s.version = version;
    s.status = RunStatus::Running;
    s.elapsedS = elapsedS;
    return s;
}

double rateCell(const StateFlowModel& m, RequestState state) {
    return m.data(m.index(m.rowOf(state), StateFlowModel::RateColumn)).toDouble();
}

}  // namespace

class TstStateFlowModel : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void shapeAndHeaders() {
        StateFlowModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::Fatal);
        QCOMPARE(model.rowCount(), core::kStateCount);
        QCOMPARE(model.columnCount(), 3);
        QCOMPARE(model.headerData(0, Qt::Horizontal).toString(), QStringLiteral("State"));
        QCOMPARE(model.headerData(1, Qt::Horizontal).toString(), QStringLiteral("Count"));
        QCOMPARE(model.headerData(2, Qt::Horizontal).toString(), QStringLiteral("Rate (/s)"));
        for (const RequestState s : core::kAllStates)
            QCOMPARE(model.data(model.index(model.rowOf(s), 0)).toString(),
                     QString::fromUtf8(core::toString(s).data()));
        QCOMPARE(model.rowCount(model.index(0, 0)), 0);  // a table: no children

        RejectionModel rejections;
        QAbstractItemModelTester rejectionTester(
            &rejections, QAbstractItemModelTester::FailureReportingMode::Fatal);
        QCOMPARE(rejections.rowCount(), core::kReasonCount - 1);
        QCOMPARE(rejections.columnCount(), 2);
        QCOMPARE(rejections.data(rejections.index(0, 0)).toString(), QStringLiteral("SOLD_OUT"));
        QCOMPARE(rejections.data(rejections.index(5, 0)).toString(),
                 QStringLiteral("LOTTERY_LOST"));
    }

    void countsFromSnapshot() {
        StateFlowModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::Fatal);
        model.update(busy(1.0, 1));
        QCOMPARE(model.count(RequestState::Succeeded), std::int64_t(50));
        const QModelIndex succeeded =
            model.index(model.rowOf(RequestState::Succeeded), StateFlowModel::CountColumn);
        QCOMPARE(model.data(succeeded).toLongLong(), 50LL);
        QCOMPARE(model.data(succeeded).toString(), QStringLiteral("50"));
        QCOMPARE(model.count(RequestState::Queued), std::int64_t(20));
        QCOMPARE(model.count(RequestState::Received), std::int64_t(0));
        QCOMPARE(model.admitted(), std::int64_t(100));
        QCOMPARE(rateCell(model, RequestState::Succeeded), 0.0);  // one snapshot: no rate yet
    }

    void ratesAfterTwoSnapshots() {
        StateFlowModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::Fatal);
        model.update(start(1.0, 1));
        model.update(busy(2.0, 31));
        // The first interval is taken as it is: differences over one second.
        QCOMPARE(rateCell(model, RequestState::Received), 100.0);
        QCOMPARE(rateCell(model, RequestState::Queued), 99.0);      // 95 accepted + 4 retries
        QCOMPARE(rateCell(model, RequestState::Processing), 79.0);  // 5 + 50 + 20 + 4
        QCOMPARE(rateCell(model, RequestState::Succeeded), 50.0);
        QCOMPARE(rateCell(model, RequestState::Rejected), 25.0);
        QCOMPARE(rateCell(model, RequestState::FailedFinal), 0.0);
        QCOMPARE(model.edgeRate(FlowEdge::ReceivedToRejected), 5.0);
        QCOMPARE(model.edgeRate(FlowEdge::ProcessingToRejected), 20.0);
        QCOMPARE(model.edgeRate(FlowEdge::ProcessingToQueued), 4.0);
        QCOMPARE(model.edgeTotal(FlowEdge::QueuedToProcessing), std::int64_t(79));

        // Nothing more happens: the smoothed rates fall towards zero, and get there.
        model.update(busy(3.0, 61));
        const double after = rateCell(model, RequestState::Succeeded);
        QVERIFY2(after > 0 && after < 50, qPrintable(QString::number(after)));
        for (int i = 0; i < 40; ++i) model.update(busy(4.0 + i, 91 + std::uint64_t(i)));
        QCOMPARE(rateCell(model, RequestState::Succeeded), 0.0);
    }

    void settleZeroesRatesAndKeepsCounts() {
        StateFlowModel model;
        model.update(start(1.0, 1));
        model.update(busy(2.0, 31));
        QVERIFY(model.edgeRate(FlowEdge::ProcessingToQueued) > 0);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        model.settle();
        QVERIFY(changed.count() > 0);
        for (int e = 0; e < ui::kFlowEdgeCount; ++e) QCOMPARE(model.edgeRate(FlowEdge(e)), 0.0);
        QCOMPARE(rateCell(model, RequestState::Succeeded), 0.0);
        QCOMPARE(model.count(RequestState::Succeeded), std::int64_t(50));
        QCOMPARE(model.edgeTotal(FlowEdge::QueuedToProcessing), std::int64_t(79));
        changed.clear();
        model.settle();  // already settled: nothing to say
        QCOMPARE(changed.count(), 0);
    }

    void anOverRunWhereNothingMovesHasNoRates() {
        StateFlowModel model;
        model.update(start(1.0, 1));
        model.update(busy(2.0, 31));
        Snapshot over = busy(2.1, 32);
        over.status = RunStatus::Completed;
        model.update(over);
        QCOMPARE(model.edgeRate(FlowEdge::ProcessingToSucceeded), 0.0);
        QCOMPARE(rateCell(model, RequestState::Queued), 0.0);
        // A replay after the end moves the totals: its flow has a rate.
        Snapshot replay = over;
        replay.elapsedS = 3.1;
        replay.version = 62;
        set(replay, RequestState::Succeeded, 60);
        model.update(replay);
        QVERIFY(model.edgeRate(FlowEdge::ProcessingToSucceeded) > 0);
    }

    void unchangedSnapshotEmitsNothing() {
        StateFlowModel model;
        RejectionModel rejections;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::Fatal);
        QAbstractItemModelTester rejectionTester(
            &rejections, QAbstractItemModelTester::FailureReportingMode::Fatal);
        const Snapshot s = busy(1.0, 1);
        model.update(s);
        rejections.update(s);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        QSignalSpy rejectionChanged(&rejections, &QAbstractItemModel::dataChanged);
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        model.update(s);
        rejections.update(s);
        QCOMPARE(changed.count(), 0);
        QCOMPARE(rejectionChanged.count(), 0);
        // Same counts a little later, with no rate to decay: still nothing to say.
        Snapshot later = s;
        later.elapsedS = 1.5;
        later.version = 16;
        model.update(later);
        QCOMPARE(changed.count(), 0);
        QCOMPARE(reset.count(), 0);
    }

    void onlyTheChangedCellIsSignalled() {
        StateFlowModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::Fatal);
        Snapshot s = busy(1.0, 1);
        model.update(s);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        set(s, RequestState::Succeeded, 51);  // same instant: a count changes, no rate can
        model.update(s);
        QCOMPARE(changed.count(), 1);
        const QModelIndex topLeft = changed.at(0).at(0).toModelIndex();
        const QModelIndex bottomRight = changed.at(0).at(1).toModelIndex();
        QCOMPARE(topLeft.row(), model.rowOf(RequestState::Succeeded));
        QCOMPARE(topLeft.column(), int(StateFlowModel::CountColumn));
        QCOMPARE(bottomRight, topLeft);

        RejectionModel rejections;
        QAbstractItemModelTester rejectionTester(
            &rejections, QAbstractItemModelTester::FailureReportingMode::Fatal);
        rejections.update(busy(1.0, 1));
        QSignalSpy rejectionChanged(&rejections, &QAbstractItemModel::dataChanged);
        Snapshot more = busy(1.0, 1);
        set(more, RejectReason::SoldOut, 21);
        rejections.update(more);
        QCOMPARE(rejectionChanged.count(), 1);
        QCOMPARE(rejectionChanged.at(0).at(0).toModelIndex(),
                 rejections.index(0, RejectionModel::CountColumn));
    }

    void newRunRestartsRates() {
        StateFlowModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::Fatal);
        model.update(start(1.0, 30));
        model.update(busy(2.0, 60));
        QVERIFY(rateCell(model, RequestState::Succeeded) > 0);
        Snapshot fresh = start(0.05, 1);  // a new run: its versions and clock start again
        set(fresh, RequestState::Received, 3);
        fresh.admitted = 3;
        model.update(fresh);
        QCOMPARE(model.count(RequestState::Succeeded), std::int64_t(0));
        QCOMPARE(model.count(RequestState::Received), std::int64_t(3));
        // Measured from the new run's start (zero counts at time zero), never against the old run.
        QCOMPARE(rateCell(model, RequestState::Received), 60.0);
        QCOMPARE(rateCell(model, RequestState::Succeeded), 0.0);
        QCOMPARE(rateCell(model, RequestState::Rejected), 0.0);
        model.resetRates();  // forgetting the baseline: the next snapshot only sets a new one
        Snapshot next = fresh;
        next.elapsedS = 0.55;
        next.version = 16;
        next.admitted = 13;
        set(next, RequestState::Received, 13);
        model.update(next);
        for (const RequestState s : core::kAllStates) QCOMPARE(rateCell(model, s), 0.0);
        next.elapsedS = 1.05;
        next.version = 31;
        next.admitted = 23;
        set(next, RequestState::Received, 23);
        model.update(next);
        QCOMPARE(rateCell(model, RequestState::Received), 20.0);
    }

    void rejectionsByReason() {
        RejectionModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::Fatal);
        Snapshot s = busy(1.0, 1);
        set(s, RejectReason::LotteryLost, 7);
        model.update(s);
        QCOMPARE(model.count(RejectReason::SoldOut), std::int64_t(20));
        QCOMPARE(model.count(RejectReason::Closed), std::int64_t(5));
        QCOMPARE(model.count(RejectReason::LotteryLost), std::int64_t(7));
        QCOMPARE(model.total(), std::int64_t(32));
        for (int row = 0; row < model.rowCount(); ++row) {
            const RejectReason reason = RejectionModel::reasonAt(row);
            QCOMPARE(model.data(model.index(row, 0)).toString(),
                     QString::fromUtf8(core::toString(reason).data()));
            QCOMPARE(model.data(model.index(row, 1)).toLongLong(), qlonglong(model.count(reason)));
        }
    }

    void failuresAndReplaysFlowThroughTheDlq() {
        StateFlowModel model;
        Snapshot a = start(1.0, 1);
        a.admitted = 10;
        set(a, RequestState::FailedFinal, 10);
        a.deadLettered = 10;
        a.retries = 20;
        model.update(a);
        Snapshot b = a;
        b.elapsedS = 2.0;
        b.version = 31;
        set(b, RequestState::FailedFinal, 6);
        set(b, RequestState::Queued, 4);
        b.replayed = 4;
        model.update(b);
        QCOMPARE(model.edgeRate(FlowEdge::FailedToQueued), 4.0);
        QCOMPARE(model.edgeRate(FlowEdge::ProcessingToFailed), 0.0);
        QCOMPARE(rateCell(model, RequestState::Queued), 4.0);
        QCOMPARE(model.edgeTotal(FlowEdge::ProcessingToFailed), std::int64_t(10));
    }

    void formatting() {
        QCOMPARE(ui::formatRate(0), QStringLiteral("0/s"));
        QCOMPARE(ui::formatRate(3.24), QStringLiteral("3.2/s"));
        QCOMPARE(ui::formatRate(999), QStringLiteral("999/s"));
        QCOMPARE(ui::formatRate(12345), QStringLiteral("12.3k/s"));
        QCOMPARE(ui::formatRate(2.5e6), QStringLiteral("2.5M/s"));
        QVERIFY(ui::formatCount(12345).contains(QStringLiteral("345")));
        QVERIFY(ui::formatCount(12345).size() > 5);  // grouped
    }
};

QTEST_MAIN(TstStateFlowModel)
#include "tst_state_flow_model.moc"
