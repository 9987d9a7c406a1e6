// Race witnesses: the recorder calls a pair a collision exactly when both decisions read the same
// stock before the other had written (and, for an atomic decrement, only when one went below
// zero), keeps at most kMaxRaceWitnesses, and a run's snapshot carries them in run time for the
// guards that race on purpose and for no correct guard.
#include <QtTest>

#include "engine_test_support.h"
#include "guards/race_recorder.h"

using namespace stampede;
using guards::RaceDecision;
using guards::RaceRecorder;

namespace {

RaceDecision decision(int worker, std::int64_t readNs, std::int64_t read, std::int64_t writeNs,
                      std::int64_t written) {
    return {.worker = worker,
            .readNs = readNs,
            .valueRead = read,
            .writeNs = writeNs,
            .valueWritten = written,
            .atIngress = false};
}

}  // namespace

class TstRaceRecorder : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void overlappingReadsOfOneValueCollide() {
        RaceRecorder r(RaceRecorder::Kind::LostUpdate);
        r.reset(1);
        r.note(0, decision(1, 100, 7, 300, 6));
        r.note(0, decision(2, 200, 7, 400, 6));  // read 7 before worker 1 wrote 6
        const auto w = r.witnesses();
        QCOMPARE(w.size(), std::size_t(1));
        QCOMPARE(w[0].campaign, 0);
        QCOMPARE(w[0].first.worker, 1);
        QCOMPARE(w[0].second.worker, 2);
        QCOMPARE(w[0].first.valueRead, std::int64_t(7));
        QCOMPARE(w[0].second.valueRead, std::int64_t(7));
    }

    void theEarlierReadIsFirstWhicheverWroteFirst() {
        RaceRecorder r(RaceRecorder::Kind::LostUpdate);
        r.reset(1);
        r.note(0, decision(4, 200, 9, 250, 8));  // read later, wrote first
        r.note(0, decision(3, 100, 9, 500, 8));
        const auto w = r.witnesses();
        QCOMPARE(w.size(), std::size_t(1));
        QCOMPARE(w[0].first.worker, 3);
        QCOMPARE(w[0].second.worker, 4);
    }

    void aReadAfterTheWriteIsNoCollision() {
        RaceRecorder r(RaceRecorder::Kind::LostUpdate);
        r.reset(1);
        r.note(0, decision(1, 100, 7, 300, 6));
        r.note(0, decision(2, 300, 7, 400, 6));  // read at the write's instant: saw it
        r.note(0, decision(2, 500, 6, 600, 5));  // the next value: a correct sequence
        QVERIFY(r.witnesses().empty());
    }

    void differentValuesOrCampaignsNeverCollide() {
        RaceRecorder r(RaceRecorder::Kind::LostUpdate);
        r.reset(2);
        r.note(0, decision(1, 100, 7, 300, 6));
        r.note(0, decision(2, 150, 8, 350, 7));
        r.note(1, decision(3, 120, 7, 320, 6));  // same value, other campaign
        QVERIFY(r.witnesses().empty());
        r.note(2, decision(3, 120, 7, 320, 6));  // no such campaign: ignored, no crash
        r.note(-1, decision(3, 120, 7, 320, 6));
        QVERIFY(r.witnesses().empty());
    }

    void anOverdraftCollidesOnlyBelowZero() {
        RaceRecorder r(RaceRecorder::Kind::Overdraft);
        r.reset(1);
        // Both read 5 and each decremented atomically: 4 and 3, no unit beyond stock.
        r.note(0, decision(1, 100, 5, 300, 4));
        r.note(0, decision(2, 200, 5, 400, 3));
        QVERIFY(r.witnesses().empty());
        // Both read 1: the second decrement went to -1, a unit beyond stock.
        r.note(0, decision(1, 500, 1, 700, 0));
        r.note(0, decision(2, 600, 1, 800, -1));
        QCOMPARE(r.witnesses().size(), std::size_t(1));
    }

    void keepsAtMostTheBound() {
        RaceRecorder r(RaceRecorder::Kind::LostUpdate);
        r.reset(1);
        for (int v = 1000; v > 0; --v) {
            r.note(0, decision(1, v * 10, v, v * 10 + 5, v - 1));
            r.note(0, decision(2, v * 10 + 1, v, v * 10 + 6, v - 1));
        }
        QCOMPARE(r.witnesses().size(), std::size_t(guards::kMaxRaceWitnesses));
        QVERIFY(r.full());
        r.reset(1);
        QVERIFY(!r.full());
        QVERIFY(r.witnesses().empty());
    }

    // A run with none over-issues and its snapshot shows how: pairs of decisions that read the
    // same stock, in run time, by the run's own workers.
    void aRacyRunCarriesItsWitnesses() {
        sim::Scenario s = test::spike(20000, 200, "none", core::Pipeline::DecideInWorker, 4, 4);
        Engine engine;
        const auto snap = test::runToEnd(engine, s);
        QVERIFY(snap);
        if (snap->overIssued == 0) QSKIP("this machine ran none without a race this time");
        QVERIFY(!snap->raceWitnesses.empty());
        QVERIFY(int(snap->raceWitnesses.size()) <= guards::kMaxRaceWitnesses);
        const auto runNs = std::int64_t((snap->wallS + 1) * 1e9);
        for (const auto& w : snap->raceWitnesses) {
            QCOMPARE(w.campaign, 0);
            QCOMPARE(w.first.valueRead, w.second.valueRead);
            QVERIFY(w.first.readNs <= w.second.readNs);
            QVERIFY(w.second.readNs < w.first.writeNs);  // read before the other's write
            for (const auto* d : {&w.first, &w.second}) {
                QVERIFY(d->readNs >= 0 && d->readNs <= runNs);
                QVERIFY(d->writeNs >= d->readNs);
                QVERIFY(d->worker >= 0 && d->worker < 4);
            }
        }
    }

    // mutex-early-release reads under the lock and still over-issues: seed 003's trap, witnessed.
    void theEarlyReleasedMutexIsWitnessed() {
        sim::Scenario s =
            test::spike(5000, 100, "mutex-early-release", core::Pipeline::DecideInWorker, 4, 4);
        Engine engine;
        const auto snap = test::runToEnd(engine, s);
        QVERIFY(snap);
        QVERIFY(snap->overIssued > 0);
        QVERIFY(!snap->raceWitnesses.empty());
        test::verifyInvariants(*snap);
    }

    // The correct guards record nothing.
    void correctGuardsRecordNone() {
        for (const char* guard : {"mutex", "atomic", "semaphore", "single-consumer"}) {
            sim::Scenario s = test::spike(5000, 100, guard, core::Pipeline::DecideInWorker, 4, 4);
            Engine engine;
            const auto snap = test::runToEnd(engine, s);
            QVERIFY2(snap, guard);
            QCOMPARE(snap->overIssued, std::int64_t(0));
            QVERIFY2(snap->raceWitnesses.empty(), guard);
        }
    }
};

QTEST_GUILESS_MAIN(TstRaceRecorder)
#include "tst_race_recorder.moc"
