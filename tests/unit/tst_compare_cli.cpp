// compare and lesson as a trainer runs them: seed 003 through the memory guards with one JSON
// summary per lane and the identical arrivals in each, the table with its best marks, a lesson
// whose finding is false failing with exit 3 and a ✗, bad input refused with exit 2 naming it.
#include <QtTest>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>

#include "cli_test_support.h"

namespace {

using Result = stampede::test::CliResult;
using stampede::test::cli;
using stampede::test::sim;

QJsonObject laneNamed(const QJsonArray& lanes, const QString& name) {
    for (const QJsonValue& l : lanes)
        if (l.toObject().value(QLatin1String("lane")).toString() == name) return l.toObject();
    return {};
}

}  // namespace

class TstCompareCli : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // Seed 003's done-means: every lane the same 10,000 requests; none and mutex-early-release
    // over-issue and show witnesses; mutex and atomic issue exactly the stock and show none.
    void seed003ThroughTheMemoryGuards() {
        const Result r =
            cli({QStringLiteral("compare"), sim("seed-003.json"), QStringLiteral("--guards"),
                 QStringLiteral("none,mutex,atomic,mutex-early-release"), QStringLiteral("--quiet"),
                 QStringLiteral("--json"), QStringLiteral("-")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QJsonParseError parse;
        const QJsonObject doc = QJsonDocument::fromJson(r.out, &parse).object();
        QVERIFY2(parse.error == QJsonParseError::NoError, qPrintable(parse.errorString()));
        const QJsonArray lanes = doc.value(QLatin1String("lanes")).toArray();
        QCOMPARE(lanes.size(), 4);
        QVERIFY(!doc.value(QLatin1String("concurrent")).toBool());
        QVERIFY(
            doc.value(QLatin1String("machine")).toObject().value(QLatin1String("cores")).toInt() >
            0);
        for (const QJsonValue& v : lanes) {
            const QJsonObject l = v.toObject();
            QCOMPARE(l.value(QLatin1String("lane_status")).toString(), QStringLiteral("done"));
            QVERIFY(l.value(QLatin1String("skipped")).isNull());
            QCOMPARE(l.value(QLatin1String("requests")).toInteger(), 10000);
            QCOMPARE(l.value(QLatin1String("duplicates")).toInteger(),
                     lanes[0].toObject().value(QLatin1String("duplicates")).toInteger());
        }
        for (const char* correct : {"mutex", "atomic"}) {
            const QJsonObject l = laneNamed(lanes, QLatin1String(correct));
            QCOMPARE(l.value(QLatin1String("over_issued")).toInteger(), 0);
            QCOMPARE(l.value(QLatin1String("issued")).toInteger(), 100);
            QVERIFY(l.value(QLatin1String("race_witnesses")).toArray().isEmpty());
        }
        for (const char* racy : {"none", "mutex-early-release"}) {
            const QJsonObject l = laneNamed(lanes, QLatin1String(racy));
            QVERIFY2(l.value(QLatin1String("over_issued")).toInteger() > 0, racy);
            const QJsonArray witnesses = l.value(QLatin1String("race_witnesses")).toArray();
            QVERIFY2(!witnesses.isEmpty() && witnesses.size() <= 16, racy);
        }
    }

    // The table: one row per lane, the best of a column marked with '*', and the witnesses.
    void theTableMarksTheBestAndTellsTheRace() {
        const Result r =
            cli({QStringLiteral("compare"), sim("seed-003.json"), QStringLiteral("--lane"),
                 QStringLiteral("guard=atomic"), QStringLiteral("--lane"),
                 QStringLiteral("guard=mutex-early-release"), QStringLiteral("--quiet")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QString out = QString::fromUtf8(r.out);
        QVERIFY2(out.contains(QLatin1String("atomic")), r.out.constData());
        QVERIFY2(out.contains(QLatin1Char('*')), r.out.constData());
        QVERIFY2(out.contains(QLatin1String("RACE")), r.out.constData());
    }

    // A lane on an unconfigured system is skipped with the reason; the comparison still answers.
    void anUnconfiguredLaneIsSkipped() {
        const Result r =
            cli({QStringLiteral("compare"), sim("seed-003.json"), QStringLiteral("--guards"),
                 QStringLiteral("mysql-atomic,atomic"), QStringLiteral("--quiet"),
                 QStringLiteral("--json"), QStringLiteral("-")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonArray lanes =
            QJsonDocument::fromJson(r.out).object().value(QLatin1String("lanes")).toArray();
        const QJsonObject mysql = laneNamed(lanes, QStringLiteral("mysql-atomic"));
        QCOMPARE(mysql.value(QLatin1String("lane_status")).toString(), QStringLiteral("skipped"));
        QVERIFY(mysql.value(QLatin1String("skipped"))
                    .toString()
                    .contains(QLatin1String("MySQL"), Qt::CaseInsensitive));
        QCOMPARE(
            laneNamed(lanes, QStringLiteral("atomic")).value(QLatin1String("issued")).toInteger(),
            100);
    }

    // --csv: the final table, one row per lane, the figures as the JSON has them.
    void theTableAsCsv() {
        QTemporaryDir dir;
        const QString json = dir.filePath(QStringLiteral("lanes.json"));
        const Result r =
            cli({QStringLiteral("compare"), sim("seed-003.json"), QStringLiteral("--guards"),
                 QStringLiteral("atomic,mysql-atomic"), QStringLiteral("--quiet"),
                 QStringLiteral("--csv"), QStringLiteral("-"), QStringLiteral("--json"), json});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QStringList rows =
            QString::fromUtf8(r.out).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(rows.size(), 3);
        const QStringList header = rows[0].split(QLatin1Char(','));
        QCOMPARE(header.value(0), QStringLiteral("lane"));
        const qsizetype issued = header.indexOf(QStringLiteral("issued"));
        QVERIFY(issued > 0);
        QCOMPARE(rows[1].split(QLatin1Char(',')).value(issued), QStringLiteral("100"));
        QVERIFY(rows[2].startsWith(QLatin1String("mysql-atomic,skipped,")));
        QVERIFY(QFile::exists(json));
    }

    // --report: one HTML file that needs no network, with the table, the charts, the witnesses
    // of the racy lane, the skipped lane's reason and the machine.
    void theReportIsSelfContained() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("report.html"));
        const Result r =
            cli({QStringLiteral("compare"), sim("seed-003.json"), QStringLiteral("--guards"),
                 QStringLiteral("atomic,mutex-early-release,mysql-atomic"),
                 QStringLiteral("--quiet"), QStringLiteral("--report"), path});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QString html = QString::fromUtf8(f.readAll());
        QVERIFY(html.startsWith(QLatin1String("<!DOCTYPE html>")));
        for (const char* part : {"mutex-early-release", "atomic", "skipped", "MySQL", "<svg",
                                 "recorded collisions", "over", "Xeon|EPYC|cores", "seed"}) {
            const QRegularExpression any(QString::fromLatin1(part));
            QVERIFY2(html.contains(any), part);
        }
        // Nothing fetched: no src or href, and the only URL is SVG's namespace.
        QVERIFY(!html.contains(QLatin1String("src=")));
        QVERIFY(!html.contains(QLatin1String("href=")));
        QCOMPARE(html.count(QLatin1String("http")),
                 html.count(QLatin1String("http://www.w3.org/2000/svg")));
        QCOMPARE(html.count(QLatin1String("<svg")), html.count(QLatin1String("</svg>")));
        const Result bad =
            cli({QStringLiteral("compare"), sim("seed-003.json"), QStringLiteral("--guards"),
                 QStringLiteral("atomic,mutex"), QStringLiteral("--quiet"),
                 QStringLiteral("--report"), QStringLiteral("/nonexistent/dir/report.html")});
        QVERIFY(bad.exitCode != 0);
        QVERIFY2(bad.err.contains("/nonexistent/dir/report.html"), bad.err.constData());
    }

    // Only skipped lanes: nothing ran, exit 1.
    void nothingRanIsAFailure() {
        const Result r =
            cli({QStringLiteral("compare"), sim("seed-003.json"), QStringLiteral("--guards"),
                 QStringLiteral("mysql-atomic,mysql-pessimistic"), QStringLiteral("--quiet")});
        QCOMPARE(r.exitCode, 1);
    }

    void badInputIsRefused_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("named");
        const QString seed = sim("seed-003.json");
        QTest::newRow("one lane") << QStringList{QStringLiteral("compare"), seed,
                                                 QStringLiteral("--guards"), QStringLiteral("none")}
                                  << "2 to 12";
        QTest::newRow("unknown guard")
            << QStringList{QStringLiteral("compare"), seed, QStringLiteral("--guards"),
                           QStringLiteral("none,nope")}
            << "nope";
        QTest::newRow("bad lane") << QStringList{QStringLiteral("compare"),
                                                 seed,
                                                 QStringLiteral("--lane"),
                                                 QStringLiteral("guard=none"),
                                                 QStringLiteral("--lane"),
                                                 QStringLiteral("colour=red")}
                                  << "colour";
        QTest::newRow("lists and lanes")
            << QStringList{QStringLiteral("compare"),  seed,
                           QStringLiteral("--guards"), QStringLiteral("none,mutex"),
                           QStringLiteral("--lane"),   QStringLiteral("guard=atomic")}
            << "--lane";
        QTest::newRow("bad workers")
            << QStringList{QStringLiteral("compare"),   seed,
                           QStringLiteral("--guards"),  QStringLiteral("none,mutex"),
                           QStringLiteral("--workers"), QStringLiteral("4,lots")}
            << "--workers";
        QTest::newRow("missing scenario")
            << QStringList{QStringLiteral("compare"), QStringLiteral("/nonexistent.json"),
                           QStringLiteral("--guards"), QStringLiteral("none,mutex")}
            << "/nonexistent.json";
        QTest::newRow("json and csv on stdout")
            << QStringList{QStringLiteral("compare"),  seed,
                           QStringLiteral("--guards"), QStringLiteral("none,mutex"),
                           QStringLiteral("--json"),   QStringLiteral("-"),
                           QStringLiteral("--csv"),    QStringLiteral("-")}
            << "--csv";
        QTest::newRow("unknown lesson")
            << QStringList{QStringLiteral("lesson"), QStringLiteral("no-such-lesson")}
            << "no-such-lesson";
        // Outputs that cannot be written are found before any lane runs (they were found after
        // every lane had run, and the comparison was lost).
        QTest::newRow("report in a folder that does not exist")
            << QStringList{QStringLiteral("compare"),  seed,
                           QStringLiteral("--guards"), QStringLiteral("none,mutex"),
                           QStringLiteral("--report"), QStringLiteral("/nonexistent/r.html")}
            << "--report /nonexistent/r.html: its folder /nonexistent does not exist; nothing "
               "was run";
        QTest::newRow("json into a folder")
            << QStringList{QStringLiteral("compare"),  seed,
                           QStringLiteral("--guards"), QStringLiteral("none,mutex"),
                           QStringLiteral("--json"),   QDir::tempPath()}
            << "it is a folder";
        QTest::newRow("csv and report the same file")
            << QStringList{QStringLiteral("compare"),  seed,
                           QStringLiteral("--guards"), QStringLiteral("none,mutex"),
                           QStringLiteral("--csv"),    QDir::tempPath() + QStringLiteral("/x.csv"),
                           QStringLiteral("--report"), QDir::tempPath() + QStringLiteral("/x.csv")}
            << "--csv and --report both write to";
        QTest::newRow("lesson report nowhere")
            << QStringList{QStringLiteral("lesson"), QStringLiteral("2-synchronized-trap"),
                           QStringLiteral("--report"), QStringLiteral("/nonexistent/r.html")}
            << "stampede-cli lesson: --report /nonexistent/r.html";
        QTest::newRow("run json nowhere")
            << QStringList{QStringLiteral("run"), sim("seed-000.json"), QStringLiteral("--json"),
                           QStringLiteral("/nonexistent/s.json")}
            << "stampede-cli run: --json /nonexistent/s.json";
    }
    void badInputIsRefused() {
        QFETCH(QStringList, args);
        QFETCH(QString, named);
        const Result r = cli(args);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(QString::fromUtf8(r.err).contains(named), r.err.constData());
        QVERIFY(r.out.isEmpty());
    }

    void lessonsAreListed() {
        const Result r = cli({QStringLiteral("lesson"), QStringLiteral("--list")});
        QCOMPARE(r.exitCode, 0);
        for (const char* name : {"1-seed-003-journey", "2-synchronized-trap", "3-connection-pool",
                                 "4-single-partition", "5-first-come-vs-lottery", "6-retry-storm"})
            QVERIFY2(r.out.contains(name), name);
    }

    // The memory-only shipped lesson holds on any machine.
    void theSynchronizedTrapHolds() {
        const Result r = cli({QStringLiteral("lesson"), QStringLiteral("2-synchronized-trap"),
                              QStringLiteral("--quiet")});
        QVERIFY2(r.exitCode == 0, QByteArray(r.out + r.err).constData());
        QVERIFY(r.out.contains("✓"));
        QVERIFY(!r.out.contains("✗"));
    }

    // A lesson whose finding is false fails: exit 3, the finding marked ✗ with the values, and
    // "LESSON FAILED" on stderr; the JSON says which finding.
    void aFalseFindingFailsTheLesson() {
        QTemporaryDir dir;
        QVERIFY(QFile::copy(sim("seed-003.json"), dir.filePath(QStringLiteral("seed-003.json"))));
        const QString path = dir.filePath(QStringLiteral("false.json"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(R"({"title": "A false claim", "watch": "atomic does not over-issue",
            "scenario": "seed-003.json", "lanes": ["guard=atomic", "guard=mutex"],
            "findings": ["atomic: over_issued == 0", "mutex: issued > 100"]})");
        f.close();
        const Result r = cli({QStringLiteral("lesson"), path, QStringLiteral("--quiet")});
        QCOMPARE(r.exitCode, 3);
        QVERIFY(r.out.contains("✓ atomic: over_issued == 0"));
        QVERIFY2(r.out.contains("✗ mutex: issued > 100"), r.out.constData());
        QVERIFY(r.err.contains("LESSON FAILED"));
        const Result j = cli({QStringLiteral("lesson"), path, QStringLiteral("--quiet"),
                              QStringLiteral("--json"), QStringLiteral("-")});
        QCOMPARE(j.exitCode, 3);
        const QJsonArray findings =
            QJsonDocument::fromJson(j.out).object().value(QLatin1String("findings")).toArray();
        QCOMPARE(findings.size(), 2);
        QVERIFY(findings[0].toObject().value(QLatin1String("holds")).toBool());
        QVERIFY(!findings[1].toObject().value(QLatin1String("holds")).toBool());
    }
};

QTEST_GUILESS_MAIN(TstCompareCli)
#include "tst_compare_cli.moc"
