// A comparison as trainers use it: lanes from lists and from "k=v" text with bad input named, every
// lane fed the identical arrival stream, a lane whose live system is not configured skipped with
// the reason while the others run, stop() skipping what waits; the table's best marks; findings
// parsed, checked and failing when they do not hold; lesson files refused with the file and field.
#include <QtTest>

#include <QJsonArray>
#include <QJsonObject>
#include <QTemporaryDir>

#include "engine_test_support.h"
#include "stampede/compare/comparison.h"
#include "stampede/compare/comparison_json.h"
#include "stampede/compare/comparison_table.h"
#include "stampede/compare/lesson.h"

using namespace stampede;
using namespace stampede::compare;

namespace {

LaneConfig lane(const char* text) {
    std::string error;
    auto l = parseLane(text, error);
    if (!l) qFatal("lane '%s': %s", text, error.c_str());
    return *l;
}

ComparisonSpec smallSpec(std::vector<LaneConfig> lanes, std::int64_t users = 3000) {
    ComparisonSpec spec;
    spec.scenario = test::spike(users, 100, "mutex", core::Pipeline::DecideInWorker, 2, 2);
    spec.scenario.clients.duplicateRate = 0.1;
    spec.lanes = std::move(lanes);
    return spec;
}

std::vector<LaneResult> runToEnd(Comparison& c) {
    c.start();
    if (!c.waitForEnd(std::chrono::seconds(120))) return {};
    return c.lanes();
}

void writeFile(const QString& path, const QByteArray& text) {
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(text);
}

}  // namespace

