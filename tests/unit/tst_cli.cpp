// stampede-cli as scripts use it: exit codes, the JSON summary's keys, bad input refused with a
// message naming the place, and nothing written when it is.
#include <QtTest>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>

#include "guards/guard_registry.h"

namespace {

struct Result {
    int exitCode = -1;
    QByteArray out, err;
};

Result cli(const QStringList& args, int timeoutMs = 120000) {
    QProcess p;
    p.start(QStringLiteral(STAMPEDE_CLI_PATH), args);
    p.waitForFinished(timeoutMs);
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput(),
            p.readAllStandardError()};
}

QByteArray bytes(std::string_view s) {
    return QByteArray(s.data(), qsizetype(s.size()));
}

QString sim(const char* name) {
    return QStringLiteral(STAMPEDE_SOURCE_DIR "/simulations/") + QLatin1String(name);
}

}  // namespace

class TestCli : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

    QString write(const QString& name, const QByteArray& content) {
        QFile f(m_dir.filePath(name));
        if (!f.open(QIODevice::WriteOnly)) return {};
        f.write(content);
        return f.fileName();
    }

private Q_SLOTS:
    void runPrintsTheContractsJson() {
        const Result r =
            cli({QStringLiteral("run"), sim("seed-001.json"), QStringLiteral("--json"),
                 QStringLiteral("-"), QStringLiteral("--pace"), QStringLiteral("asap")});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject o = QJsonDocument::fromJson(r.out).object();
        for (const char* key :
             {"requests", "admitted", "duplicates", "stock", "issued", "over_issued",
              "under_issued", "fairness_inversions", "winners_sha256", "states",
              "rejected_by_reason", "dlq", "latency_ms", "throughput_rps", "wall_s", "pipeline",
              "guard", "transport", "seed"})
            QVERIFY2(o.contains(QLatin1String(key)), key);
        QCOMPARE(o[QStringLiteral("issued")].toInt(), 50);
        QCOMPARE(o[QStringLiteral("requests")].toInt(), 100);
        QCOMPARE(o[QStringLiteral("over_issued")].toInt(), 0);
        QCOMPARE(o[QStringLiteral("fairness_inversions")].toInt(), 0);
        QCOMPARE(o[QStringLiteral("states")].toObject()[QStringLiteral("SUCCEEDED")].toInt(), 50);
        const QJsonObject e2e =
            o[QStringLiteral("latency_ms")].toObject()[QStringLiteral("e2e")].toObject();
        for (const char* key : {"p50", "p95", "p99", "max"})
            QVERIFY(e2e.contains(QLatin1String(key)));
        QCOMPARE(o[QStringLiteral("guard")].toString(), QStringLiteral("single-consumer"));

        // Same scenario, same seed: the same winners.
        const Result again =
            cli({QStringLiteral("run"), sim("seed-001.json"), QStringLiteral("--json"),
                 QStringLiteral("-"), QStringLiteral("--pace"), QStringLiteral("asap")});
        QCOMPARE(QJsonDocument::fromJson(again.out).object()[QStringLiteral("winners_sha256")],
                 o[QStringLiteral("winners_sha256")]);
    }

    void overridesApplyAndNoneSaysItOverIssued() {
        const QString json = m_dir.filePath(QStringLiteral("none.json"));
        const Result r =
            cli({QStringLiteral("run"), sim("seed-003.json"), QStringLiteral("--guard"),
                 QStringLiteral("none"), QStringLiteral("--workers"), QStringLiteral("4"),
                 QStringLiteral("--pace"), QStringLiteral("asap"), QStringLiteral("--json"), json});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains("OVER-ISSUED"));
        QFile f(json);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonObject o = QJsonDocument::fromJson(f.readAll()).object();
        QCOMPARE(o[QStringLiteral("guard")].toString(), QStringLiteral("none"));
        QCOMPARE(o[QStringLiteral("workers")].toInt(), 4);
        QVERIFY(o[QStringLiteral("over_issued")].toInt() > 0);
        QVERIFY(o[QStringLiteral("warnings")].toArray().first().toString().contains(
            QStringLiteral("OVER-ISSUED")));
    }

    void badInputExitsTwoAndWritesNothing_data() {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QStringList>("extra");
        QTest::addColumn<QString>("mentions");
        const QByteArray good = R"({"name":"x","campaigns":[{"id":"c1","stock":5}],)"
                                R"("arrivals":[{"campaign":"c1","profile":"spike","users":10}]})";
        QTest::newRow("truncated") << good.left(40) << QStringList() << QStringLiteral(":1:");
        QTest::newRow("negative stock") << QByteArray(good).replace("\"stock\":5", "\"stock\":-5")
                                        << QStringList() << QStringLiteral("stock");
        QTest::newRow("wrong type") << QByteArray(good).replace("\"stock\":5", "\"stock\":\"5\"")
                                    << QStringList() << QStringLiteral("stock");
        QTest::newRow("missing campaigns")
            << QByteArray(R"({"name":"x"})") << QStringList() << QStringLiteral("campaigns");
        QTest::newRow("unknown key")
            << QByteArray(good).replace("\"stock\"", "\"stok\":1,\"stock\"") << QStringList()
            << QStringLiteral("stok");
        QTest::newRow("unknown guard in file")
            << QByteArray(good).replace("]}", R"(],"run":{"guard":"optimistic"}})") << QStringList()
            << QStringLiteral("guard");
        QTest::newRow("unknown guard flag")
            << good << QStringList{QStringLiteral("--guard"), QStringLiteral("bogus")}
            << QStringLiteral("bogus");
        QTest::newRow("backend guard")
            << good << QStringList{QStringLiteral("--guard"), QStringLiteral("redis-lua")}
            << QStringLiteral("redis-lua");
        QTest::newRow("bad workers")
            << good << QStringList{QStringLiteral("--workers"), QStringLiteral("zero")}
            << QStringLiteral("--workers");
        QTest::newRow("unknown option")
            << good << QStringList{QStringLiteral("--frobnicate"), QStringLiteral("1")}
            << QStringLiteral("--frobnicate");
        QByteArray garbage(10 * 1024 * 1024, '\0');
        auto* rng = QRandomGenerator::global();
        for (auto& c : garbage) c = static_cast<char>(rng->bounded(256));
        QTest::newRow("10 MB of garbage")
            << garbage << QStringList() << QStringLiteral("scenario.json");
    }
    void badInputExitsTwoAndWritesNothing() {
        QFETCH(QByteArray, content);
        QFETCH(QStringList, extra);
        QFETCH(QString, mentions);
        const QString file = write(QStringLiteral("scenario.json"), content);
        const QString json = m_dir.filePath(QStringLiteral("out.json"));
        QFile::remove(json);
        const Result r =
            cli(QStringList{QStringLiteral("run"), file, QStringLiteral("--json"), json} + extra,
                30000);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(QString::fromUtf8(r.err).contains(mentions), r.err.constData());
        QVERIFY(!QFile::exists(json));
    }

    void missingFileIsNamed() {
        const Result r = cli({QStringLiteral("run"), QStringLiteral("/nonexistent/s.json")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains("/nonexistent/s.json"));
        QCOMPARE(cli({QStringLiteral("frobnicate")}).exitCode, 2);
        QCOMPARE(cli({}).exitCode, 2);
    }

    void benchReportsItsKeys() {
        const Result r =
            cli({QStringLiteral("bench"), QStringLiteral("--requests"), QStringLiteral("20000"),
                 QStringLiteral("--json"), QStringLiteral("-")});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject o = QJsonDocument::fromJson(r.out).object();
        for (const char* key :
             {"engine_rps", "floor_rps", "ratio", "peak_bytes_per_request", "requests"})
            QVERIFY2(o.contains(QLatin1String(key)), key);
        QCOMPARE(o[QStringLiteral("requests")].toInt(), 20000);
        QVERIFY(o[QStringLiteral("engine_rps")].toDouble() > 0);
        QVERIFY(o[QStringLiteral("correct")].toBool());
        // The processor it ran on, as lscpu names it, in the JSON and next to the figures.
        const QString cpu = o[QStringLiteral("cpu")].toString();
        QVERIFY(!cpu.isEmpty());
        QVERIFY2(r.err.contains(QByteArray("cpu     ").append(cpu.toUtf8())), r.err.constData());
    }

    void guardsListsEveryGuard() {
        const Result r = cli({QStringLiteral("guards")});
        QCOMPARE(r.exitCode, 0);
        const QList<QByteArray> lines = r.out.trimmed().split('\n');
        QCOMPARE(lines.size(), 11);
        QCOMPARE(qsizetype(stampede::guards::knownGuards().size()), lines.size());
        for (qsizetype i = 0; i < lines.size(); ++i) {
            const auto& g = stampede::guards::knownGuards()[std::size_t(i)];
            const QList<QByteArray> words = lines[i].simplified().split(' ');
            QCOMPARE(words.value(0), bytes(g.name));
            QCOMPARE(words.value(1), bytes(stampede::guards::toString(g.family)));
            QVERIFY2(lines[i].contains(bytes(g.needs())), lines[i].constData());
            QVERIFY2(lines[i].contains(bytes(g.description)), lines[i].constData());
        }

        const Result json =
            cli({QStringLiteral("guards"), QStringLiteral("--json"), QStringLiteral("-")});
        QCOMPARE(json.exitCode, 0);
        const QJsonArray list =
            QJsonDocument::fromJson(json.out).object()[QStringLiteral("guards")].toArray();
        QCOMPARE(list.size(), 11);
        QStringList names, families;
        for (const auto& v : list) {
            const QJsonObject o = v.toObject();
            names << o[QStringLiteral("name")].toString();
            families << o[QStringLiteral("family")].toString();
            for (const char* key : {"needs", "description", "races_on_purpose"})
                QVERIFY2(o.contains(QLatin1String(key)), key);
        }
        QCOMPARE(names,
                 (QStringList{QStringLiteral("none"), QStringLiteral("mutex"),
                              QStringLiteral("semaphore"), QStringLiteral("atomic"),
                              QStringLiteral("single-consumer"), QStringLiteral("redis-lua"),
                              QStringLiteral("redis-lock"), QStringLiteral("redis-naive"),
                              QStringLiteral("mysql-pessimistic"), QStringLiteral("mysql-atomic"),
                              QStringLiteral("mysql-optimistic")}));
        QCOMPARE(families.count(QStringLiteral("memory")), 5);
        QCOMPARE(families.count(QStringLiteral("redis")), 3);
        QCOMPARE(families.count(QStringLiteral("mysql")), 3);

        QCOMPARE(cli({QStringLiteral("guards"), QStringLiteral("extra")}).exitCode, 2);
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
