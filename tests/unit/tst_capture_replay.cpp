// The replayer's schedule and order (into a target that keeps what it gets), and the CLI end to
// end: record a run, replay the capture, the same requests, duplicates and winners; bad captures
// refused with their place before anything is sent; convert writes what info reads.
#include <QtTest>

#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>

#include "capture_test_support.h"
#include "stampede/capture/capture_replay.h"

using namespace stampede;
using namespace stampede::capture;

namespace {

struct Kept final : ReplayTarget {
    std::vector<Submission> got;
    SubmitResult submit(const Submission& s) override {
        got.push_back(s);
        SubmitResult r;
        r.outcome = SubmitResult::Outcome::Accepted;
        return r;
    }
};

std::string ndjson(const QTemporaryDir& dir, const char* name,
                   const std::vector<std::tuple<std::int64_t, std::string, std::string>>& rows) {
    std::string text = "{\"stampede_capture\":1,\"source\":\"t\",\"created\":\"now\"}\n";
    for (const auto& [t, c, u] : rows)
        text += "{\"t_us\":" + std::to_string(t) + ",\"campaign\":\"" + c + "\",\"user\":\"" + u +
                "\"}\n";
    return capture_test::write(dir, name, text + "{\"end\":\"complete\",\"records\":0}\n");
}

struct Cli {
    int exitCode = -1;
    QByteArray out, err;
};
Cli cli(const QStringList& args) {
    QProcess p;
    p.start(QStringLiteral(STAMPEDE_CLI_PATH), args);
    p.waitForFinished(120000);
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput(),
            p.readAllStandardError()};
}
QString q(const char* s) {
    return QString::fromUtf8(s);
}
QString q(const QString& s) {
    return s;
}
// cli("replay", path, "--quiet"): words and QStrings alike.
template <typename... Args>
Cli run(const Args&... args) {
    return cli(QStringList{q(args)...});
}
QJsonObject json(const QByteArray& out) {
    return QJsonDocument::fromJson(out).object();
}

}  // namespace

