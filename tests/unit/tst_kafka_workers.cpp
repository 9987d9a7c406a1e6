// Several Stampede processes on one Kafka cluster (the standalone mock broker) and one Redis:
// an ingress with no local workers and two `stampede-cli worker` processes issue exactly the
// stock, with work done by both; one worker killed with SIGKILL mid-run hands its partitions to
// the other through the consumer group, and nothing is lost or issued twice.
#include <QtTest>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>

#include <csignal>

#include "kafka_test_support.h"
#include "mariadb_server.h"
#include "redis_server.h"

using namespace stampede;

namespace {
QString cli() {
    return QStringLiteral(STAMPEDE_CLI_PATH);
}
}  // namespace

class TestKafkaWorkers : public QObject {
    Q_OBJECT
    test::RedisServer m_redis;
    QProcess m_broker;
    QString m_bootstrap;
    QTemporaryDir m_dir;
    std::unique_ptr<test::MariaDbServer> m_mysql;  // started by the first test that needs it

    QString scenario(int users, int stock, int overMs) {
        return test::writeScenario(
            QStringLiteral("seed-003.json"), m_dir.filePath(QStringLiteral("multi.json")),
            [&](QJsonObject& s) {
                s[QStringLiteral("name")] = QStringLiteral("multi-process");
                QJsonArray campaigns = s[QStringLiteral("campaigns")].toArray();
                QJsonObject c = campaigns[0].toObject();
                c[QStringLiteral("stock")] = stock;
                campaigns[0] = c;
                s[QStringLiteral("campaigns")] = campaigns;
                QJsonArray arrivals = s[QStringLiteral("arrivals")].toArray();
                QJsonObject a = arrivals[0].toObject();
                a[QStringLiteral("users")] = users;
                a[QStringLiteral("over_ms")] = overMs;
                arrivals[0] = a;
                s[QStringLiteral("arrivals")] = arrivals;
            });
    }

    void startWorker(QProcess& w, const QString& json) {
        w.start(cli(), {QStringLiteral("worker"), QStringLiteral("--kafka"), m_bootstrap,
                        QStringLiteral("--redis"), m_redis.url(), QStringLiteral("--json"), json});
        QVERIFY(w.waitForStarted(5000));
    }

    // An ingress with no workers of its own (`ingressArgs`: scenario, guard, topic, …) and one
    // worker process (`workerArgs`: its backend) that decides every request; both exit 0.
    struct OneWorkerRun {
        QJsonObject summary, worker;
    };
    void runWithOneWorker(const QStringList& ingressArgs, const QStringList& workerArgs,
                          OneWorkerRun& out) {
        QProcess ingress;
        ingress.start(cli(), QStringList{QStringLiteral("run")} + ingressArgs +
                                 QStringList{QStringLiteral("--transport"), QStringLiteral("kafka"),
                                             QStringLiteral("--kafka"), m_bootstrap,
                                             QStringLiteral("--local-workers"), QStringLiteral("0"),
                                             QStringLiteral("--json"), QStringLiteral("-"),
                                             QStringLiteral("--quiet")});
        QVERIFY(ingress.waitForStarted(5000));
        QTest::qWait(500);  // the run is announced before the worker looks for it
        QProcess worker;
        const QString report = m_dir.filePath(QStringLiteral("one-worker.json"));
        worker.start(cli(), QStringList{QStringLiteral("worker"), QStringLiteral("--kafka"),
                                        m_bootstrap, QStringLiteral("--json"), report} +
                                workerArgs);
        QVERIFY(worker.waitForStarted(5000));
        QVERIFY(ingress.waitForFinished(120000));
        QCOMPARE(ingress.exitCode(), 0);
        QVERIFY(worker.waitForFinished(30000));
        QCOMPARE(worker.exitCode(), 0);
        out.summary = QJsonDocument::fromJson(ingress.readAllStandardOutput()).object();
        QFile file(report);
        QVERIFY(file.open(QIODevice::ReadOnly));
        out.worker = QJsonDocument::fromJson(file.readAll()).object();
    }

private Q_SLOTS:
    void initTestCase() {
        QString error;
        QVERIFY2(m_redis.start(error), qPrintable(error));
        m_bootstrap = test::startBroker(m_broker);
        QVERIFY2(m_bootstrap.startsWith(QStringLiteral("127.0.0.1:")), qPrintable(m_bootstrap));
    }
    void cleanupTestCase() { test::stopBroker(m_broker); }

