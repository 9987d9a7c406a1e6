// A Kafka run's dead-letter topic replayed after the run has ended, from another process, with
// the real servers: the standalone mock broker and redis-server. The replay decides against the
// run's shared stock by user, marks what it decided on "<topic>.replays", and never issues twice:
// not on a second replay, not for a user whose decision was made but never marked (a replayer
// that died), and Redis agrees with every count.
#include <QtTest>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>

#include "kafka_test_support.h"
#include "redis_server.h"

using stampede::test::deadLetterTopicOf;

namespace {
QString cli() {
    return QStringLiteral(STAMPEDE_CLI_PATH);
}

struct Result {
    int exitCode = -1;
    QByteArray out, err;
    QJsonObject json() const { return QJsonDocument::fromJson(out).object(); }
};

Result runCli(const QStringList& args, int timeoutMs = 60000) {
    QProcess p;
    p.start(cli(), args);
    Result r;
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished(5000);
        return r;
    }
    r.exitCode = p.exitCode();
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

}  // namespace

class TestKafkaDlqReplay : public QObject {
    Q_OBJECT
    stampede::test::RedisServer m_redis;
    QProcess m_broker;
    QString m_bootstrap;
    QTemporaryDir m_dir;

    // Seed 000's coupon alone, with more stock than users: every dead letter is owed a coupon.
    QString scenario(int stock) {
        return stampede::test::writeScenario(
            QStringLiteral("seed-000.json"), m_dir.filePath(QStringLiteral("replay.json")),
            [stock](QJsonObject& s) {
                s[QStringLiteral("name")] = QStringLiteral("dlq-replay");
                QJsonObject coupon = s[QStringLiteral("campaigns")].toArray()[0].toObject();
                coupon[QStringLiteral("stock")] = stock;
                s[QStringLiteral("campaigns")] = QJsonArray{coupon};
                s[QStringLiteral("arrivals")] =
                    QJsonArray{s[QStringLiteral("arrivals")].toArray()[0]};
            });
    }

    // A redis-lua run of that scenario through the broker: its summary (empty if it failed).
    QJsonObject runOnRedis(int stock) {
        const Result run = runCli(
            QStringList{QStringLiteral("run"), scenario(stock), QStringLiteral("--transport"),
                        QStringLiteral("kafka"), QStringLiteral("--kafka"), m_bootstrap,
                        QStringLiteral("--guard"), QStringLiteral("redis-lua")} +
            redis() +
            QStringList{QStringLiteral("--pace"), QStringLiteral("asap"), QStringLiteral("--json"),
                        QStringLiteral("-"), QStringLiteral("--quiet")});
        return run.exitCode == 0 ? run.json() : QJsonObject();
    }

    QStringList kafka(const QString& topic) const {
        return {QStringLiteral("--kafka"), m_bootstrap, QStringLiteral("--topic"), topic};
    }
    QStringList redis() const { return {QStringLiteral("--redis"), m_redis.url()}; }

    QJsonArray listTopic(const QString& topic) {
        const Result r =
            runCli(QStringList{QStringLiteral("dlq"), QStringLiteral("list")} + kafka(topic) +
                   QStringList{QStringLiteral("--json"), QStringLiteral("-")});
        return r.json().value(QStringLiteral("dead_letters")).toArray();
    }

private Q_SLOTS:
    void initTestCase() {
        QString error;
        QVERIFY2(m_redis.start(error), qPrintable(error));
        m_bootstrap = stampede::test::startBroker(m_broker);
        QVERIFY2(m_bootstrap.startsWith(QStringLiteral("127.0.0.1:")), qPrintable(m_bootstrap));
    }
    void cleanupTestCase() { stampede::test::stopBroker(m_broker); }

