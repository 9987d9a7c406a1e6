// The bench's raw floor: every arrival goes through the loop, repeats are admitted once, exactly
// the stock is issued; and the processor is named as lscpu names it.
#include <QtTest>

#include <QProcess>

#include "engine_test_support.h"
#include "sim/arrivals.h"
#include "stampede/bench/floor.h"

using namespace stampede;

class TestBenchFloor : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void everyArrivalThroughTheLoopAndExactlyTheStock() {
        sim::Scenario s = test::spike(5000, 700, "atomic", core::Pipeline::DecideInWorker);
        s.clients.duplicateRate = 0.2;  // repeats count as requests, never as a second unit
        const std::size_t arrivals = sim::generateArrivals(s).size();
        QVERIFY(arrivals > 5000);
        const bench::BenchFloorResult floor = bench::measureFloor(s);
        QCOMPARE(floor.requests, arrivals);
        QCOMPARE(floor.issued, 700LL);
        QVERIFY(floor.seconds > 0);

        s.campaigns.front().stock = 9000;  // more stock than users: one unit per user
        QCOMPARE(bench::measureFloor(s).issued, 5000LL);
    }

    void noCampaignMeasuresNothing() {
        sim::Scenario s;
        const bench::BenchFloorResult floor = bench::measureFloor(s);
        QCOMPARE(floor.requests, std::size_t(0));
        QCOMPARE(floor.issued, 0LL);
    }

    void processorIsNamedAsLscpuNamesIt() {
        QProcess lscpu;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("LC_ALL"), QStringLiteral("C"));
        lscpu.setProcessEnvironment(env);
        lscpu.start(QStringLiteral("lscpu"), {});
        QVERIFY2(lscpu.waitForFinished(10000), "lscpu (util-linux) must run here");
        QString expected;
        for (const QString& line : QString::fromUtf8(lscpu.readAllStandardOutput()).split(u'\n'))
            if (line.startsWith(QStringLiteral("Model name:"))) {
                expected = line.section(u':', 1).trimmed();
                break;
            }
        QVERIFY2(!expected.isEmpty(), "lscpu prints no Model name");
        QCOMPARE(QString::fromStdString(bench::processorModel()), expected);
    }
};

QTEST_GUILESS_MAIN(TestBenchFloor)
#include "tst_bench_floor.moc"
