// The Kafka half of the fault matrix: a redis-lua run over librdkafka's mock cluster (real Kafka
// protocol on loopback, a cluster of the test's own so the test controls its faults) meets one
// fault at a time, timed by the run's progress: every broker down at 25 % of the arrivals and up
// again at 75 %, every broker 2,000 ms slow over the same span, Produce requests failing, offset
// commits failing. Each run must end, and keep the bank's invariant in Redis's own ledger: the
// applied set holds exactly the users the run issued to, remaining + issued = stock, nobody won
// twice, every request final, every FAILED_FINAL in the DLQ, and a DLQ replayed twice issues
// nothing the second time. The same checks, run on the racy guards (`none`, `redis-naive`,
// `mysql-naive`: a read then a write at REPEATABLE READ) in a
// contended run, must find their over-issue: a harness that passes everything proves nothing.
#include <QtTest>

#include <algorithm>
#include <map>

#include "engine_test_support.h"
#include "mariadb_server.h"
#include "redis_server.h"
#include "stampede/backends/kafka/mock_cluster.h"
#include "stampede/live/start_options.h"

#include "backends/kafka/kafka_transport.h"

using namespace stampede;
using namespace stampede::test;
namespace kafka = stampede::backends::kafka;

namespace {

constexpr std::int64_t kStock = 5000;
constexpr std::int16_t kProduce = 0;
constexpr std::int16_t kOffsetCommit = 8;

enum class Fault { BrokersDown, SlowBrokers, ProduceErrors, CommitErrors };

// What the guard's own ledger in Redis says; -1 where the guard keeps no such key.
struct Ledger {
    qint64 applied = -1;
    qint64 remaining = -1;
};

Ledger readLedger(RedisServer& redis) {
    Ledger l;
    const QString remaining = redis.cli({QStringLiteral("--scan"), QStringLiteral("--pattern"),
                                         QStringLiteral("stampede:*:0:remaining")});
    if (remaining.isEmpty() || remaining.contains(QLatin1Char('\n'))) return l;  // none, or two
    const QString prefix = remaining.chopped(int(QStringLiteral(":0:remaining").size()));
    l.remaining = redis.cli({QStringLiteral("GET"), remaining}).toLongLong();
    const QString applied = prefix + QStringLiteral(":0:applied");
    if (redis.cli({QStringLiteral("EXISTS"), applied}) == QStringLiteral("1"))
        l.applied = redis.cli({QStringLiteral("SCARD"), applied}).toLongLong();
    return l;
}

// Every broken rule of the bank's invariant, in words; empty when the run kept them all.
QStringList violations(const Snapshot& s, const std::vector<FinalRequest>& finals,
                       const Ledger& ledger, std::int64_t stock) {
    QStringList out;
    const auto say = [&out](const QString& what) { out << what; };
    if (s.overIssued > 0) say(QStringLiteral("over_issued %1").arg(s.overIssued));
    if (s.issued > stock) say(QStringLiteral("issued %1 of stock %2").arg(s.issued).arg(stock));
    if (s.finals != s.admitted)
        say(QStringLiteral("%1 admitted, %2 final").arg(s.admitted).arg(s.finals));
    const std::int64_t failed = s.states[std::size_t(core::RequestState::FailedFinal)];
    if (failed != s.dlqSize)
        say(QStringLiteral("%1 FAILED_FINAL, %2 in the DLQ").arg(failed).arg(s.dlqSize));
    std::map<std::pair<std::string, std::string>, int> wins;
    for (const FinalRequest& f : finals)
        if (f.state == core::RequestState::Succeeded) ++wins[{f.campaignId, f.user}];
    qint64 twice = 0;
    for (const auto& [who, n] : wins) twice += n > 1;
    if (twice > 0) say(QStringLiteral("%1 users won twice").arg(twice));
    if (ledger.applied >= 0 && ledger.applied != s.issued)
        say(QStringLiteral("the guard's applied users %1, the run issued %2")
                .arg(ledger.applied)
                .arg(s.issued));
    if (ledger.remaining >= 0 && ledger.remaining + s.issued != stock)
        say(QStringLiteral("the guard's remaining %1 + issued %2 != stock %3")
                .arg(ledger.remaining)
                .arg(s.issued)
                .arg(stock));
    return out;
}

// 4,000 users in 3 s on a stock of 5,000 (nobody is refused, so a replay issues), 1 % of
// processing attempts failing for good into the DLQ.
sim::Scenario faultedRun() {
    sim::Scenario s = spike(4000, kStock, "redis-lua", core::Pipeline::DecideInWorker, 2, 4);
    s.run.transport = core::Transport::Kafka;
    s.run.pace = core::Pace::Realtime;
    s.arrivals[0].overMs = 3000;
    s.faults.permanentFailureRate = 0.01;
    return s;
}

void takeAllFinals(Engine& engine, std::vector<FinalRequest>& out) {
    while (engine.takeFinal(out, 100000, engine.runGeneration()) > 0) {
    }
}

// A replay's wait() ends once its entries are taken out of the DLQ; they are final a moment later,
// in a snapshot that counts them as replayed (an older one is final too, from before).
bool replaySettled(const Engine& engine, std::int64_t replayed) {
    const auto s = engine.snapshot();
    return s->replayed >= replayed && s->finals == s->admitted;
}

bool fedAtLeast(const Engine& engine, double share) {
    const auto s = engine.snapshot();
    return s->arrivalsTotal > 0 && double(s->arrivalsFed) >= share * double(s->arrivalsTotal);
}

}  // namespace

