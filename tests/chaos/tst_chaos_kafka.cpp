// The Kafka cluster dies while workers in other processes decide (`kill -9` of the standalone
// broker): the run ends in bounded time with a clear error and a non-zero exit, every request is
// final, every unit Redis handed out is a request the run reports issued, and `run` and `worker`
// obey SIGTERM (a second signal ends at once).
#include <QtTest>

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>

#include <csignal>

#include "kafka_test_support.h"
#include "redis_server.h"

using namespace stampede;

namespace {
QString cli() {
    return QStringLiteral(STAMPEDE_CLI_PATH);
}

// Only to a process that runs: kill(0, …) would signal the whole process group, the test
// runner included.
bool signal(QProcess& p, int sig) {
    const qint64 pid = p.processId();
    return pid > 0 && ::kill(static_cast<pid_t>(pid), sig) == 0;
}

qint64 finals(const QJsonObject& summary) {
    const QJsonObject states = summary.value(QStringLiteral("states")).toObject();
    return states.value(QStringLiteral("SUCCEEDED")).toInteger() +
           states.value(QStringLiteral("REJECTED")).toInteger() +
           states.value(QStringLiteral("FAILED_FINAL")).toInteger();
}
}  // namespace

class TestChaosKafka : public QObject {
    Q_OBJECT
    test::RedisServer m_redis;
    QTemporaryDir m_dir;

    // 20,000 users within 6 s; `stock` 100,000 is never sold out: every decision takes a unit.
    QString scenario(int stock = 100000) {
        return test::writeScenario(
            QStringLiteral("seed-003.json"), m_dir.filePath(QStringLiteral("chaos.json")),
            [stock](QJsonObject& s) {
                s[QStringLiteral("name")] = QStringLiteral("chaos-kafka");
                QJsonArray campaigns = s[QStringLiteral("campaigns")].toArray();
                QJsonObject c = campaigns[0].toObject();
                c[QStringLiteral("stock")] = stock;
                campaigns[0] = c;
                s[QStringLiteral("campaigns")] = campaigns;
                QJsonArray arrivals = s[QStringLiteral("arrivals")].toArray();
                QJsonObject a = arrivals[0].toObject();
                a[QStringLiteral("users")] = 20000;
                a[QStringLiteral("over_ms")] = 6000;
                arrivals[0] = a;
                s[QStringLiteral("arrivals")] = arrivals;
            });
    }

    // A run on `bootstrap` with no workers of its own, deciding on Redis.
    void startRun(QProcess& run, const QString& bootstrap, const QString& giveUpAfter,
                  int stock = 100000) {
        run.start(cli(), {QStringLiteral("run"),
                          scenario(stock),
                          QStringLiteral("--transport"),
                          QStringLiteral("kafka"),
                          QStringLiteral("--kafka"),
                          bootstrap,
                          QStringLiteral("--local-workers"),
                          QStringLiteral("0"),
                          QStringLiteral("--partitions"),
                          QStringLiteral("2"),
                          QStringLiteral("--guard"),
                          QStringLiteral("redis-lua"),
                          QStringLiteral("--redis"),
                          m_redis.url(),
                          QStringLiteral("--pace"),
                          QStringLiteral("realtime"),
                          QStringLiteral("--give-up-after"),
                          giveUpAfter,
                          QStringLiteral("--json"),
                          QStringLiteral("-"),
                          QStringLiteral("--quiet")});
        QVERIFY(run.waitForStarted(5000));
    }
    void startWorker(QProcess& w, const QString& bootstrap, const QStringList& extra = {}) {
        w.start(cli(), QStringList{QStringLiteral("worker"), QStringLiteral("--kafka"), bootstrap,
                                   QStringLiteral("--redis"), m_redis.url()} +
                           extra);
        QVERIFY(w.waitForStarted(5000));
    }
    // Waits until the worker has decided at least `n` requests (its progress line).
    void waitForWork(QProcess& w, QByteArray& err, qint64 n) {
        QTRY_VERIFY_WITH_TIMEOUT((err += w.readAllStandardError(), test::lastProcessed(err) >= n),
                                 60000);
    }
    QString appliedKey(const QJsonObject& summary) {
        return summary.value(QStringLiteral("backend"))
                   .toObject()
                   .value(QStringLiteral("detail"))
                   .toString() +
               QStringLiteral(":0:applied");
    }

private Q_SLOTS:
    void initTestCase() {
        QString error;
        QVERIFY2(m_redis.start(error), qPrintable(error));
    }