class TstCompare : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void lanesParseFromText() {
        std::string error;
        const auto l = parseLane("guard=redis-lua, pipeline=sync,workers=8,name=lua", error);
        QVERIFY2(l, error.c_str());
        QCOMPARE(*l->guard, std::string("redis-lua"));
        QVERIFY(l->pipeline == core::Pipeline::DecideInWorker || l->pipeline.has_value());
        QCOMPARE(*l->workers, 8);
        QCOMPARE(laneLabel(*l), std::string("lua"));
        QCOMPARE(laneLabel(lane("guard=atomic,workers=4")), std::string("atomic · 4 workers"));
        const LaneConfig pooled = lane("guard=mysql-pessimistic,pool=4");
        QCOMPARE(*pooled.pool, 4);
        QCOMPARE(laneLabel(pooled), std::string("mysql-pessimistic · pool 4"));
        sim::Scenario s;
        QVERIFY(applyLane(pooled, s, error));
        QCOMPARE(s.run.dbPool, 4);
    }

    void badLanesAreNamed_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("named");
        QTest::newRow("empty") << ""
                               << "empty lane";
        QTest::newRow("no equals") << "guard"
                                   << "'guard' is not KEY=VALUE";
        QTest::newRow("unknown key") << "colour=red"
                                     << "unknown key 'colour'";
        QTest::newRow("workers") << "workers=0"
                                 << "workers";
        QTest::newRow("partitions") << "partitions=x"
                                    << "partitions";
        QTest::newRow("pipeline") << "pipeline=teleport"
                                  << "teleport";
        QTest::newRow("pace") << "pace=warp"
                              << "warp";
        QTest::newRow("pool") << "pool=0"
                              << "pool: expected an integer in [1, 1024]";
    }
    void badLanesAreNamed() {
        QFETCH(QString, text);
        QFETCH(QString, named);
        std::string error;
        QVERIFY(!parseLane(text.toStdString(), error));
        QVERIFY2(QString::fromStdString(error).contains(named), error.c_str());
    }

    void crossProductPutsGuardsOutermost() {
        LaneLists lists;
        lists.guards = {"none", "atomic"};
        lists.workers = {"2", "4", "8"};
        std::string error;
        const auto lanes = crossProduct(lists, error);
        QVERIFY2(lanes, error.c_str());
        QCOMPARE(lanes->size(), std::size_t(6));
        QCOMPARE(*(*lanes)[0].guard, std::string("none"));
        QCOMPARE(*(*lanes)[2].workers, 8);
        QCOMPARE(*(*lanes)[3].guard, std::string("atomic"));
        QCOMPARE(*(*lanes)[3].workers, 2);
        lists.workers = {"2", "many"};
        QVERIFY(!crossProduct(lists, error));
        QVERIFY2(QString::fromStdString(error).startsWith(QLatin1String("--workers: ")),
                 error.c_str());
    }

    void labelsAreMadeUnique() {
        const auto labels =
            uniqueLabels({lane("guard=atomic"), lane("guard=atomic"), lane("guard=mutex")});
        QCOMPARE(labels.size(), std::size_t(3));
        QVERIFY(labels[0] != labels[1]);
        QCOMPARE(labels[2], std::string("mutex"));
    }

    void validateRefusesTheLaneCountAndBadLanes() {
        QVERIFY(validate(smallSpec({lane("guard=none")})).find("2 to 12") != std::string::npos);
        std::vector<LaneConfig> thirteen(13, lane("guard=atomic"));
        QVERIFY(validate(smallSpec(thirteen)).find("13") != std::string::npos);
        LaneConfig unknownGuard;  // parseLane refuses it; a front end may still build one
        unknownGuard.guard = "no-such-guard";
        const std::string unknown = validate(smallSpec({lane("guard=none"), unknownGuard}));
        QVERIFY2(unknown.find("lane 2") != std::string::npos, unknown.c_str());
        QVERIFY2(unknown.find("no-such-guard") != std::string::npos, unknown.c_str());
        QVERIFY(validate(smallSpec({lane("guard=none"), lane("guard=atomic")})).empty());
    }

    // Every lane plays the identical stream: the same requests, duplicates and users, whatever
    // the guard; only the racy lane over-issues, and only it carries witnesses.
    void everyLaneGetsTheIdenticalStream() {
        Comparison c(smallSpec(
            {lane("guard=none,workers=4"), lane("guard=atomic"), lane("guard=mutex,pipeline=sync")},
            20000));
        const auto lanes = runToEnd(c);
        QCOMPARE(lanes.size(), std::size_t(3));
        for (const auto& l : lanes) {
            COMPARE_ENUM(l.status, LaneStatus::Done);
            QVERIFY(l.snapshot);
            test::verifyInvariants(*l.snapshot);
            QCOMPARE(l.snapshot->requests, lanes[0].snapshot->requests);
            QCOMPARE(l.snapshot->duplicates, lanes[0].snapshot->duplicates);
            QCOMPARE(l.snapshot->run.seed, lanes[0].snapshot->run.seed);
        }
        QVERIFY(lanes[0].snapshot->duplicates > 0);
        QCOMPARE(lanes[1].snapshot->overIssued, std::int64_t(0));
        QCOMPARE(lanes[1].snapshot->issued, std::int64_t(100));
        QCOMPARE(lanes[2].snapshot->issued, std::int64_t(100));
        QVERIFY(lanes[1].snapshot->raceWitnesses.empty());
        QVERIFY(lanes[2].snapshot->raceWitnesses.empty());
        QCOMPARE(lanes[0].snapshot->run.guard, std::string("none"));
        QCOMPARE(lanes[0].snapshot->run.workers, 4);
        QVERIFY(lanes[0].snapshot->overIssued == 0 || !lanes[0].snapshot->raceWitnesses.empty());

        const QJsonObject json = comparisonJson(c.spec(), lanes, "test");
        const QJsonArray jl = json.value(QLatin1String("lanes")).toArray();
        QCOMPARE(jl.size(), 3);
        QCOMPARE(jl[1].toObject().value(QLatin1String("lane")).toString(),
                 QStringLiteral("atomic"));
        QVERIFY(jl[1].toObject().value(QLatin1String("skipped")).isNull());
        QCOMPARE(jl[1].toObject().value(QLatin1String("issued")).toInteger(), 100);
        QCOMPARE(json.value(QLatin1String("concurrent")).toBool(), false);
        QVERIFY(!json.value(QLatin1String("machine"))
                     .toObject()
                     .value(QLatin1String("cpu"))
                     .toString()
                     .isEmpty());
    }

    // A lane whose system is not configured is skipped with what to configure; the others run.
    void anUnconfiguredLaneIsSkippedWithTheReason() {
        Comparison c(smallSpec({lane("guard=mysql-pessimistic"), lane("guard=atomic")}));
        const auto lanes = runToEnd(c);
        QCOMPARE(lanes.size(), std::size_t(2));
        COMPARE_ENUM(lanes[0].status, LaneStatus::Skipped);
        QVERIFY2(QString::fromStdString(lanes[0].skipped)
                     .contains(QLatin1String("MySQL"), Qt::CaseInsensitive),
                 lanes[0].skipped.c_str());
        QVERIFY(!lanes[0].snapshot);
        COMPARE_ENUM(lanes[1].status, LaneStatus::Done);
        QCOMPARE(lanes[1].snapshot->issued, std::int64_t(100));

        const ComparisonTable table = comparisonTable(lanes);
        QCOMPARE(table.rows.size(), std::size_t(2));
        QCOMPARE(table.rows[0].status, std::string("skipped"));
        QVERIFY(table.rows[0].values.empty());
        const QJsonObject skipped = comparisonJson(c.spec(), lanes, "test")
                                        .value(QLatin1String("lanes"))
                                        .toArray()[0]
                                        .toObject();
        QVERIFY(skipped.value(QLatin1String("skipped")).isString());
    }

    // Stopped while the first lane runs: it ends (drained), the ones waiting are skipped.
    void stopSkipsTheWaitingLanes() {
        ComparisonSpec spec =
            smallSpec({lane("guard=atomic"), lane("guard=mutex"), lane("guard=semaphore")}, 200000);
        spec.scenario.arrivals[0].overMs = 20000;
        spec.scenario.run.pace = core::Pace::Realtime;
        Comparison c(std::move(spec));
        c.start();
        QTRY_VERIFY_WITH_TIMEOUT(c.lanes()[0].status == LaneStatus::Running, 30000);
        c.stop();
        QVERIFY(c.waitForEnd(std::chrono::seconds(60)));
        const auto lanes = c.lanes();
        COMPARE_ENUM(lanes[0].status, LaneStatus::Done);
        QVERIFY(lanes[0].snapshot->arrivalsFed < lanes[0].snapshot->arrivalsTotal);
        for (std::size_t i = 1; i < lanes.size(); ++i) {
            COMPARE_ENUM(lanes[i].status, LaneStatus::Skipped);
            QVERIFY(lanes[i].skipped.find("stopped") != std::string::npos);
        }
    }

    void concurrentLanesShareTheMachineAndSayItInJson() {
        ComparisonSpec spec = smallSpec({lane("guard=atomic"), lane("guard=mutex")});
        spec.concurrent = true;
        Comparison c(std::move(spec));
        const auto lanes = runToEnd(c);
        for (const auto& l : lanes) {
            COMPARE_ENUM(l.status, LaneStatus::Done);
            QCOMPARE(l.snapshot->issued, std::int64_t(100));
        }
        QVERIFY(comparisonJson(c.spec(), lanes, "t").value(QLatin1String("concurrent")).toBool());
    }

    void theTableMarksTheBest() {
        Comparison c(smallSpec({lane("guard=none,workers=4"), lane("guard=atomic")}, 20000));
        const auto lanes = runToEnd(c);
        const ComparisonTable table = comparisonTable(lanes);
        const auto& columns = tableColumns();
        QCOMPARE(table.best.size(), columns.size());
        std::size_t over = columns.size();
        for (std::size_t i = 0; i < columns.size(); ++i)
            if (columns[i].metric == "over_issued") over = i;
        QVERIFY(over < columns.size());
        if (lanes[0].snapshot->overIssued > 0) {
            // atomic's 0 beats none's over-issue.
            QCOMPARE(table.best[over], std::vector<int>{1});
        } else {
            QVERIFY(table.best[over].empty());  // every lane holds the best: nothing marked
        }
        const std::string csv = tableCsv(table);
        QVERIFY(csv.find("over") != std::string::npos);
        QCOMPARE(std::count(csv.begin(), csv.end(), '\n'), std::ptrdiff_t(3));
    }

    void findingsParse_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("ok");
        QTest::newRow("number") << "none: over_issued > 0" << true;
        QTest::newRow("multiple") << "atomic: throughput_rps > 3 × redis-lock" << true;
        QTest::newRow("ascii x") << "atomic: throughput_rps >= 2 x mutex" << true;
        QTest::newRow("every lane") << "*: requests == 10000" << true;
        QTest::newRow("dotted") << "mutex: latency_ms.e2e.p95 < 500" << true;
        QTest::newRow("campaign") << "mutex: campaigns.1.issued == 5" << true;
        QTest::newRow("no colon") << "none over_issued > 0" << false;
        QTest::newRow("no op") << "none: over_issued 0" << false;
        QTest::newRow("unknown metric") << "none: happiness > 0" << false;
        QTest::newRow("star right") << "none: issued > 2 × *" << false;
    }
    void findingsParse() {
        QFETCH(QString, text);
        QFETCH(bool, ok);
        std::string error;
        const auto f = parseFinding(text.toStdString(), error);
        QCOMPARE(f.has_value(), ok);
        if (!ok) QVERIFY(!error.empty());
    }

    // A finding holds or does not on the lanes' summaries; one on a skipped lane fails, unchecked.
    void findingsAreChecked() {
        Comparison c(smallSpec(
            {lane("guard=atomic"), lane("guard=mutex"), lane("guard=mysql-pessimistic")}));
        const auto lanes = runToEnd(c);
        std::vector<Finding> findings;
        for (const char* text :
             {"atomic: issued == 100", "*: over_issued == 0", "atomic: issued > 100",
              "mutex: requests == 1 × atomic", "mysql-pessimistic: over_issued == 0",
              "mutex: winners_sha256 == atomic"}) {
            std::string error;
            auto f = parseFinding(text, error);
            QVERIFY2(f, error.c_str());
            findings.push_back(*f);
        }
        const auto results = checkFindings(findings, lanes);
        QCOMPARE(results.size(), findings.size());
        QVERIFY2(results[0].holds, results[0].detail.c_str());
        // "Every lane" cannot be said of a comparison with a skipped lane.
        QVERIFY(!results[1].holds);
        QVERIFY2(results[1].detail.find("skipped") != std::string::npos, results[1].detail.c_str());
        QVERIFY(!results[2].holds);
        QVERIFY(results[2].checked);
        QVERIFY(results[2].detail.find("100") != std::string::npos);
        QVERIFY2(results[3].holds, results[3].detail.c_str());
        QVERIFY(!results[4].holds);
        QVERIFY(!results[4].checked);
        QVERIFY2(results[4].detail.find("skipped") != std::string::npos, results[4].detail.c_str());
        QVERIFY(results[5].checked);  // first come: the winner sets may differ between guards
    }

    void shippedLessonsLoad() {
        const auto names = shippedLessons();
        QVERIFY(names.size() >= 6);
        for (const std::string& name : names) {
            std::string error;
            const auto lesson = findLesson(name, error);
            QVERIFY2(lesson, error.c_str());
            QVERIFY(!lesson->title.empty());
            QVERIFY(!lesson->watch.empty());
            QVERIFY(!lesson->findings.empty());
            ComparisonSpec spec{lesson->scenario, lesson->lanes, lesson->concurrent, {}, {}};
            QVERIFY2(validate(spec).empty(), name.c_str());
        }
        std::string error;
        QVERIFY(!findLesson("no-such-lesson", error));
        QVERIFY2(error.find("seed-003-journey") != std::string::npos, error.c_str());
    }

    void badLessonsNameTheFileAndField_data() {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("named");
        const QByteArray scenario = R"("scenario": "../seed-003.json")";
        QTest::newRow("not json") << QByteArray("{ nope") << "not a JSON object";
        QTest::newRow("no title") << QByteArray(R"({"watch": "w", )" + scenario +
                                                R"(, "lanes": ["guard=none", "guard=mutex"],
                                                "findings": ["none: issued > 0"]})")
                                  << "title";
        QTest::newRow("one lane") << QByteArray(R"({"title": "t", "watch": "w", )" + scenario +
                                                R"(, "lanes": ["guard=none"],
                                                "findings": ["none: issued > 0"]})")
                                  << "lanes";
        QTest::newRow("bad lane") << QByteArray(R"({"title": "t", "watch": "w", )" + scenario +
                                                R"(, "lanes": ["guard=none", "speed=9"],
                                                "findings": ["none: issued > 0"]})")
                                  << "lanes[1]";
        QTest::newRow("unknown lane in finding")
            << QByteArray(R"({"title": "t", "watch": "w", )" + scenario +
                          R"(, "lanes": ["guard=none", "guard=mutex"],
                          "findings": ["none: issued > 0", "atomic: issued > 0"]})")
            << "findings[1]";
        QTest::newRow("no findings") << QByteArray(R"({"title": "t", "watch": "w", )" + scenario +
                                                   R"(, "lanes": ["guard=none", "guard=mutex"],
                                                   "findings": []})")
                                     << "findings";
        QTest::newRow("missing scenario")
            << QByteArray(R"({"title": "t", "watch": "w", "scenario": "nowhere.json",
                          "lanes": ["guard=none", "guard=mutex"],
                          "findings": ["none: issued > 0"]})")
            << "scenario";
    }
    void badLessonsNameTheFileAndField() {
        QFETCH(QByteArray, json);
        QFETCH(QString, named);
        QTemporaryDir dir;
        QVERIFY(QDir().mkpath(dir.filePath(QStringLiteral("lessons"))));
        QVERIFY(QFile::copy(QStringLiteral(STAMPEDE_SOURCE_DIR "/simulations/seed-003.json"),
                            dir.filePath(QStringLiteral("seed-003.json"))));
        const QString path = dir.filePath(QStringLiteral("lessons/bad.json"));
        writeFile(path, json);
        std::string error;
        QVERIFY(!loadLesson(path.toStdString(), error));
        const QString e = QString::fromStdString(error);
        QVERIFY2(e.startsWith(path), error.c_str());
        QVERIFY2(e.contains(named), error.c_str());
    }
};

QTEST_GUILESS_MAIN(TstCompare)
#include "tst_compare.moc"