class TestChaosKafkaFaults : public QObject {
    Q_OBJECT

    // A throwaway Redis, named as the run's Redis.
    void startRedis(RedisServer& redis, live::LiveSystems& systems) {
        QString error;
        QVERIFY2(redis.start(error), qPrintable(error));
        std::string why;
        systems.redis = backends::redis::parseRedisUrl(redis.url().toStdString(), why);
        QVERIFY2(systems.redis, why.c_str());
    }

private Q_SLOTS:
    void oneFaultAtATime_data() {
        QTest::addColumn<int>("faultNumber");
        QTest::newRow("brokers down at 25 %, up at 75 %") << int(Fault::BrokersDown);
        QTest::newRow("brokers 2000 ms slow from 25 % to 75 %") << int(Fault::SlowBrokers);
        QTest::newRow("Produce requests failing at 25 %") << int(Fault::ProduceErrors);
        QTest::newRow("OffsetCommit requests failing at 25 %") << int(Fault::CommitErrors);
    }

    void oneFaultAtATime() {
        QFETCH(int, faultNumber);
        const Fault fault = Fault(faultNumber);
        RedisServer redis;
        live::LiveSystems systems;
        startRedis(redis, systems);
        if (QTest::currentTestFailed()) return;
        QString error;
        std::string why;
        kafka::KafkaSettings settings;
        const std::shared_ptr<kafka::MockCluster> mock = kafka::MockCluster::start(3, why);
        QVERIFY2(mock, why.c_str());
        settings.mock = mock;
        settings.bootstrap = mock->bootstrap();
        systems.kafka = settings;

        const sim::Scenario s = faultedRun();
        StartOptions options = live::startOptionsFor(s.run, systems);
        Engine engine;
        const StartResult started = engine.start(s, options);
        QVERIFY2(started.ok(), started.error.c_str());
        std::vector<FinalRequest> finals;

        QTRY_VERIFY_WITH_TIMEOUT(fedAtLeast(engine, 0.25), 20000);
        switch (fault) {
            case Fault::BrokersDown:
                mock->setDown(-1);
                break;
            case Fault::SlowBrokers:
                mock->setRtt(-1, 2000);
                break;
            case Fault::ProduceErrors:  // retriable: the idempotent producer tries again
                mock->failRequests(kProduce, 50, RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION);
                break;
            case Fault::CommitErrors:
                mock->failRequests(kOffsetCommit, 50, RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT);
                break;
        }
        const qint64 finalsAtFault = engine.snapshot()->finals;
        QTRY_VERIFY_WITH_TIMEOUT(fedAtLeast(engine, 0.75), 30000);
        const auto atRepair = engine.snapshot();
        qInfo("at 75 %%: %lld fed, %lld final", qlonglong(atRepair->arrivalsFed),
              qlonglong(atRepair->finals));
        if (fault == Fault::BrokersDown) mock->setUp(-1);
        if (fault == Fault::SlowBrokers) mock->setRtt(-1, 0);
        if (!engine.waitForEnd(std::chrono::seconds(120))) {
            const auto stuck = engine.snapshot();
            qWarning(
                "stuck: status %s, admitted %lld, finals %lld, queued %lld, processing %lld; "
                "produced %lld, consumed %lld, acknowledged %lld, lost %lld, resent %lld, "
                "produce failures %lld; %s",
                toString(stuck->status).data(), qlonglong(stuck->admitted),
                qlonglong(stuck->finals),
                qlonglong(stuck->states[std::size_t(core::RequestState::Queued)]),
                qlonglong(stuck->states[std::size_t(core::RequestState::Processing)]),
                qlonglong(stuck->transport.produced), qlonglong(stuck->transport.consumed),
                qlonglong(stuck->transport.acknowledged), qlonglong(stuck->transport.lostMessages),
                qlonglong(stuck->transport.resent), qlonglong(stuck->transport.produceFailures),
                stuck->transport.detail.c_str());
            engine.stop();
            QFAIL("the run did not end");
        }
        auto snapshot = engine.snapshot();
        qInfo(
            "finals %lld at the fault, %lld at the end; consumed %lld, redelivered %lld, "
            "lost %lld (resent %lld), retries %lld, DLQ %lld",
            finalsAtFault, qlonglong(snapshot->finals), qlonglong(snapshot->transport.consumed),
            qlonglong(snapshot->transport.redelivered), qlonglong(snapshot->transport.lostMessages),
            qlonglong(snapshot->transport.resent), qlonglong(snapshot->retries),
            qlonglong(snapshot->dlqSize));
        QVERIFY2(snapshot->failure.empty(), snapshot->failure.c_str());
        verifyInvariants(*snapshot);
        takeAllFinals(engine, finals);
        QStringList broken = violations(*snapshot, finals, readLedger(redis), kStock);
        QVERIFY2(broken.isEmpty(), qPrintable(broken.join(QStringLiteral("; "))));
        QCOMPARE(readLedger(redis).applied, snapshot->issued);  // the ledger was read at all

        // The DLQ replayed: its users are issued (stock is left); replayed again: nothing more.
        const std::int64_t dlq = snapshot->dlqSize;
        const std::int64_t issuedBefore = snapshot->issued;
        QVERIFY2(dlq > 0, "no dead letters: the replay check would prove nothing");
        std::vector<core::RequestId> ids;
        for (const auto& letter : engine.listDlq({})) ids.push_back(letter.requestId);
        auto first = engine.replayDlq(ids, 0);
        QVERIFY(first && first->wait(std::chrono::seconds(60)));
        const std::int64_t replayed = snapshot->replayed + first->progress().accepted;
        QTRY_VERIFY_WITH_TIMEOUT(replaySettled(engine, replayed), 30000);
        snapshot = engine.snapshot();
        takeAllFinals(engine, finals);
        broken = violations(*snapshot, finals, readLedger(redis), kStock);
        QVERIFY2(broken.isEmpty(), qPrintable(broken.join(QStringLiteral("; "))));
        const std::int64_t issuedAfterFirst = snapshot->issued;
        // The same entries again: those issued are no longer dead letters and are skipped; one
        // that failed again on its replay may be issued now, never a second unit for anyone.
        std::int64_t failedAgain = 0;
        for (const auto& letter : engine.listDlq({}))
            failedAgain += std::find(ids.begin(), ids.end(), letter.requestId) != ids.end();
        auto second = engine.replayDlq(ids, 0);
        QVERIFY(second && second->wait(std::chrono::seconds(60)));
        QCOMPARE(second->progress().accepted, failedAgain);
        QTRY_VERIFY_WITH_TIMEOUT(replaySettled(engine, replayed + failedAgain), 30000);
        snapshot = engine.snapshot();
        QVERIFY(snapshot->issued - issuedAfterFirst <= failedAgain);
        takeAllFinals(engine, finals);
        broken = violations(*snapshot, finals, readLedger(redis), kStock);
        QVERIFY2(broken.isEmpty(), qPrintable(broken.join(QStringLiteral("; "))));
        QVERIFY2(issuedAfterFirst > issuedBefore, "the first replay issued nothing");
    }