    void aDeadBrokerEndsTheRunAndEveryUnitIsAccountedFor() {
        QProcess broker;
        const QString bootstrap =
            test::startBroker(broker, {QStringLiteral("--brokers"), QStringLiteral("1")});
        QVERIFY2(bootstrap.startsWith(QStringLiteral("127.0.0.1:")), qPrintable(bootstrap));
        QProcess first, second, run;
        startWorker(first, bootstrap);
        startWorker(second, bootstrap);
        startRun(run, bootstrap, QStringLiteral("4"));
        QByteArray firstErr;
        waitForWork(first, firstErr, 1000);
        QVERIFY(signal(broker, SIGKILL));
        QVERIFY(broker.waitForFinished(5000));

        // Ends: 4 s without the cluster, then settled, reconciled and summarised.
        QElapsedTimer ended;
        ended.start();
        QVERIFY(run.waitForFinished(60000));
        qInfo("the run ended %lld ms after the broker died", ended.elapsed());
        QCOMPARE(run.exitCode(), 1);
        QVERIFY(ended.elapsed() < 30000);
        const QByteArray err = run.readAllStandardError();
        QVERIFY2(
            err.contains(QByteArray("run failed: Kafka at " + bootstrap.toUtf8() + " unreachable")),
            err.constData());
        const QJsonObject summary = QJsonDocument::fromJson(run.readAllStandardOutput()).object();
        QVERIFY(summary.value(QStringLiteral("error"))
                    .toString()
                    .contains(QStringLiteral("went to the DLQ (Kafka unavailable)")));
        QCOMPARE(finals(summary), summary.value(QStringLiteral("admitted")).toInteger());
        QCOMPARE(summary.value(QStringLiteral("over_issued")).toInt(), 0);
        // Every unit Redis handed out is one the run reports issued, none more, none fewer.
        const qint64 issued = summary.value(QStringLiteral("issued")).toInteger();
        QVERIFY(issued >= 1000);
        QCOMPARE(m_redis.cli({QStringLiteral("SCARD"), appliedKey(summary)}).toLongLong(), issued);
        QCOMPARE(summary.value(QStringLiteral("dlq")).toInteger(),
                 summary.value(QStringLiteral("admitted")).toInteger() - issued);

        // The workers obey SIGTERM without their cluster.
        for (QProcess* w : {&first, &second}) {
            QElapsedTimer t;
            t.start();
            QVERIFY(signal(*w, SIGTERM));
            QVERIFY(w->waitForFinished(15000));
            qInfo("a worker stopped %lld ms after SIGTERM", t.elapsed());
            QVERIFY(t.elapsed() <= 5000);
        }
    }