    void twoWorkersShareTheRunAndSurviveAKill() {
        QProcess ingress;
        ingress.start(
            cli(),
            {QStringLiteral("run"), scenario(20000, 800, 8000), QStringLiteral("--transport"),
             QStringLiteral("kafka"), QStringLiteral("--kafka"), m_bootstrap,
             QStringLiteral("--local-workers"), QStringLiteral("0"), QStringLiteral("--partitions"),
             QStringLiteral("4"), QStringLiteral("--guard"), QStringLiteral("redis-lua"),
             QStringLiteral("--redis"), m_redis.url(), QStringLiteral("--json"),
             QStringLiteral("-"), QStringLiteral("--quiet")});
        QVERIFY(ingress.waitForStarted(5000));
        QTest::qWait(500);  // the run is announced before the workers look for it
        QProcess first, second;
        startWorker(first, m_dir.filePath(QStringLiteral("first.json")));
        startWorker(second, m_dir.filePath(QStringLiteral("second.json")));

        // Kill the first worker once it has done real work.
        QByteArray firstErr;
        QTRY_VERIFY_WITH_TIMEOUT(
            (firstErr += first.readAllStandardError(), test::lastProcessed(firstErr) >= 500),
            30000);
        ::kill(static_cast<pid_t>(first.processId()), SIGKILL);
        QVERIFY(first.waitForFinished(5000));
        const qint64 byFirst = test::lastProcessed(firstErr);

        QVERIFY(ingress.waitForFinished(120000));
        QCOMPARE(ingress.exitCode(), 0);
        const QJsonObject summary =
            QJsonDocument::fromJson(ingress.readAllStandardOutput()).object();
        QCOMPARE(summary.value(QStringLiteral("admitted")).toInt(), 20000);
        QCOMPARE(summary.value(QStringLiteral("issued")).toInt(), 800);
        QCOMPARE(summary.value(QStringLiteral("over_issued")).toInt(), 0);
        const QJsonObject states = summary.value(QStringLiteral("states")).toObject();
        QCOMPARE(states.value(QStringLiteral("SUCCEEDED")).toInt() +
                     states.value(QStringLiteral("REJECTED")).toInt() +
                     states.value(QStringLiteral("FAILED_FINAL")).toInt(),
                 20000);

        QVERIFY(second.waitForFinished(30000));
        QCOMPARE(second.exitCode(), 0);
        QFile report(m_dir.filePath(QStringLiteral("second.json")));
        QVERIFY(report.open(QIODevice::ReadOnly));
        const QJsonObject byWorker = QJsonDocument::fromJson(report.readAll()).object();
        const qint64 bySecond = byWorker.value(QStringLiteral("processed")).toInteger();
        QVERIFY2(byFirst > 0 && bySecond > 0,
                 qPrintable(QStringLiteral("first %1, second %2").arg(byFirst).arg(bySecond)));
        // Both together decided at least every request (copies redelivered after the kill add
        // to that, and were absorbed).
        QVERIFY(byFirst + bySecond >= 20000 - 1000);

        // Redis agrees: the shared stock is gone, and each unit went to one user.
        const QString detail = summary.value(QStringLiteral("backend"))
                                   .toObject()
                                   .value(QStringLiteral("detail"))
                                   .toString();
        QCOMPARE(m_redis.cli({QStringLiteral("GET"), detail + QStringLiteral(":0:remaining")}),
                 QStringLiteral("0"));
        QCOMPARE(m_redis.cli({QStringLiteral("SCARD"), detail + QStringLiteral(":0:applied")}),
                 QStringLiteral("800"));
        // The workers report each unit once: the copies of the killed worker's decisions that
        // came again to the second are "issued before", not successes of its own. (The first's
        // last progress line may lag what it did by a second: at most 800 together.)
        const QRegularExpression succeeded(QStringLiteral("succeeded (\\d+)"));
        qint64 firstSucceeded = 0;
        for (auto it = succeeded.globalMatch(QString::fromUtf8(firstErr)); it.hasNext();)
            firstSucceeded = it.next().captured(1).toLongLong();
        const qint64 secondSucceeded = byWorker.value(QStringLiteral("succeeded")).toInteger();
        QVERIFY2(firstSucceeded + secondSucceeded <= 800,
                 qPrintable(QStringLiteral("first %1, second %2 succeeded")
                                .arg(firstSucceeded)
                                .arg(secondSucceeded)));
        QVERIFY(byWorker.contains(QStringLiteral("issued_before")));
    }