    void replaysOnceAfterTheRunAgainstTheSharedStock() {
        const int stock = 5000;
        const QJsonObject summary = runOnRedis(stock);
        const int dead = summary.value(QStringLiteral("dead_lettered")).toInt();
        const int issuedInRun = summary.value(QStringLiteral("issued")).toInt();
        QVERIFY2(dead >= 5, qPrintable(QString::number(dead)));
        const QString topic = deadLetterTopicOf(summary);
        QVERIFY(!topic.isEmpty());
        const QString prefix = summary.value(QStringLiteral("backend"))
                                   .toObject()
                                   .value(QStringLiteral("detail"))
                                   .toString();
        const QString remainingKey = prefix + QStringLiteral(":0:remaining");
        const QString appliedKey = prefix + QStringLiteral(":0:applied");
        QCOMPARE(m_redis.cli({QStringLiteral("GET"), remainingKey}),
                 QString::number(stock - issuedInRun));

        // Every entry is pending, and names its run's guard and stock.
        QJsonArray entries = listTopic(topic);
        QCOMPARE(entries.size(), dead);
        for (const QJsonValue& v : entries) {
            QVERIFY(v.toObject().value(QStringLiteral("replayed")).isNull());
            QVERIFY(v.toObject().contains(QStringLiteral("user_id")));
        }

        // Two entries by id.
        const qint64 firstId =
            entries[0].toObject().value(QStringLiteral("request_id")).toInteger();
        const qint64 secondId =
            entries[1].toObject().value(QStringLiteral("request_id")).toInteger();
        Result some = runCli(
            QStringList{QStringLiteral("dlq"), QStringLiteral("replay")} + kafka(topic) + redis() +
            QStringList{QStringLiteral("--ids"), QStringLiteral("%1,%2").arg(firstId).arg(secondId),
                        QStringLiteral("--json"), QStringLiteral("-")});
        QCOMPARE(some.exitCode, 0);
        QCOMPARE(some.json().value(QStringLiteral("guard")).toString(),
                 QStringLiteral("redis-lua"));
        QCOMPARE(some.json().value(QStringLiteral("replayed")).toInt(), 2);
        QCOMPARE(some.json().value(QStringLiteral("issued")).toInt(), 2);

        // A replayer that died after deciding the third entry, before marking it: Redis holds
        // the user's unit, the topic has no mark.
        const QJsonObject third = entries[2].toObject();
        const QString thirdUser =
            QString::number(third.value(QStringLiteral("user_id")).toInteger());
        QCOMPARE(m_redis.cli({QStringLiteral("SADD"), appliedKey, thirdUser}), QStringLiteral("1"));
        m_redis.cli({QStringLiteral("DECR"), remainingKey});

        // The rest: the third is found held, every other one issued.
        Result rest = runCli(QStringList{QStringLiteral("dlq"), QStringLiteral("replay")} +
                             kafka(topic) + redis() +
                             QStringList{QStringLiteral("--rate"), QStringLiteral("500"),
                                         QStringLiteral("--json"), QStringLiteral("-")});
        QCOMPARE(rest.exitCode, 0);
        const QJsonObject r = rest.json();
        QCOMPARE(r.value(QStringLiteral("pending_before")).toInt(), dead - 2);
        QCOMPARE(r.value(QStringLiteral("replayed")).toInt(), dead - 2);
        QCOMPARE(r.value(QStringLiteral("already_held")).toInt(), 1);
        QCOMPARE(r.value(QStringLiteral("issued")).toInt(), dead - 3);
        QCOMPARE(r.value(QStringLiteral("failed")).toInt(), 0);

        // Redis agrees: each dead letter's user holds one unit, and no unit went twice.
        const int holders = issuedInRun + dead;
        QCOMPARE(m_redis.cli({QStringLiteral("SCARD"), appliedKey}), QString::number(holders));
        QCOMPARE(m_redis.cli({QStringLiteral("GET"), remainingKey}),
                 QString::number(stock - holders));

        // Every entry is marked now; a third replay has nothing to do and changes nothing.
        entries = listTopic(topic);
        QCOMPARE(entries.size(), dead);
        int held = 0;
        for (const QJsonValue& v : entries) {
            const QString mark = v.toObject().value(QStringLiteral("replayed")).toString();
            QVERIFY2(mark == QStringLiteral("issued") || mark == QStringLiteral("already held"),
                     qPrintable(mark));
            held += mark == QStringLiteral("already held");
        }
        QCOMPARE(held, 1);
        const Result again = runCli(QStringList{QStringLiteral("dlq"), QStringLiteral("replay")} +
                                    kafka(topic) + redis());
        QCOMPARE(again.exitCode, 0);
        QVERIFY2(again.out.contains("nothing pending"), again.out.constData());
        QCOMPARE(m_redis.cli({QStringLiteral("GET"), remainingKey}),
                 QString::number(stock - holders));
    }