    // kill -9 of a worker between deciding and committing its offsets, made certain: it commits
    // only once an hour, so everything it decided is handed again to the worker that takes its
    // partitions. Each of those is found decided (idempotent by request, by user): the stock is
    // issued exactly, nothing twice, and the copies are counted as redeliveries.
    void aWorkerKilledBeforeItCommitsHasItsDecisionsFoundNotRepeated() {
        constexpr int kStock = 3000;
        QProcess broker;
        const QString bootstrap =
            test::startBroker(broker, {QStringLiteral("--brokers"), QStringLiteral("1")});
        QVERIFY2(bootstrap.startsWith(QStringLiteral("127.0.0.1:")), qPrintable(bootstrap));
        QProcess first, second, run;
        startWorker(first, bootstrap,
                    {QStringLiteral("--commit-interval"), QStringLiteral("3600000")});
        startRun(run, bootstrap, QStringLiteral("30"), kStock);
        QByteArray firstErr;
        waitForWork(first, firstErr, 1000);
        QVERIFY(signal(first, SIGKILL));
        QVERIFY(first.waitForFinished(5000));
        // Its last progress line: at most what it did (it may lag by a second).
        const qint64 byFirst = test::lastProcessed(firstErr);
        qint64 firstSucceeded = 0;
        const QRegularExpression succeeded(QStringLiteral("succeeded (\\d+)"));
        for (auto it = succeeded.globalMatch(QString::fromUtf8(firstErr)); it.hasNext();)
            firstSucceeded = it.next().captured(1).toLongLong();
        QVERIFY(firstSucceeded > 0);

        const QString report = m_dir.filePath(QStringLiteral("second-worker.json"));
        startWorker(second, bootstrap, {QStringLiteral("--json"), report});
        QVERIFY(run.waitForFinished(120000));
        const QByteArray err = run.readAllStandardError();
        QCOMPARE(run.exitCode(), 0);
        const QJsonObject summary = QJsonDocument::fromJson(run.readAllStandardOutput()).object();
        QVERIFY2(!summary.isEmpty(), err.constData());
        QCOMPARE(finals(summary), summary.value(QStringLiteral("admitted")).toInteger());
        QCOMPARE(summary.value(QStringLiteral("admitted")).toInt(), 20000);
        QCOMPARE(summary.value(QStringLiteral("issued")).toInt(), kStock);
        QCOMPARE(summary.value(QStringLiteral("over_issued")).toInt(), 0);
        QCOMPARE(summary.value(QStringLiteral("under_issued")).toInt(), 0);
        QCOMPARE(m_redis.cli({QStringLiteral("SCARD"), appliedKey(summary)}).toLongLong(),
                 qint64(kStock));
        // Everything the first decided came again; the run counted the copies.
        const qint64 redeliveries = summary.value(QStringLiteral("redeliveries")).toInteger();
        QVERIFY2(redeliveries >= byFirst,
                 qPrintable(QStringLiteral("redeliveries %1, first worker decided %2")
                                .arg(redeliveries)
                                .arg(byFirst)));

        QVERIFY(second.waitForFinished(30000));
        QCOMPARE(second.exitCode(), 0);
        QFile file(report);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QJsonObject bySecond = QJsonDocument::fromJson(file.readAll()).object();
        // The first's units, found again by the second as "issued before", not taken twice.
        const qint64 issuedBefore = bySecond.value(QStringLiteral("issued_before")).toInteger();
        QVERIFY2(issuedBefore >= firstSucceeded,
                 qPrintable(QStringLiteral("issued before %1, the first took %2")
                                .arg(issuedBefore)
                                .arg(firstSucceeded)));
        QCOMPARE(bySecond.value(QStringLiteral("succeeded")).toInteger() + issuedBefore,
                 qint64(kStock));
        qInfo(
            "first worker decided >= %lld (took %lld) before kill -9; the second found %lld "
            "issued before, the run counted %lld redeliveries",
            byFirst, firstSucceeded, issuedBefore, redeliveries);
        test::stopBroker(broker);
    }

    void sigtermEndsAStalledRunWithinFiveSeconds() {
        QProcess broker;
        const QString bootstrap =
            test::startBroker(broker, {QStringLiteral("--brokers"), QStringLiteral("1")});
        QVERIFY2(bootstrap.startsWith(QStringLiteral("127.0.0.1:")), qPrintable(bootstrap));
        QProcess worker, run;
        startWorker(worker, bootstrap);
        startRun(run, bootstrap, QStringLiteral("600"));  // only the signal can end it
        QByteArray workerErr;
        waitForWork(worker, workerErr, 500);
        QVERIFY(signal(broker, SIGKILL));
        QVERIFY(broker.waitForFinished(5000));
        QTest::qWait(1000);  // the run notices nothing it could act on yet: it waits
        QCOMPARE(run.state(), QProcess::Running);

        QElapsedTimer t;
        t.start();
        QVERIFY(signal(run, SIGTERM));
        QVERIFY(run.waitForFinished(10000));
        qInfo("the run stopped %lld ms after SIGTERM", t.elapsed());
        QVERIFY(t.elapsed() <= 5000);
        QCOMPARE(run.exitCode(), 1);  // it could not decide everything: a failure, said so
        const QJsonObject summary = QJsonDocument::fromJson(run.readAllStandardOutput()).object();
        QVERIFY(summary.value(QStringLiteral("error"))
                    .toString()
                    .contains(QStringLiteral("stopped before decided")));
        QCOMPARE(finals(summary), summary.value(QStringLiteral("admitted")).toInteger());
        QCOMPARE(m_redis.cli({QStringLiteral("SCARD"), appliedKey(summary)}).toLongLong(),
                 summary.value(QStringLiteral("issued")).toInteger());

        QElapsedTimer w;
        w.start();
        QVERIFY(signal(worker, SIGTERM));
        QVERIFY(worker.waitForFinished(15000));
        qInfo("the worker stopped %lld ms after SIGTERM", w.elapsed());
        QVERIFY(w.elapsed() <= 5000);
    }

