// Whole runs through the engine: every correct guard in every pipeline issues exactly
// min(stock, eligible unique users); none over-issues; single-consumer is fair and repeatable;
// lotteries are repeatable; duplicates and DLQ replays never issue twice.
#include <QtTest>

#include "engine_test_support.h"

using namespace stampede;
using namespace stampede::test;

class TestEngineRuns : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void correctGuardsIssueExactly_data() {
        QTest::addColumn<QString>("guard");
        QTest::addColumn<int>("pipeline");
        for (const char* g : {"mutex", "semaphore", "atomic", "single-consumer"})
            for (auto p : {core::Pipeline::Sync, core::Pipeline::DecideAtIngress,
                           core::Pipeline::DecideInWorker})
                QTest::addRow("%s/%s", g, std::string(core::toString(p)).c_str())
                    << QString::fromLatin1(g) << int(p);
    }
    void correctGuardsIssueExactly() {
        QFETCH(QString, guard);
        QFETCH(int, pipeline);
        sim::Scenario s = spike(1500, 120, guard.toStdString(), core::Pipeline(pipeline));
        // A second campaign with more stock than people, verification required, bots and
        // double submissions: issued must be the eligible users, not the stock.
        core::Campaign big;
        big.id = "c2";
        big.name = "Plenty";
        big.stock = 5000;
        big.requiresVerification = true;
        s.campaigns.push_back(big);
        sim::ArrivalSpec a = s.arrivals.front();
        a.campaign = "c2";
        a.users = 800;
        s.arrivals.push_back(a);
        s.clients.duplicateRate = 0.1;
        s.clients.unverifiedRate = 0.2;
        const auto eligible = eligiblePerCampaign(s);

        Engine engine;
        const auto snap = runToEnd(engine, s);
        QVERIFY(snap);
        verifyInvariants(*snap);
        QCOMPARE(snap->overIssued, std::int64_t(0));
        QCOMPARE(snap->campaigns[0].issued, std::min<std::int64_t>(120, eligible[0]));
        QCOMPARE(snap->campaigns[1].issued, std::min<std::int64_t>(5000, eligible[1]));
        QVERIFY(snap->duplicates > 0);
        QVERIFY(snap->rejected[std::size_t(core::RejectReason::NotVerified)] > 0);
        COMPARE_ENUM(snap->status, RunStatus::Completed);
    }

    void noneOverIssuesWithTwoOrMoreWorkers() {
        // seed-003's shape: 10,000 users on 100 units, four workers deciding with read-check-write.
        const sim::Scenario s = spike(10000, 100, "none", core::Pipeline::DecideInWorker, 4, 4);
        Engine engine;
        const auto snap = runToEnd(engine, s);
        QVERIFY(snap);
        verifyInvariants(*snap);
        QVERIFY2(snap->overIssued > 0, "none must visibly over-issue under contention");
        QVERIFY(snap->run.guardRacesOnPurpose);
    }

    void singleConsumerIsFairAndRepeatable() {
        sim::Scenario s = spike(3000, 500, "single-consumer", core::Pipeline::DecideInWorker, 4, 4);
        Engine first, second;
        const auto a = runToEnd(first, s);
        const auto b = runToEnd(second, s);
        QVERIFY(a && b);
        QCOMPARE(a->run.partitions, 1);
        QCOMPARE(a->run.consumers, 1);
        QCOMPARE(a->fairnessInversions, std::int64_t(0));
        QCOMPARE(a->issued, std::int64_t(500));
        QCOMPARE(a->winnersSha256.size(), std::size_t(64));
        QCOMPARE(a->winnersSha256, b->winnersSha256);
        s.seed = 12;
        Engine third;
        const auto c = runToEnd(third, s);
        QVERIFY(c);
        QVERIFY(c->winnersSha256 != a->winnersSha256);
    }

    void lotteryIsRepeatableForASeed_data() {
        QTest::addColumn<int>("pipeline");
        QTest::newRow("decide-in-worker") << int(core::Pipeline::DecideInWorker);
        QTest::newRow("decide-at-ingress") << int(core::Pipeline::DecideAtIngress);
        QTest::newRow("sync") << int(core::Pipeline::Sync);
    }
    void lotteryIsRepeatableForASeed() {
        QFETCH(int, pipeline);
        sim::Scenario s = spike(800, 30, "atomic", core::Pipeline(pipeline));
        s.campaigns[0].policy = core::Policy::Lottery;
        s.campaigns[0].closesAfterMs = 900;
        const auto eligible = eligiblePerCampaign(s)[0];
        Engine e1, e2, e3;
        const auto a = runToEnd(e1, s);
        const auto b = runToEnd(e2, s);
        QVERIFY(a && b);
        verifyInvariants(*a);
        QCOMPARE(a->issued, std::int64_t(30));
        QCOMPARE(a->rejected[std::size_t(core::RejectReason::LotteryLost)], eligible - 30);
        QVERIFY(a->rejected[std::size_t(core::RejectReason::Closed)] > 0);
        QCOMPARE(a->winnersSha256, b->winnersSha256);
        QVERIFY(a->campaigns[0].lotteryDrawn);
        s.seed = 99;
        const auto c = runToEnd(e3, s);
        QVERIFY(c);
        QVERIFY(c->winnersSha256 != a->winnersSha256);
    }

    void realtimeAndAsapAgree_data() { lotteryIsRepeatableForASeed_data(); }
    void realtimeAndAsapAgree() {
        // Windows and draws follow the arrivals' scheduled times, not how fast they were fed:
        // played in real time or as fast as possible, the same people enter and win.
        QFETCH(int, pipeline);
        sim::Scenario s = spike(300, 20, "atomic", core::Pipeline(pipeline), 2, 2);
        s.arrivals[0].overMs = 300;
        s.campaigns[0].policy = core::Policy::Lottery;
        s.campaigns[0].closesAfterMs = 200;
        core::Campaign fc;
        fc.id = "c2";
        fc.stock = 1000;
        fc.closesAfterMs = 150;
        s.campaigns.push_back(fc);
        sim::ArrivalSpec a = s.arrivals[0];
        a.campaign = "c2";
        s.arrivals.push_back(a);
        const auto eligible = eligiblePerCampaign(s);
        Engine fast, slow;
        const auto asap = runToEnd(fast, s);
        s.run.pace = core::Pace::Realtime;
        const auto realtime = runToEnd(slow, s);
        QVERIFY(asap && realtime);
        verifyInvariants(*realtime);
        QVERIFY(realtime->wallS >= 0.29);
        QCOMPARE(realtime->campaigns[1].issued, eligible[1]);
        QCOMPARE(asap->campaigns[1].issued, eligible[1]);
        QCOMPARE(realtime->campaigns[0].issued, std::int64_t(20));
        QCOMPARE(realtime->winnersSha256, asap->winnersSha256);
    }

    void dlqReplayNeverIssuesTwice_data() {
        QTest::addColumn<int>("pipeline");
        QTest::newRow("decide-in-worker") << int(core::Pipeline::DecideInWorker);
        QTest::newRow("decide-at-ingress") << int(core::Pipeline::DecideAtIngress);
        QTest::newRow("sync") << int(core::Pipeline::Sync);
    }
    void dlqReplayNeverIssuesTwice() {
        QFETCH(int, pipeline);
        sim::Scenario s = spike(1000, 700, "atomic", core::Pipeline(pipeline));
        s.faults.permanentFailureRate = 0.2;
        s.faults.transientFailureRate = 0.1;
        s.run.retryBackoffMs = 0.2;
        Engine engine;
        const auto before = runToEnd(engine, s);
        QVERIFY(before);
        verifyInvariants(*before);
        QVERIFY(before->dlqSize > 100);
        QCOMPARE(before->dlqSize, before->states[std::size_t(core::RequestState::FailedFinal)]);
        QVERIFY(before->retries > 0);
        const auto letters = engine.listDlq();
        QCOMPARE(std::int64_t(letters.size()), before->dlqSize);
        QVERIFY(!letters.front().errors.empty());
        QVERIFY(letters.front().payload.find("\"campaign\":\"c1\"") != std::string::npos);

        auto job = engine.replayDlq({}, 0);
        QVERIFY(job);
        QVERIFY(job->wait(std::chrono::seconds(60)));
        // A second replay of the same entries finds them gone: nothing is sent twice.
        std::vector<core::RequestId> ids;
        for (const auto& l : letters) ids.push_back(l.requestId);
        auto again = engine.replayDlq(ids, 0);
        QVERIFY(again->wait(std::chrono::seconds(30)));
        QCOMPARE(again->progress().sent, std::int64_t(0));
        QCOMPARE(again->progress().skipped, std::int64_t(ids.size()));

        QTRY_VERIFY_WITH_TIMEOUT(engine.snapshot()->finals == engine.snapshot()->admitted, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(engine.snapshot()->replayed == std::int64_t(ids.size()), 10000);
        const auto after = engine.snapshot();
        verifyInvariants(*after);
        QCOMPARE(after->dlqSize, std::int64_t(0));
        QCOMPARE(after->overIssued, std::int64_t(0));
        QCOMPARE(after->issued, std::int64_t(700));  // 1000 eligible users, 700 units
        QCOMPARE(after->states[std::size_t(core::RequestState::FailedFinal)], std::int64_t(0));
    }

    void workerCrashesRedeliverInFlight() {
        sim::Scenario s = spike(3000, 1000, "atomic", core::Pipeline::DecideInWorker);
        s.faults.workerCrashes = 3;
        Engine engine;
        const auto snap = runToEnd(engine, s);
        QVERIFY(snap);
        verifyInvariants(*snap);
        QCOMPARE(snap->workerCrashes, std::int64_t(3));
        QCOMPARE(snap->redeliveries, std::int64_t(3));
        QCOMPARE(snap->issued, std::int64_t(1000));
    }

    void shedsWhenTheQueueIsFull() {
        sim::Scenario s = spike(3000, 3000, "atomic", core::Pipeline::DecideInWorker, 1, 1);
        s.run.queueCapacity = 16;
        s.run.backpressure = core::Backpressure::Shed;
        s.faults.processingDelayUs = 100;
        Engine engine;
        const auto snap = runToEnd(engine, s);
        QVERIFY(snap);
        verifyInvariants(*snap);
        const auto shed = snap->rejected[std::size_t(core::RejectReason::Overloaded)];
        QVERIFY(shed > 0);
        QCOMPARE(snap->issued + shed, std::int64_t(3000));
    }

    void campaignWindowClosesOnTime() {
        sim::Scenario s = spike(2000, 5000, "atomic", core::Pipeline::DecideInWorker);
        s.campaigns[0].opensAfterMs = 100;
        s.campaigns[0].closesAfterMs = 600;
        const auto eligible = eligiblePerCampaign(s)[0];
        Engine engine;
        const auto snap = runToEnd(engine, s);
        QVERIFY(snap);
        QCOMPARE(snap->issued, eligible);
        QCOMPARE(snap->rejected[std::size_t(core::RejectReason::Closed)], 2000 - eligible);
    }

    void rateCapHoldsProcessingBack() {
        sim::Scenario s = spike(100, 100, "atomic", core::Pipeline::DecideInWorker, 2, 2);
        s.campaigns[0].rateLimitRps = 500;
        s.campaigns[0].maxInFlight = 1;
        Engine engine;
        const auto snap = runToEnd(engine, s);
        QVERIFY(snap);
        QCOMPARE(snap->issued, std::int64_t(100));
        // 100 requests at 500/s cannot finish in less than ~198 ms: a lower bound, not a timing.
        QVERIFY2(snap->wallS >= 0.19, qPrintable(QString::number(snap->wallS)));
    }
};

QTEST_GUILESS_MAIN(TestEngineRuns)
#include "tst_engine_runs.moc"