    void aStockThatLivedInItsProcessIsRefused() {
        // The in-memory guard's stock ended with its run: nothing to replay against.
        const Result run =
            runCli({QStringLiteral("run"), scenario(5000), QStringLiteral("--transport"),
                    QStringLiteral("kafka"), QStringLiteral("--kafka"), m_bootstrap,
                    QStringLiteral("--pace"), QStringLiteral("asap"), QStringLiteral("--json"),
                    QStringLiteral("-"), QStringLiteral("--quiet")});
        QCOMPARE(run.exitCode, 0);
        const QString topic = deadLetterTopicOf(run.json());
        const Result replay = runCli(QStringList{QStringLiteral("dlq"), QStringLiteral("replay")} +
                                     kafka(topic) + redis());
        QCOMPARE(replay.exitCode, 2);
        QVERIFY2(
            replay.err.contains("lived in that run's process") && replay.err.contains("--store"),
            replay.err.constData());
        // Nothing was marked; and what is not a whole mark on the marks topic (someone else's
        // writing) marks nothing either.
        QProcess junk;
        junk.start(QStringLiteral("kcat"),
                   {QStringLiteral("-b"), m_bootstrap, QStringLiteral("-P"), QStringLiteral("-t"),
                    topic + QStringLiteral(".replays")});
        QVERIFY(junk.waitForStarted(5000));
        junk.write("not json\n{\"outcome\":\"issued\"}\n{\"request_id\":0}\n");
        junk.closeWriteChannel();
        QVERIFY(junk.waitForFinished(15000));
        QCOMPARE(junk.exitCode(), 0);
        const QJsonArray entries = listTopic(topic);
        QVERIFY(!entries.isEmpty());
        for (const QJsonValue& v : entries)
            QVERIFY(v.toObject().value(QStringLiteral("replayed")).isNull());
    }

    void badInputIsAClearError() {
        const Result missing = runCli(QStringList{QStringLiteral("dlq"), QStringLiteral("replay")} +
                                      kafka(QStringLiteral("no.such.topic")) + redis());
        QCOMPARE(missing.exitCode, 2);
        QVERIFY2(missing.err.contains("no.such.topic"), missing.err.constData());
        const Result noTopic = runCli({QStringLiteral("dlq"), QStringLiteral("replay"),
                                       QStringLiteral("--kafka"), m_bootstrap});
        QCOMPARE(noTopic.exitCode, 2);
        QVERIFY(noTopic.err.contains("--topic"));
        const Result badIds = runCli(QStringList{QStringLiteral("dlq"), QStringLiteral("replay")} +
                                     kafka(QStringLiteral("t")) +
                                     QStringList{QStringLiteral("--ids"), QStringLiteral("1,x")});
        QCOMPARE(badIds.exitCode, 2);
        QVERIFY2(badIds.err.contains("'x' is not a request id"), badIds.err.constData());
        const Result purge = runCli(QStringList{QStringLiteral("dlq"), QStringLiteral("purge")} +
                                    kafka(QStringLiteral("t")));
        QCOMPARE(purge.exitCode, 2);
        QVERIFY(purge.err.contains("retention"));
    }

    void aBackendThatIsDownLeavesEverythingPending() {
        const QString topic = deadLetterTopicOf(runOnRedis(5000));
        QVERIFY(!topic.isEmpty());
        m_redis.kill();
        QElapsedTimer timer;
        timer.start();
        const Result replay = runCli(QStringList{QStringLiteral("dlq"), QStringLiteral("replay")} +
                                     kafka(topic) + redis());
        QVERIFY2(replay.exitCode != 0, replay.out.constData());
        QVERIFY2(replay.err.contains("redis-lua") && replay.err.contains("refused"),
                 replay.err.constData());
        QVERIFY(timer.elapsed() < 30000);
        for (const QJsonValue& v : listTopic(topic))
            QVERIFY(v.toObject().value(QStringLiteral("replayed")).isNull());
        // Back again (its append-only file kept the stock): now the replay goes through.
        QString error;
        QVERIFY2(m_redis.start(error), qPrintable(error));
        const Result later = runCli(QStringList{QStringLiteral("dlq"), QStringLiteral("replay")} +
                                    kafka(topic) + redis());
        QCOMPARE(later.exitCode, 0);
        QVERIFY2(later.out.contains("failed and still pending") && later.out.contains(" 0 failed"),
                 later.out.constData());
    }
};

QTEST_GUILESS_MAIN(TestKafkaDlqReplay)
#include "tst_kafka_dlq_replay.moc"
