// The `kafka` transport against librdkafka's mock cluster (real Kafka protocol on loopback): every
// request travels through a topic and ends final exactly once; brokers set down and up, slowed,
// or failing produce requests mid-run delay requests but never lose or double them; a log that
// drops messages is a detected loss that the engine recovers; the dead-letter topic holds the
// DLQ, as kcat reads it; a broker that is not there is a clear error in bounded time.
#include <QtTest>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>

#include <cstring>
#include <thread>

#include "backends/kafka/kafka_transport.h"
#include "engine_test_support.h"
#include "kafka_test_support.h"
#include "stampede/backends/kafka/mock_cluster.h"
#include "stampede/report/summary_json.h"

using namespace stampede;
using namespace stampede::test;
namespace kafka = stampede::backends::kafka;

namespace {
StartOptions kafkaOptions(kafka::KafkaSettings settings = {}) {
    StartOptions o;
    o.transportFactory = kafka::makeKafkaTransportFactory(std::move(settings));
    return o;
}

// A mock cluster of the test's own, whose faults the test controls; empty settings if it did not
// start (the caller checks settings.mock).
kafka::KafkaSettings ownCluster(int brokers) {
    kafka::KafkaSettings settings;
    std::string error;
    settings.mock = kafka::MockCluster::start(brokers, error);
    if (!settings.mock) {
        qWarning("mock cluster: %s", error.c_str());
        return settings;
    }
    settings.bootstrap = settings.mock->bootstrap();
    return settings;
}

sim::Scenario overKafka(sim::Scenario s) {
    s.run.transport = core::Transport::Kafka;
    return s;
}

void verifyTransport(const Snapshot& s) {
    QCOMPARE(s.transport.kind, std::string("kafka"));
    QCOMPARE(s.transport.produceFailures, std::int64_t(0));
    QCOMPARE(s.transport.lostMessages, std::int64_t(0));
    // Every message was consumed and acknowledged: nothing is left behind in the topic. A broker
    // outage may hand a message again; every such copy is counted and dropped.
    QCOMPARE(s.transport.consumed, s.transport.produced + s.transport.redelivered);
    QVERIFY(s.redeliveries >= s.transport.redelivered);
    QCOMPARE(s.transport.acknowledged, s.transport.consumed);
    QVERIFY(s.transport.maxLead <= s.transport.leadBound || s.transport.leadBound == 0);
}

QString cliPath() {
    return QStringLiteral(STAMPEDE_CLI_PATH);
}
QString simulation(const char* name) {
    return QStringLiteral(STAMPEDE_SOURCE_DIR "/simulations/") + QLatin1String(name);
}
}  // namespace