    // The standalone broker, with a worker connected to it, and `serve` stop on SIGTERM and
    // SIGINT within 5 s, exit 0 (what an operator's Ctrl-C or a service manager sends).
    void theBrokerAndServeObeyTheirSignals_data() {
        QTest::addColumn<int>("sig");
        QTest::newRow("SIGTERM") << int(SIGTERM);
        QTest::newRow("SIGINT") << int(SIGINT);
    }
    void theBrokerAndServeObeyTheirSignals() {
        QFETCH(int, sig);
        QProcess broker;
        const QString bootstrap =
            test::startBroker(broker, {QStringLiteral("--brokers"), QStringLiteral("1")});
        QVERIFY2(bootstrap.startsWith(QStringLiteral("127.0.0.1:")), qPrintable(bootstrap));
        QProcess worker;
        startWorker(worker, bootstrap);
        QProcess serve;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("HOME"), m_dir.path());  // its admin token and store go there
        serve.setProcessEnvironment(env);
        serve.start(cli(), {QStringLiteral("serve"), QStringLiteral("--http"),
                            QStringLiteral("127.0.0.1:0"), QStringLiteral("--quiet")});
        QVERIFY(serve.waitForStarted(5000));
        QByteArray served;
        QTRY_VERIFY_WITH_TIMEOUT(
            (served += serve.readAllStandardOutput(),
             served.contains("listening on") || serve.state() != QProcess::Running),
            10000);
        QVERIFY2(serve.state() == QProcess::Running, serve.readAllStandardError().constData());
        for (QProcess* p : {&serve, &worker, &broker}) {
            QElapsedTimer t;
            t.start();
            QVERIFY(signal(*p, sig));
            QVERIFY(p->waitForFinished(15000));
            qInfo("%s stopped %lld ms after the signal", qPrintable(p->arguments().first()),
                  t.elapsed());
            QVERIFY(t.elapsed() <= 5000);
            QCOMPARE(p->exitStatus(), QProcess::NormalExit);
        }
        QCOMPARE(broker.exitCode(), 0);
        QCOMPARE(serve.exitCode(), 0);
    }

    void aSecondSignalEndsAtOnce() {
        QProcess broker;
        const QString bootstrap =
            test::startBroker(broker, {QStringLiteral("--brokers"), QStringLiteral("1")});
        QVERIFY2(bootstrap.startsWith(QStringLiteral("127.0.0.1:")), qPrintable(bootstrap));
        QProcess run;
        startRun(run, bootstrap, QStringLiteral("600"));
        QTest::qWait(1500);  // the run has connected and announced itself
        QVERIFY2(run.state() == QProcess::Running, run.readAllStandardError().constData());
        QVERIFY(signal(broker, SIGKILL));
        QVERIFY(broker.waitForFinished(5000));
        QVERIFY(signal(run, SIGTERM));
        QTest::qWait(200);
        QElapsedTimer t;
        t.start();
        QVERIFY(signal(run, SIGTERM));
        QVERIFY(run.waitForFinished(2000));
        QCOMPARE(run.exitCode(), 130);
        QVERIFY(t.elapsed() < 1000);
    }
};

QTEST_GUILESS_MAIN(TestChaosKafka)
#include "tst_chaos_kafka.moc"