    // Negative controls: the racy guards over-issue in a contended run, and the same checks say
    // so (in the engine's count, and for redis-naive in Redis's own ledger too).
    void theHarnessCatchesTheRacyGuards_data() {
        QTest::addColumn<QString>("guard");
        QTest::newRow("none") << QStringLiteral("none");
        QTest::newRow("redis-naive") << QStringLiteral("redis-naive");
        QTest::newRow("mysql-naive") << QStringLiteral("mysql-naive");
    }

    void theHarnessCatchesTheRacyGuards() {
        QFETCH(QString, guard);
        RedisServer redis;
        live::LiveSystems systems;
        startRedis(redis, systems);
        if (QTest::currentTestFailed()) return;
        QString error;
        std::string why;
        MariaDbServer mariadb;
        const bool sql = guard.startsWith(QStringLiteral("mysql"));
        if (sql) {
            QVERIFY2(mariadb.start(error), qPrintable(error));
            systems.mysql = store::parseStoreUrl(mariadb.url().toStdString(), why);
            QVERIFY2(systems.mysql, why.c_str());
            systems.mysql->password = MariaDbServer::kPassword;
        }
        constexpr std::int64_t stock = 200;
        sim::Scenario s = spike(sql ? 3000 : 20000, stock, guard.toStdString(),
                                core::Pipeline::DecideInWorker, 16, 16);
        s.faults.processingDelayUs = 50;  // widens the window between read and write
        Engine engine;
        const StartResult started = engine.start(s, live::startOptionsFor(s.run, systems));
        QVERIFY2(started.ok(), started.error.c_str());
        QVERIFY(engine.waitForEnd(std::chrono::seconds(120)));
        std::vector<FinalRequest> finals;
        takeAllFinals(engine, finals);
        const auto snapshot = engine.snapshot();
        Ledger ledger = readLedger(redis);
        if (sql) {  // the SQL guard's own row
            QVERIFY(mariadb.admin(QStringLiteral("SELECT remaining FROM %1.stampede_stock")
                                      .arg(QString::fromLatin1(MariaDbServer::kDatabase))));
            ledger.remaining = mariadb.lastOutput().toLongLong();
        }
        const QStringList broken = violations(*snapshot, finals, ledger, stock);
        qInfo("%s: %s", qPrintable(guard), qPrintable(broken.join(QStringLiteral("; "))));
        QVERIFY2(!broken.isEmpty(), "the racy guard passed the harness's checks");
        QVERIFY(broken.first().startsWith(QStringLiteral("over_issued ")));
    }
};

QTEST_GUILESS_MAIN(TestChaosKafkaFaults)
#include "tst_chaos_kafka_faults.moc"