class TestKafkaTransport : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void exactlyTheStockThroughATopic_data() {
        QTest::addColumn<int>("pipeline");
        QTest::addColumn<QString>("guard");
        QTest::newRow("decide-in-worker/atomic")
            << int(core::Pipeline::DecideInWorker) << QStringLiteral("atomic");
        QTest::newRow("decide-at-ingress/mutex")
            << int(core::Pipeline::DecideAtIngress) << QStringLiteral("mutex");
        QTest::newRow("single-consumer")
            << int(core::Pipeline::DecideInWorker) << QStringLiteral("single-consumer");
    }
    void exactlyTheStockThroughATopic() {
        QFETCH(int, pipeline);
        QFETCH(QString, guard);
        const sim::Scenario s =
            overKafka(spike(10000, 100, guard.toStdString(), core::Pipeline(pipeline), 2, 4));
        Engine engine;
        const StartResult started = engine.start(s, kafkaOptions());
        QVERIFY2(started.ok(), started.error.c_str());
        QVERIFY(engine.waitForEnd(std::chrono::seconds(60)));
        const auto snap = engine.snapshot();
        verifyInvariants(*snap);
        QCOMPARE(snap->issued, std::int64_t(100));
        QCOMPARE(snap->overIssued, std::int64_t(0));
        verifyTransport(*snap);
        // decide-at-ingress sends only the issues it decided; the others send every request.
        QCOMPARE(snap->transport.produced,
                 core::Pipeline(pipeline) == core::Pipeline::DecideAtIngress ? std::int64_t(100)
                                                                             : std::int64_t(10000));
        QVERIFY(snap->transport.detail.find("embedded mock cluster") != std::string::npos);
    }

    // Retries and the DLQ work through the topic too, and a replay goes through it again.
    void retriesDeadLettersAndReplay() {
        sim::Scenario s =
            overKafka(spike(3000, 300, "atomic", core::Pipeline::DecideInWorker, 2, 2));
        s.faults.transientFailureRate = 0.1;
        s.faults.permanentFailureRate = 0.02;
        s.faults.workerCrashes = 2;
        StartOptions o = kafkaOptions();
        o.keepOpen = true;
        Engine engine;
        QVERIFY(engine.start(s, o).ok());
        QTRY_VERIFY_WITH_TIMEOUT(engine.snapshot()->finals == 3000, 60000);
        auto snap = engine.snapshot();
        QVERIFY(snap->retries > 0);
        QVERIFY(snap->dlqSize > 0);
        QCOMPARE(snap->workerCrashes, std::int64_t(2));
        const std::int64_t dead = snap->dlqSize;
        auto job = engine.replayDlq({}, 0);
        QVERIFY(job);
        QVERIFY(job->wait(std::chrono::seconds(30)));
        engine.stop();
        QVERIFY(engine.waitForEnd(std::chrono::seconds(30)));
        snap = engine.snapshot();
        verifyInvariants(*snap);
        QCOMPARE(snap->dlqSize, std::int64_t(0));
        QCOMPARE(snap->replayed, dead);
        QCOMPARE(snap->issued, std::int64_t(300));
        QCOMPARE(snap->overIssued, std::int64_t(0));
        QCOMPARE(snap->transport.acknowledged, snap->transport.consumed);
    }

    // Every broker down for two seconds mid-run, then up: producers buffer and consumers
    // reconnect; nothing is lost or doubled.
    void brokersDownAndUp() {
        kafka::KafkaSettings settings = ownCluster(3);
        QVERIFY(settings.mock);
        const std::shared_ptr<kafka::MockCluster> mock = settings.mock;
        sim::Scenario s =
            overKafka(spike(20000, 500, "atomic", core::Pipeline::DecideInWorker, 2, 4));
        s.run.pace = core::Pace::Realtime;
        s.arrivals[0].overMs = 3000;
        Engine engine;
        QVERIFY(engine.start(s, kafkaOptions(settings)).ok());
        QTRY_VERIFY_WITH_TIMEOUT(engine.snapshot()->finals > 2000, 20000);
        mock->setDown(-1);
        std::this_thread::sleep_for(std::chrono::seconds(2));
        const std::int64_t finalsWhileDown = engine.snapshot()->finals;
        mock->setUp(-1);
        QVERIFY(engine.waitForEnd(std::chrono::seconds(90)));
        const auto snap = engine.snapshot();
        verifyInvariants(*snap);
        QVERIFY(finalsWhileDown < 20000);
        QCOMPARE(snap->issued, std::int64_t(500));
        QCOMPARE(snap->overIssued, std::int64_t(0));
        verifyTransport(*snap);
        QCOMPARE(snap->transport.produced, std::int64_t(20000));
        qInfo("consumed %lld, redelivered %lld", qlonglong(snap->transport.consumed),
              qlonglong(snap->transport.redelivered));
    }

    // A hang, not a crash: every broker answers 1.5 s late for a while; the run finishes.
    void slowBrokers() {
        kafka::KafkaSettings settings = ownCluster(3);
        QVERIFY(settings.mock);
        const std::shared_ptr<kafka::MockCluster> mock = settings.mock;
        sim::Scenario s =
            overKafka(spike(5000, 100, "atomic", core::Pipeline::DecideInWorker, 2, 2));
        s.run.pace = core::Pace::Realtime;
        s.arrivals[0].overMs = 2000;
        Engine engine;
        QVERIFY(engine.start(s, kafkaOptions(settings)).ok());
        QTRY_VERIFY_WITH_TIMEOUT(engine.snapshot()->finals > 500, 20000);
        mock->setRtt(-1, 1500);
        std::this_thread::sleep_for(std::chrono::seconds(2));
        mock->setRtt(-1, 0);
        QVERIFY(engine.waitForEnd(std::chrono::seconds(90)));
        const auto snap = engine.snapshot();
        verifyInvariants(*snap);
        QCOMPARE(snap->issued, std::int64_t(100));
        QCOMPARE(snap->overIssued, std::int64_t(0));
        verifyTransport(*snap);
    }

    // Seed 003's producer-failure path: produce requests rejected for good after the decision
    // (decide-at-ingress took the unit) are compensated: the unit goes back, the request goes to
    // the DLQ with the reason, and the stock still adds up.
    void failedProduceIsCompensated() {
        kafka::KafkaSettings settings = ownCluster(1);
        QVERIFY(settings.mock);
        const std::shared_ptr<kafka::MockCluster> mock = settings.mock;
        settings.messageTimeoutMs = 2000;
        sim::Scenario s =
            overKafka(spike(4000, 4000, "atomic", core::Pipeline::DecideAtIngress, 2, 1));
        s.run.pace = core::Pace::Realtime;
        s.arrivals[0].overMs = 2000;
        Engine engine;
        QVERIFY(engine.start(s, kafkaOptions(settings)).ok());
        QTRY_VERIFY_WITH_TIMEOUT(engine.snapshot()->finals > 200, 20000);
        // Retriable errors for longer than the message timeout: those batches fail for good.
        mock->failRequests(0, 200, RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS);
        QVERIFY(engine.waitForEnd(std::chrono::seconds(90)));
        const auto snap = engine.snapshot();
        verifyInvariants(*snap);
        QVERIFY2(snap->transport.produceFailures > 0, "no produce failed: the fault did not bite");
        const auto letters = engine.listDlq({});
        QCOMPARE(std::int64_t(letters.size()), snap->dlqSize);
        std::int64_t transportFailures = 0;
        for (const auto& l : letters) transportFailures += l.reason == "transport failure";
        QVERIFY(transportFailures > 0);
        // Compensated: every unit is either issued or back in stock.
        QCOMPARE(snap->issued + snap->remaining, std::int64_t(4000));
        QCOMPARE(snap->issued + snap->dlqSize, std::int64_t(4000));
        QCOMPARE(snap->overIssued, std::int64_t(0));
    }

    // No bound on the producers' lead, one partition, a log that keeps ~100,000 messages and a
    // consumer held back: the loss is detected, reported, and every waiting request is sent
    // again.
    void lossIsDetectedAndRecovered() {
        kafka::KafkaSettings settings = ownCluster(1);
        QVERIFY(settings.mock);
        const std::shared_ptr<kafka::MockCluster> mock = settings.mock;
        // The consumer's first fetches answer 400 ms late while the producer runs free.
        mock->delayRequests(1, 5, 400);
        settings.leadBoundPerPartition = 0;
        const sim::Scenario s =
            overKafka(spike(400000, 1000, "atomic", core::Pipeline::DecideInWorker, 1, 1));
        Engine engine;
        QVERIFY(engine.start(s, kafkaOptions(settings)).ok());
        QVERIFY(engine.waitForEnd(std::chrono::seconds(120)));
        const auto snap = engine.snapshot();
        verifyInvariants(*snap);
        QCOMPARE(snap->issued, std::int64_t(1000));
        QCOMPARE(snap->overIssued, std::int64_t(0));
        QVERIFY2(snap->transport.lostMessages > 0, "the log kept everything: no loss to detect");
        QVERIFY(snap->transport.resent > 0);
        const auto warnings = report::summaryWarnings(*snap);
        QVERIFY(std::any_of(warnings.begin(), warnings.end(),
                            [](const std::string& w) { return w.starts_with("TRANSPORT LOSS"); }));
    }

    // The same run with the default bound loses nothing.
    void boundedLeadLosesNothing() {
        const sim::Scenario s =
            overKafka(spike(400000, 1000, "atomic", core::Pipeline::DecideInWorker, 1, 1));
        Engine engine;
        QVERIFY(engine.start(s, kafkaOptions()).ok());
        QVERIFY(engine.waitForEnd(std::chrono::seconds(120)));
        const auto snap = engine.snapshot();
        verifyInvariants(*snap);
        verifyTransport(*snap);
        QVERIFY(snap->transport.maxLead <= 25000);
    }

    // Several processes on one cluster: the standalone broker, a run through it, and kcat reading
    // the run's dead-letter topic, which holds exactly the DLQ.
    void deadLetterTopicAgreesWithKcat() {
        QProcess broker;
        const QString bootstrap = startBroker(broker);
        QVERIFY(!bootstrap.isEmpty());
        QVERIFY2(bootstrap.startsWith(QStringLiteral("127.0.0.1:")), qPrintable(bootstrap));

        QProcess run;
        run.start(cliPath(), {QStringLiteral("run"), simulation("seed-000.json"),
                              QStringLiteral("--transport"), QStringLiteral("kafka"),
                              QStringLiteral("--kafka"), bootstrap, QStringLiteral("--pace"),
                              QStringLiteral("asap"), QStringLiteral("--json"), QStringLiteral("-"),
                              QStringLiteral("--quiet")});
        QVERIFY(run.waitForFinished(60000));
        QCOMPARE(run.exitCode(), 0);
        const QJsonObject summary = QJsonDocument::fromJson(run.readAllStandardOutput()).object();
        QCOMPARE(summary.value(QStringLiteral("over_issued")).toInt(), 0);
        const int dead = summary.value(QStringLiteral("dead_lettered")).toInt();
        QVERIFY(dead > 0);
        const QString topic = deadLetterTopicOf(summary);
        QVERIFY(!topic.isEmpty());

        QProcess kcat;
        kcat.start(QStringLiteral("kcat"),
                   {QStringLiteral("-b"), bootstrap, QStringLiteral("-C"), QStringLiteral("-t"),
                    topic, QStringLiteral("-e"), QStringLiteral("-q")});
        QVERIFY(kcat.waitForFinished(30000));
        const QList<QByteArray> lines = kcat.readAllStandardOutput().trimmed().split('\n');
        QCOMPARE(int(lines.size()), dead);
        const QJsonObject first = QJsonDocument::fromJson(lines.first()).object();
        QVERIFY(first.contains(QStringLiteral("request_id")));
        QVERIFY(!first.value(QStringLiteral("reason")).toString().isEmpty());
        QVERIFY(first.value(QStringLiteral("errors")).toArray().size() >= 1);

        // Our own reader of the topic agrees with kcat.
        QProcess list;
        list.start(cliPath(), {QStringLiteral("dlq"), QStringLiteral("list"),
                               QStringLiteral("--kafka"), bootstrap, QStringLiteral("--topic"),
                               topic, QStringLiteral("--json"), QStringLiteral("-")});
        QVERIFY(list.waitForFinished(60000));
        QCOMPARE(list.exitCode(), 0);
        const QJsonArray listed = QJsonDocument::fromJson(list.readAllStandardOutput())
                                      .object()
                                      .value(QStringLiteral("dead_letters"))
                                      .toArray();
        QCOMPARE(int(listed.size()), dead);
        QProcess missing;
        missing.start(cliPath(),
                      {QStringLiteral("dlq"), QStringLiteral("list"), QStringLiteral("--kafka"),
                       bootstrap, QStringLiteral("--topic"), QStringLiteral("no.such.topic")});
        QVERIFY(missing.waitForFinished(30000));
        QCOMPARE(missing.exitCode(), 2);
        stopBroker(broker);
    }

    // Bad Kafka input: refused in bounded time, in plain words, nothing run. TLS to a plaintext
    // listener; topics the cluster could not create (an illegal name from the operator's prefix).
    // A run of one writes and reads the 20- and 16-byte forms it always did; a shared run's
    // ingress tags its requests with its origin, and a worker's result carries it back.
    void wireFormatsWithAndWithoutAnOrigin() {
        using namespace backends::kafka;
        const transport::Envelope e{0x7fff'fff1u, 513, 3, 0x1234'5678'9abc'def0ULL};
        for (const std::uint32_t origin : {0u, 1u, 0xdead'beefu}) {
            unsigned char bytes[kMaxMessageBytes];
            const std::size_t n = encode(e, origin, bytes);
            QCOMPARE(n, origin ? kMaxMessageBytes : kMessageBytes);
            QCOMPARE(std::memcmp(bytes, origin ? "SPK2" : "SPK1", 4), 0);
            std::uint32_t read = 99;
            const auto back = decode(bytes, n, &read);
            QVERIFY(back);
            QCOMPARE(back->message, e.message);
            QCOMPARE(back->campaign, e.campaign);
            QCOMPARE(back->flags, e.flags);
            QCOMPARE(back->user, e.user);
            QCOMPARE(read, origin);
            QVERIFY(!decode(bytes, n - 1));                                      // cut short
            QVERIFY(!decode(bytes, origin ? kMessageBytes : kMaxMessageBytes));  // wrong size
            transport::RemoteResult r{e.message, transport::RemoteOutcome::SoldOut, 3, origin};
            unsigned char result[kMaxResultBytes];
            const std::size_t m = encode(r, 7, 5, result);
            QCOMPARE(m, origin ? kMaxResultBytes : kResultBytes);
            int partition = -1;
            const auto got = decodeResult(result, m, &partition);
            QVERIFY(got);
            QCOMPARE(got->message, r.message);
            QVERIFY(got->outcome == r.outcome);
            QCOMPARE(got->attempts, r.attempts);
            QCOMPARE(got->origin, origin);
            QCOMPARE(partition, 5);
            result[8] = 9;  // no such outcome
            QVERIFY(!decodeResult(result, m));
        }
    }

    void badKafkaInputIsAClearError_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QStringList>("says");
        QTest::newRow("tls to plaintext")
            << QStringList{QStringLiteral("--kafka-security"), QStringLiteral("ssl")}
            << QStringList{QStringLiteral("did not answer"), QStringLiteral("security protocol")};
        QTest::newRow("topic that cannot be created")
            << QStringList{QStringLiteral("--kafka-topic-prefix"), QStringLiteral("team/a")}
            << QStringList{QStringLiteral("topic prefix 'team/a'"),
                           QStringLiteral("letters, digits")};
        QTest::newRow("shared topic that cannot be created")
            << QStringList{QStringLiteral("--kafka-topic"), QStringLiteral("orders requests")}
            << QStringList{QStringLiteral("requests topic: 'orders requests'"),
                           QStringLiteral("letters, digits")};
    }
    void badKafkaInputIsAClearError() {
        QFETCH(QStringList, args);
        QFETCH(QStringList, says);
        QProcess broker;
        const QString bootstrap =
            startBroker(broker, {QStringLiteral("--brokers"), QStringLiteral("1")});
        QVERIFY(!bootstrap.isEmpty());
        QElapsedTimer timer;
        timer.start();
        QProcess run;
        run.start(cliPath(), QStringList{QStringLiteral("run"), simulation("seed-003.json"),
                                         QStringLiteral("--transport"), QStringLiteral("kafka"),
                                         QStringLiteral("--kafka"), bootstrap} +
                                 args);
        QVERIFY(run.waitForFinished(30000));
        QCOMPARE(run.exitCode(), 2);
        const QString err = QString::fromUtf8(run.readAllStandardError());
        for (const QString& words : says) QVERIFY2(err.contains(words), qPrintable(err));
        QVERIFY(timer.elapsed() < 15000);
        // Nothing was made: the cluster has no topic at all.
        QProcess kcat;
        kcat.start(QStringLiteral("kcat"), {QStringLiteral("-b"), bootstrap, QStringLiteral("-L")});
        QVERIFY(kcat.waitForFinished(15000));
        QVERIFY(kcat.readAllStandardOutput().contains(" 0 topics"));
        stopBroker(broker);
    }

    // The operator's own topic prefix is used as given.
    void aTopicPrefixOfTheOperatorsOwn() {
        QProcess broker;
        const QString bootstrap =
            startBroker(broker, {QStringLiteral("--brokers"), QStringLiteral("1")});
        QVERIFY(!bootstrap.isEmpty());
        QProcess good;
        good.start(cliPath(),
                   {QStringLiteral("run"), simulation("seed-003.json"),
                    QStringLiteral("--transport"), QStringLiteral("kafka"),
                    QStringLiteral("--kafka"), bootstrap, QStringLiteral("--kafka-topic-prefix"),
                    QStringLiteral("team-a"), QStringLiteral("--pace"), QStringLiteral("asap"),
                    QStringLiteral("--json"), QStringLiteral("-"), QStringLiteral("--quiet")});
        QVERIFY(good.waitForFinished(60000));
        QCOMPARE(good.exitCode(), 0);
        QVERIFY(good.readAllStandardOutput().contains("topic team-a."));
        stopBroker(broker);
    }

    // One requests topic shared by runs (--kafka-topic): a run alone, then two at once. Each
    // reads only its own part (from where the topic ended when it began, and by its run key), so
    // each consumes exactly what it produced, loses nothing, and issues exactly its stock; kcat
    // finds every run's messages on the topic under its key.
    void runsShareOneRequestsTopic() {
        QProcess broker;
        const QString bootstrap = startBroker(broker);
        QVERIFY(!bootstrap.isEmpty());
        const QString topic = QStringLiteral("shared.requests");
        auto start = [&](QProcess& run, const char* pace) {
            run.start(cliPath(),
                      {QStringLiteral("run"), simulation("seed-003.json"),
                       QStringLiteral("--transport"), QStringLiteral("kafka"),
                       QStringLiteral("--kafka"), bootstrap, QStringLiteral("--kafka-topic"), topic,
                       QStringLiteral("--pace"), QString::fromLatin1(pace),
                       QStringLiteral("--json"), QStringLiteral("-"), QStringLiteral("--quiet")});
        };
        auto verify = [](QProcess& run) {
            QVERIFY(run.waitForFinished(60000));
            QCOMPARE(run.exitCode(), 0);
            const QJsonObject summary =
                QJsonDocument::fromJson(run.readAllStandardOutput()).object();
            QCOMPARE(summary.value(QStringLiteral("issued")).toInt(), 100);
            QCOMPARE(summary.value(QStringLiteral("over_issued")).toInt(), 0);
            const QJsonObject t = summary.value(QStringLiteral("transport_stats")).toObject();
            QVERIFY(
                t.value(QStringLiteral("detail")).toString().contains(QStringLiteral("shared")));
            QCOMPARE(t.value(QStringLiteral("produced")).toInt(), 10000);
            QCOMPARE(t.value(QStringLiteral("consumed")).toInt(), 10000);
            QCOMPARE(t.value(QStringLiteral("acknowledged")).toInt(), 10000);
            QCOMPARE(t.value(QStringLiteral("lost_messages")).toInt(), 0);
        };
        QProcess alone;
        start(alone, "asap");
        verify(alone);
        QProcess first, second;
        start(first, "realtime");
        start(second, "realtime");
        verify(first);
        verify(second);

        QProcess kcat;
        kcat.start(QStringLiteral("kcat"),
                   {QStringLiteral("-b"), bootstrap, QStringLiteral("-C"), QStringLiteral("-t"),
                    topic, QStringLiteral("-e"), QStringLiteral("-q"), QStringLiteral("-f"),
                    QStringLiteral("%k\n")});
        QVERIFY(kcat.waitForFinished(60000));
        QMap<QByteArray, int> byRun;
        for (const QByteArray& key : kcat.readAllStandardOutput().trimmed().split('\n'))
            ++byRun[key];
        QCOMPARE(byRun.size(), 3);
        for (const int n : byRun) QCOMPARE(n, 10000);
        stopBroker(broker);
    }

    void unreachableBrokerIsAClearErrorInBoundedTime() {
        QElapsedTimer timer;
        timer.start();
        QProcess run;
        run.start(cliPath(), {QStringLiteral("run"), simulation("seed-003.json"),
                              QStringLiteral("--transport"), QStringLiteral("kafka"),
                              QStringLiteral("--kafka"), QStringLiteral("127.0.0.1:1")});
        QVERIFY(run.waitForFinished(30000));
        QCOMPARE(run.exitCode(), 2);
        const QString err = QString::fromUtf8(run.readAllStandardError());
        QVERIFY2(err.contains(QStringLiteral("did not answer")), qPrintable(err));
        QVERIFY(timer.elapsed() < 15000);
    }
};

QTEST_GUILESS_MAIN(TestKafkaTransport)
#include "tst_kafka_transport.moc"