class TestCaptureReplay : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void outOfOrderRecordsAreSentInTimeOrderTiesInFileOrder() {
        QTemporaryDir dir;
        const std::string path = ndjson(
            dir, "o.ndjson",
            {{30, "c", "3"}, {10, "c", "1"}, {20, "c", "2a"}, {20, "c", "2b"}, {0, "c", "0"}});
        Kept target;
        ReplayControl control;
        ReplayOptions o;
        o.rate = 0.0;
        const ReplayReport r = replayCapture(path, {}, o, &target, control);
        QVERIFY(r.error.empty());
        QCOMPARE(r.sent, 5);
        QStringList users;
        for (const auto& s : target.got) users << QString::fromStdString(s.user);
        QCOMPARE(users.join(QLatin1Char(' ')), QStringLiteral("0 1 2a 2b 3"));
        QVERIFY(!r.timed);
    }

    void lateBeyondTheWindowIsCountedNotDropped() {
        QTemporaryDir dir;
        const std::string path = ndjson(
            dir, "w.ndjson", {{10, "c", "a"}, {20, "c", "b"}, {30, "c", "c"}, {5, "c", "d"}});
        Kept target;
        ReplayControl control;
        ReplayOptions o;
        o.rate = 0.0;
        o.reorderWindow = 1;
        const ReplayReport r = replayCapture(path, {}, o, &target, control);
        QCOMPARE(r.sent, 4);
        QCOMPARE(r.lateInFile, 1);
        QCOMPARE(target.got.back().user, std::string("d"));
    }

    void dryRunMeasuresTheSchedule() {
        QTemporaryDir dir;
        std::vector<std::tuple<std::int64_t, std::string, std::string>> rows;
        for (int i = 0; i < 101; ++i) rows.emplace_back(i * 10'000, "c", std::to_string(i));
        const std::string path = ndjson(dir, "s.ndjson", rows);  // 101 over 1 s
        ReplayControl control;
        ReplayOptions o;
        ReplayReport r = replayCapture(path, {}, o, nullptr, control);
        QCOMPARE(r.sent, 101);
        QCOMPARE(r.scheduledS, 1.0);
        QCOMPARE(r.peakPerSecond, 100);
        o.speed = 2;
        QCOMPARE(replayCapture(path, {}, o, nullptr, control).scheduledS, 0.5);
        o.speed = 1;
        o.rate = 1000.0;
        QCOMPARE(replayCapture(path, {}, o, nullptr, control).scheduledS, 0.1);
        o.rate.reset();
        o.loops = 3;
        r = replayCapture(path, {}, o, nullptr, control);
        QCOMPARE(r.sent, 303);
        QCOMPARE(r.loopsDone, 3);
        // Each loop starts one mean gap (10 ms) after the last one's end.
        QVERIFY(qAbs(r.scheduledS - 3.02) < 1e-9);
    }

    void filtersAndRenaming() {
        QTemporaryDir dir;
        const std::string path =
            ndjson(dir, "f.ndjson",
                   {{0, "a", "u1"}, {1000, "b", "u2"}, {2000, "a", "bot3"}, {3000, "a", "u4"}});
        Kept target;
        ReplayControl control;
        ReplayOptions o;
        o.rate = 0.0;
        o.campaigns = {"a"};
        o.userPattern = "^u";
        o.toUs = 3000;
        o.mapCampaign = {{"a", "z"}};
        const ReplayReport r = replayCapture(path, {}, o, &target, control);
        QCOMPARE(r.sent, 1);
        QCOMPARE(r.filtered, 3);
        QCOMPARE(target.got[0].campaignId, std::string("z"));
        QCOMPARE(target.got[0].user, std::string("u1"));
        o.userPattern = "(";
        QVERIFY(!replayCapture(path, {}, o, &target, control).filterError.empty());
    }

    void cancelStopsTheReplay() {
        QTemporaryDir dir;
        const std::string path = ndjson(dir, "c.ndjson", {{0, "c", "1"}, {60'000'000, "c", "2"}});
        Kept target;
        ReplayControl control;
        control.cancel = true;
        const ReplayReport r = replayCapture(path, {}, {}, &target, control);
        QVERIFY(r.cancelled);
        QVERIFY(r.sent <= 1);
    }

    // Done means: record a run, replay the capture, same requests, duplicates and winners.
    void recordedRunReplaysToTheSameWinners() {
        QTemporaryDir dir;
        const QString capture = dir.filePath(QStringLiteral("seed-001.ndjson.gz"));
        const QString scenario = QStringLiteral(STAMPEDE_SOURCE_DIR "/simulations/seed-001.json");
        const Cli recorded = run("run", scenario, "--record", capture, "--json", "-", "--quiet");
        QCOMPARE(recorded.exitCode, 0);
        const Cli info = run("capture", "info", capture, "--json", "-");
        QCOMPARE(info.exitCode, 0);
        const QJsonObject i = json(info.out);
        const QJsonObject r = json(recorded.out);
        QCOMPARE(i[QStringLiteral("requests")].toInteger(),
                 r[QStringLiteral("requests")].toInteger());
        QCOMPARE(i[QStringLiteral("end")].toString(), QStringLiteral("complete"));
        QVERIFY(i[QStringLiteral("gzip")].toBool());
        const Cli replay = run("replay", capture, "--scenario", scenario, "--json", "-", "--quiet");
        QCOMPARE(replay.exitCode, 0);
        const QJsonObject p = json(replay.out);
        for (const char* key : {"requests", "admitted", "duplicates", "issued"})
            QCOMPARE(p[QLatin1String(key)].toInteger(), r[QLatin1String(key)].toInteger());
        QCOMPARE(p[QStringLiteral("winners_sha256")].toString(),
                 r[QStringLiteral("winners_sha256")].toString());
        const QJsonObject rep = p[QStringLiteral("replay")].toObject();
        QCOMPARE(rep[QStringLiteral("sent")].toInteger(),
                 r[QStringLiteral("requests")].toInteger());
        QVERIFY(rep[QStringLiteral("lateness_ms")].isObject());

        // Into a store, both ways in (submit() and, --rate max, the arrival list): the replayed
        // run is there as a run is, every issued coupon written; a bad store is bad input first.
        const QString store =
            QStringLiteral("sqlite://") + dir.filePath(QStringLiteral("replays.db"));
        std::vector<qint64> runIds;
        for (const char* rate : {"1000", "max"}) {
            const Cli stored = run("replay", capture, "--scenario", scenario, "--rate", rate,
                                   "--store", store, "--json", "-", "--quiet");
            QVERIFY2(stored.exitCode == 0, stored.err.constData());
            const QJsonObject s = json(stored.out);
            const QJsonObject persistence = s[QStringLiteral("persistence")].toObject();
            QCOMPARE(persistence[QStringLiteral("rows_written")].toInteger(),
                     s[QStringLiteral("issued")].toInteger());
            runIds.push_back(persistence[QStringLiteral("run_id")].toInteger());
        }
        QCOMPARE(runIds, (std::vector<qint64>{1, 2}));  // two runs of their own in the store
        const Cli badStore =
            run("replay", capture, "--scenario", scenario, "--store", "sqlite://relative.db");
        QCOMPARE(badStore.exitCode, 2);
        QVERIFY2(badStore.err.contains("store"), badStore.err.constData());
    }

    void duplicatesInACaptureStayDuplicates() {
        QTemporaryDir dir;
        const std::string path =
            ndjson(dir, "d.ndjson", {{0, "c", "1"}, {10, "c", "2"}, {20, "c", "1"}});
        const Cli replay = run("replay", QString::fromStdString(path), "--stock", "1", "--rate",
                               "max", "--loop", "2", "--json", "-", "--quiet");
        QCOMPARE(replay.exitCode, 0);
        const QJsonObject p = json(replay.out);
        QCOMPARE(p[QStringLiteral("requests")].toInteger(), 6);
        QCOMPARE(p[QStringLiteral("duplicates")].toInteger(), 4);
        QCOMPARE(p[QStringLiteral("issued")].toInteger(), 1);
        // Scenario user numbers at full speed: the run's own arrival list.
        QCOMPARE(p[QStringLiteral("replay")].toObject()[QStringLiteral("path")].toString(),
                 QStringLiteral("arrival-list"));
    }

    // Named users cannot be arrival-list numbers: the same replay through submit().
    void namedUsersGoThroughSubmit() {
        QTemporaryDir dir;
        const std::string path =
            ndjson(dir, "n.ndjson", {{0, "c", "ann"}, {10, "c", "bob"}, {20, "c", "ann"}});
        const Cli replay = run("replay", QString::fromStdString(path), "--stock", "1", "--rate",
                               "max", "--loop", "2", "--json", "-", "--quiet");
        QCOMPARE(replay.exitCode, 0);
        const QJsonObject p = json(replay.out);
        QCOMPARE(p[QStringLiteral("requests")].toInteger(), 6);
        QCOMPARE(p[QStringLiteral("duplicates")].toInteger(), 4);
        QCOMPARE(p[QStringLiteral("issued")].toInteger(), 1);
        QCOMPARE(p[QStringLiteral("replay")].toObject()[QStringLiteral("path")].toString(),
                 QStringLiteral("submit"));
    }

    // The arrival list and submit() admit the same requests in the same order: one partition and
    // one consumer (single-consumer), the same winners.
    void arrivalListAndSubmitAgree() {
        QTemporaryDir dir;
        const QString capture = dir.filePath(QStringLiteral("seed-003.ndjson"));
        const QString scenario = QStringLiteral(STAMPEDE_SOURCE_DIR "/simulations/seed-003.json");
        QCOMPARE(run("run", scenario, "--pace", "asap", "--guard", "single-consumer", "--record",
                     capture, "--quiet", "--json", "/dev/null")
                     .exitCode,
                 0);
        const QJsonObject fast =
            json(run("replay", capture, "--scenario", scenario, "--rate", "max", "--guard",
                     "single-consumer", "--json", "-", "--quiet")
                     .out);
        const QJsonObject paced =
            json(run("replay", capture, "--scenario", scenario, "--speed", "1000", "--guard",
                     "single-consumer", "--json", "-", "--quiet")
                     .out);
        QCOMPARE(fast[QStringLiteral("replay")].toObject()[QStringLiteral("path")].toString(),
                 QStringLiteral("arrival-list"));
        for (const char* key : {"requests", "duplicates", "issued"})
            QCOMPARE(fast[QLatin1String(key)].toInteger(), paced[QLatin1String(key)].toInteger());
        QCOMPARE(fast[QStringLiteral("winners_sha256")].toString(),
                 paced[QStringLiteral("winners_sha256")].toString());
    }

    // A plain capture over 4 MiB is planned in parts on every core; the same bytes gzipped take
    // the streaming reader. Both must give the same list, the same counts and the same errors.
    void aLargeCaptureIsPlannedInPartsAsTheReaderReadsIt_data() {
        QTest::addColumn<QString>("tail");      // what follows the records
        QTest::addColumn<int>("badAt");         // 0, or the record whose line is replaced
        QTest::addColumn<QString>("expected");  // "list", "error" or "unplaceable"
        QTest::newRow("complete") << QStringLiteral("{\"end\":\"complete\",\"records\":1}\n") << 0
                                  << QStringLiteral("list");
        QTest::newRow("killed mid-line")
            << QStringLiteral("{\"t_us\":99999999,\"camp") << 0 << QStringLiteral("list");
        QTest::newRow("lines after the trailer")
            << QStringLiteral("{\"end\":\"cap\",\"records\":1}\n{\"t_us\":x}\nnot json\n") << 0
            << QStringLiteral("list");
        QTest::newRow("a bad line in the middle") << QString() << 61'000 << QStringLiteral("error");
        QTest::newRow("a named user") << QString() << -1 << QStringLiteral("unplaceable");
    }
    void aLargeCaptureIsPlannedInPartsAsTheReaderReadsIt() {
        QFETCH(QString, tail);
        QFETCH(int, badAt);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        std::string text = "{\"stampede_capture\":1,\"source\":\"t\",\"created\":\"now\"}\n";
        const int n = 90'000;  // about 6 MiB
        for (int i = 0; i < n; ++i) {
            // A little out of order, three campaigns, one filtered out, one renamed.
            const std::int64_t t = std::int64_t(i) * 10 + (i % 7 == 0 ? -25 : 0);
            const char* c = i % 3 == 0 ? "a" : i % 3 == 1 ? "b" : "gone";
            if (i + 1 == badAt) {
                text += "{\"t_us\":1,\"campaign\":x}\n";
                continue;
            }
            const std::string user = badAt == -1 && i == 80'001 ? "alice" : std::to_string(i + 1);
            text += "{\"t_us\":" + std::to_string(t) + ",\"campaign\":\"" + c + "\",\"user\":\"" +
                    user + "\",\"source\":\"sim\",\"verified\":" + (i % 5 ? "true" : "false") +
                    "}\n";
        }
        text += tail.toStdString();
        const std::string plain = capture_test::write(dir, "big.ndjson", text);
        const std::string zipped = capture_test::write(dir, "big-z.ndjson", text, true);
        QVERIFY(QFileInfo(QString::fromStdString(plain)).size() > 4 << 20);
        ReplayOptions options;
        options.loops = 2;
        options.speed = 2;
        options.campaigns = {"a", "b"};
        options.mapCampaign = {{"b", "bee"}};
        const std::vector<std::string> ids{"a", "bee"};
        ReplayReport inParts, streamed;
        const auto partsList = plannedArrivals(plain, {}, options, ids, inParts);
        const auto streamedList = plannedArrivals(zipped, {}, options, ids, streamed);
        QCOMPARE(bool(partsList), expected == QStringLiteral("list"));
        QCOMPARE(bool(streamedList), bool(partsList));
        QCOMPARE(inParts.error.empty(), expected != QStringLiteral("error"));
        if (expected == QStringLiteral("error")) {
            QCOMPARE(inParts.error.line, std::int64_t(badAt) + 1);  // the header is line 1
            QCOMPARE(inParts.error.message, streamed.error.message);
            QCOMPARE(inParts.error.byteOffset, streamed.error.byteOffset);
        }
        if (!partsList) return;
        QCOMPARE(partsList->size(), streamedList->size());
        QCOMPARE(partsList->size(), std::size_t(2 * (n - n / 3)));
        for (std::size_t i = 0; i < partsList->size(); ++i) {
            const GivenArrival& a = (*partsList)[i];
            const GivenArrival& b = (*streamedList)[i];
            if (a.atUs != b.atUs || a.user != b.user || a.campaign != b.campaign ||
                a.verified != b.verified)
                QFAIL(qPrintable(QStringLiteral("arrival %1 differs").arg(i)));
        }
        QCOMPARE(inParts.filtered, streamed.filtered);
        QCOMPARE(inParts.filtered, std::int64_t(2 * (n / 3)));
        QCOMPARE(inParts.stats.records, streamed.stats.records);
        QCOMPARE(inParts.stats.truncated, streamed.stats.truncated);
        QCOMPARE(inParts.stats.endReason, streamed.stats.endReason);
        QCOMPARE(inParts.loopsDone, 2);
    }

    void badCaptureIsRefusedBeforeAnythingIsSent() {
        QTemporaryDir dir;
        const std::string path =
            capture_test::write(dir, "bad.ndjson",
                                "{\"stampede_capture\":1,\"source\":\"t\"}\n{\"t_us\":0,"
                                "\"campaign\":\"c\",\"user\":\"1\"}\n"
                                "{\"t_us\":x}\n");
        const QString record = dir.filePath(QStringLiteral("out.ndjson"));
        const Cli replay = run("replay", QString::fromStdString(path), "--stock", "1", "--record",
                               record, "--quiet");
        QCOMPARE(replay.exitCode, 2);
        QVERIFY2(replay.err.contains("bad.ndjson:3:"), replay.err.constData());
        QVERIFY(!QFile::exists(record));
        const Cli info = run("capture", "info", QString::fromStdString(path));
        QCOMPARE(info.exitCode, 2);
        QVERIFY(info.err.contains("bad.ndjson:3:"));
        const Cli skip = run("capture", "info", QString::fromStdString(path), "--on-error", "skip",
                             "--json", "-");
        QCOMPARE(skip.exitCode, 0);
        QCOMPARE(json(skip.out)[QStringLiteral("bad_records_skipped")].toInteger(), 1);
        QCOMPARE(run("replay", QString::fromStdString(path), "--rate", "fast").exitCode, 2);
        QCOMPARE(run("replay", QString::fromStdString(path)).exitCode, 2);  // no campaigns
    }

    void recordToAnUnwritablePlaceIsBadInputBeforeTheRun() {
        const Cli r = run("run", QStringLiteral(STAMPEDE_SOURCE_DIR "/simulations/seed-001.json"),
                          "--record", "/nonexistent-dir/x.ndjson", "--quiet");
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("--record: /nonexistent-dir/x.ndjson: cannot create"),
                 r.err.constData());
    }

    void convertWritesWhatInfoReads() {
        QTemporaryDir dir;
        const std::string sep = "\n\xF0\x9F\x90\xB5\xF0\x9F\x99\x88\xF0\x9F\x99\x89\n";
        std::string gor;
        for (int i = 0; i < 3; ++i)
            gor += "1 id" + std::to_string(i) + " " + std::to_string(1000000 * i) +
                   " 0\r\nGET /api/coupons/k/issue HTTP/1.1\r\nX-User-Id: u" + std::to_string(i) +
                   "\r\n\r\n" + sep;
        const std::string in = capture_test::write(dir, "in.gor", gor, true);
        const QString out = dir.filePath(QStringLiteral("out.ndjson"));
        const Cli convert = run("capture", "convert", QString::fromStdString(in), out);
        QCOMPARE(convert.exitCode, 0);
        const auto got = capture_test::readAll(out.toStdString());
        QVERIFY(got.error.empty());
        QCOMPARE(got.records.size(), std::size_t(3));
        QCOMPARE(got.records[2].atUs, 2000);
        QCOMPARE(got.records[2].user, std::string("u2"));
        QCOMPARE(got.records[2].source, std::string("gor"));
        // A bad input leaves no half-converted output.
        const std::string bad = capture_test::write(dir, "bad.gor", gor + "1 z 5 0\nnonsense\n");
        const QString out2 = dir.filePath(QStringLiteral("out2.ndjson"));
        const Cli failed = run("capture", "convert", QString::fromStdString(bad), out2);
        QCOMPARE(failed.exitCode, 2);
        QVERIFY(!QFile::exists(out2));
        // The operator's rules instead of the seeds': the user from a header; a bad rule is
        // bad input naming the flag.
        const Cli mapped = run("capture", "info", QString::fromStdString(in), "--campaign-from",
                               "path:3", "--user-from", "header:X-User-Id", "--json", "-");
        QCOMPARE(mapped.exitCode, 0);
        const QJsonObject info = QJsonDocument::fromJson(mapped.out).object();
        QCOMPARE(info.value(QStringLiteral("requests")).toInt(), 3);
        QCOMPARE(info.value(QStringLiteral("campaigns"))
                     .toArray()
                     .at(0)
                     .toObject()
                     .value(QStringLiteral("id"))
                     .toString(),
                 QStringLiteral("k"));
        const Cli badRule =
            run("capture", "info", QString::fromStdString(in), "--user-from", "cookie:sid");
        QCOMPARE(badRule.exitCode, 2);
        QVERIFY2(badRule.err.contains("--user-from: 'cookie:sid': unknown kind 'cookie'"),
                 badRule.err.constData());
        const Cli badMap = run("replay", QString::fromStdString(in), "--stock", "5",
                               "--map-campaign", "k=shop, lonely", "--dry-run");
        QCOMPARE(badMap.exitCode, 2);
        QVERIFY2(badMap.err.contains("--map-campaign: expected OLD=NEW[,OLD=NEW...], got 'lonely'"),
                 badMap.err.constData());
    }
};

QTEST_GUILESS_MAIN(TestCaptureReplay)
#include "tst_capture_replay.moc"