    // A worker on a requests topic shared by runs: an earlier run left its messages there; the
    // worker decides exactly this run's requests, none of the earlier ones.
    void aWorkerReadsOnlyItsRunsPartOfASharedTopic() {
        const QString topic = QStringLiteral("shared.by.runs");
        QProcess earlier;
        earlier.start(
            cli(), {QStringLiteral("run"), scenario(3000, 200, 1000), QStringLiteral("--transport"),
                    QStringLiteral("kafka"), QStringLiteral("--kafka"), m_bootstrap,
                    QStringLiteral("--kafka-topic"), topic, QStringLiteral("--pace"),
                    QStringLiteral("asap"), QStringLiteral("--quiet")});
        QVERIFY(earlier.waitForFinished(60000));
        QCOMPARE(earlier.exitCode(), 0);

        OneWorkerRun run;
        runWithOneWorker({scenario(3000, 200, 2000), QStringLiteral("--kafka-topic"), topic,
                          QStringLiteral("--guard"), QStringLiteral("redis-lua"),
                          QStringLiteral("--redis"), m_redis.url()},
                         {QStringLiteral("--redis"), m_redis.url()}, run);
        if (QTest::currentTestFailed()) return;
        QCOMPARE(run.summary.value(QStringLiteral("issued")).toInt(), 200);
        QCOMPARE(run.summary.value(QStringLiteral("over_issued")).toInt(), 0);
        QCOMPARE(run.worker.value(QStringLiteral("processed")).toInteger(), qint64(3000));
    }

    // The same with MySQL as the shared stock, for each MySQL guard: the ingress (no workers of
    // its own) and a worker process share one stampede_stock row, and the mariadb client agrees
    // with the summary.
    void aMySqlStockSharedWithAWorker_data() {
        QTest::addColumn<QString>("guard");
        QTest::newRow("mysql-atomic") << QStringLiteral("mysql-atomic");
        QTest::newRow("mysql-pessimistic") << QStringLiteral("mysql-pessimistic");
    }
    void aMySqlStockSharedWithAWorker() {
        QFETCH(QString, guard);
        if (!m_mysql) {
            m_mysql = std::make_unique<test::MariaDbServer>();
            QString error;
            QVERIFY2(m_mysql->start(error), qPrintable(error));
        }
        qputenv("STAMPEDE_MYSQL_PASSWORD", test::MariaDbServer::kPassword);  // for the children
        OneWorkerRun run;
        runWithOneWorker(
            {scenario(3000, 200, 2000), QStringLiteral("--partitions"), QStringLiteral("2"),
             QStringLiteral("--guard"), guard, QStringLiteral("--mysql"), m_mysql->url()},
            {QStringLiteral("--mysql"), m_mysql->url()}, run);
        if (QTest::currentTestFailed()) return;
        const QJsonObject& summary = run.summary;
        const QJsonObject& byWorker = run.worker;
        QCOMPARE(summary.value(QStringLiteral("issued")).toInt(), 200);
        QCOMPARE(summary.value(QStringLiteral("over_issued")).toInt(), 0);
        const QJsonObject states = summary.value(QStringLiteral("states")).toObject();
        QCOMPARE(states.value(QStringLiteral("SUCCEEDED")).toInt() +
                     states.value(QStringLiteral("REJECTED")).toInt() +
                     states.value(QStringLiteral("FAILED_FINAL")).toInt(),
                 3000);
        QCOMPARE(byWorker.value(QStringLiteral("guard")).toString(), guard);
        // The worker in the other process decided every request (the ingress has no workers of
        // its own): one MySQL row, decided from two processes.
        QCOMPARE(byWorker.value(QStringLiteral("processed")).toInteger(), qint64(3000));

        // The mariadb client agrees: the row is empty, and each unit went to one user.
        const QString runKey = QRegularExpression(QStringLiteral("run_key=([^,]+),"))
                                   .match(summary.value(QStringLiteral("backend"))
                                              .toObject()
                                              .value(QStringLiteral("detail"))
                                              .toString())
                                   .captured(1);
        QVERIFY(!runKey.isEmpty());
        QVERIFY(m_mysql->admin(
            QStringLiteral("SELECT remaining FROM stampede.stampede_stock WHERE run_key = '%1'")
                .arg(runKey)));
        QCOMPARE(m_mysql->lastOutput(), QStringLiteral("0"));
        QVERIFY(m_mysql->admin(
            QStringLiteral("SELECT COUNT(*) FROM stampede.stampede_applied WHERE run_key = '%1'")
                .arg(runKey)));
        QCOMPARE(m_mysql->lastOutput(), QStringLiteral("200"));
    }

    void noRunToJoinIsAClearError() {
        QProcess w;
        w.start(cli(), {QStringLiteral("worker"), QStringLiteral("--kafka"),
                        QStringLiteral("127.0.0.1:1"), QStringLiteral("--redis"), m_redis.url()});
        QVERIFY(w.waitForFinished(30000));
        QCOMPARE(w.exitCode(), 2);
        QVERIFY(w.readAllStandardError().contains("did not answer"));
    }
};

QTEST_GUILESS_MAIN(TestKafkaWorkers)
#include "tst_kafka_workers.moc"
