// The Redis guards against a real redis-server started here: the correct ones issue exactly the
// stock of seed-003's 10,000 users and the real client agrees; redis-naive over-issues and says
// so; Redis killed and restarted mid-run delays requests but never over-issues or loses them.
#include <QtTest>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include <csignal>

#include "backends/redis/redis_guard.h"
#include "engine_test_support.h"
#include "redis_server.h"
#include "stampede/guards/guard_registry.h"

using namespace stampede;
using namespace stampede::test;

class TestRedisGuards : public QObject {
    Q_OBJECT
    RedisServer m_redis;
    backends::redis::RedisUrl m_url;

    StartOptions options() {
        StartOptions o;
        o.guardFactory = [this](std::string_view name, std::string& error) {
            return backends::redis::makeRedisGuard(name, m_url, error);
        };
        return o;
    }

private Q_SLOTS:
    void initTestCase() {
        QString error;
        QVERIFY2(m_redis.start(error), qPrintable(error));
        std::string e;
        m_url = *backends::redis::parseRedisUrl(m_redis.url().toStdString(), e);
    }

    // What the registry says of each Redis guard, the guard its backend builds says too.
    void registryDescribesEveryRedisGuard() {
        int built = 0;
        const std::string mismatch = test::registryMismatch(
            guards::GuardFamily::Redis,
            [this](std::string_view name, std::string& error) {
                return backends::redis::makeRedisGuard(name, m_url, error);
            },
            built);
        QVERIFY2(mismatch.empty(), mismatch.c_str());
        QCOMPARE(built, 3);
    }

    void urls() {
        std::string error;
        const auto url = backends::redis::parseRedisUrl("redis://10.0.0.1:6380/2", error);
        QVERIFY(url && url->host == "10.0.0.1" && url->port == 6380 && url->db == 2);
        QVERIFY(!backends::redis::parseRedisUrl("http://x", error));
        QVERIFY(!backends::redis::parseRedisUrl("redis://h:0", error));
        QVERIFY(!backends::redis::makeRedisGuard("redis-lua", {"127.0.0.1", 1, 0, {}, {}}, error));
        QVERIFY2(error.find("refused") != std::string::npos, error.c_str());
        const auto withUser = backends::redis::parseRedisUrl("redis://app@h:6380", error);
        QVERIFY(withUser && withUser->user == "app" && withUser->host == "h");
        QVERIFY(!backends::redis::parseRedisUrl("redis://app:secret@h:6380", error));
        QVERIFY2(error.find("STAMPEDE_REDIS_PASSWORD") != std::string::npos &&
                     error.find("secret") == std::string::npos,
                 error.c_str());
    }

    // A port where something else listens (here: an HTTP server) is named for what it is, not
    // with hiredis's "Protocol error, got "H" as reply type byte".
    void aServerThatIsNotRedisIsSaidSo() {
        const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
        QVERIFY(listener >= 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        QCOMPARE(::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
        QCOMPARE(::listen(listener, 4), 0);
        socklen_t length = sizeof addr;
        QCOMPARE(::getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &length), 0);
        std::thread http([listener] {  // answers whatever comes as an HTTP server would
            const int client = ::accept(listener, nullptr, nullptr);
            if (client < 0) return;
            char buffer[256];
            if (::read(client, buffer, sizeof buffer) > 0) {
                const char reply[] = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n";
                [[maybe_unused]] const auto n = ::write(client, reply, sizeof reply - 1);
            }
            ::close(client);
        });
        std::string error;
        const auto guard = backends::redis::makeRedisGuard(
            "redis-lua", {"127.0.0.1", int(ntohs(addr.sin_port)), 0, {}, {}}, error);
        http.join();
        ::close(listener);
        QVERIFY(!guard);
        QVERIFY2(error.find("that is not a Redis server") != std::string::npos, error.c_str());
    }

    void aPasswordProtectedServer() {
        // The password travels in the URL value (live/ fills it from STAMPEDE_REDIS_PASSWORD or a
        // profile); a missing or wrong one is "auth failed" in plain words, never echoing what
        // was sent; the right one decides.
        test::RedisServer secured;
        secured.extraArgs = {QStringLiteral("--requirepass"), QStringLiteral("s3cret-pw")};
        QString startError;
        QVERIFY2(secured.start(startError), qPrintable(startError));
        const std::string text = secured.url().toStdString();
        std::string error;
        auto url = backends::redis::parseRedisUrl(text, error);
        QVERIFY(!backends::redis::makeRedisGuard("redis-lua", *url, error));
        QVERIFY2(error.find("auth failed: Redis asks for a password") != std::string::npos,
                 error.c_str());
        url->password = "not-it";
        QVERIFY(!backends::redis::makeRedisGuard("redis-lock", *url, error));
        QVERIFY2(error.find("auth failed") != std::string::npos &&
                     error.find("not-it") == std::string::npos,
                 error.c_str());
        url->password = "s3cret-pw";
        auto guard = backends::redis::makeRedisGuard("redis-lua", *url, error);
        QVERIFY2(guard, error.c_str());
        const std::int64_t stock[] = {2};
        guard->reset(stock, 1);
        COMPARE_ENUM(guard->takeFor(0, 0, 7), guards::TakeResult::Taken);
        QCOMPARE(guard->remaining(0), std::int64_t(1));
    }

    void correctGuardsIssueExactlyTheStock_data() {
        QTest::addColumn<QString>("guard");
        QTest::newRow("redis-lua") << QStringLiteral("redis-lua");
        QTest::newRow("redis-lock") << QStringLiteral("redis-lock");
    }
    void correctGuardsIssueExactlyTheStock() {
        QFETCH(QString, guard);
        const sim::Scenario s =
            spike(10000, 100, guard.toStdString(), core::Pipeline::DecideInWorker, 4, 4);
        Engine engine;
        QVERIFY(engine.start(s, options()).ok());
        QVERIFY(engine.waitForEnd(std::chrono::seconds(120)));
        const auto snap = engine.snapshot();
        verifyInvariants(*snap);
        QCOMPARE(snap->issued, std::int64_t(100));
        QCOMPARE(snap->overIssued, std::int64_t(0));
        QCOMPARE(snap->backend.kind, std::string("redis"));
        QVERIFY(snap->backend.roundTrips >= 10000);
        // The pool gauges: one connection per deciding worker, all of them busy at some point,
        // none busy once the run is over.
        QVERIFY(snap->backend.connections >= 1 && snap->backend.connections <= 5);
        QVERIFY(snap->backend.busyPeak >= 2);
        QCOMPARE(snap->backend.busy, 0);
        if (guard == QStringLiteral("redis-lock")) {
            QVERIFY(snap->backend.waitingPeak >= 1);
            QVERIFY(snap->backend.waitP95Ms > 0);  // spinning on the lock took time
        } else {
            QCOMPARE(snap->backend.waitP95Ms, 0.0);  // redis-lua never waits
        }
        // The real client agrees: nothing left under the run's key.
        QCOMPARE(m_redis.cli({QStringLiteral("GET"),
                              QString::fromStdString(snap->backend.detail + ":0:remaining")}),
                 QStringLiteral("0"));
    }

    // Two engines of one shared run (as two `serve --cluster` processes are): the second joins
    // the stock the first set, never resetting it; a named user is one number to both, so
    // applying through the other is "issued before", not a second unit.
    void enginesOfASharedRunShareTheStockAndTheirUsers() {
        sim::Scenario s = spike(0, 10, "redis-lua", core::Pipeline::DecideInWorker, 2, 2);
        s.arrivals.clear();
        StartOptions o = options();
        o.keepOpen = true;
        o.sharedRun = "tst-shared";
        o.arrivals = std::make_shared<const std::vector<GivenArrival>>();
        Engine first, second;
        QVERIFY(first.start(s, o).ok());
        const std::string campaign = s.campaigns.front().id;
        for (int i = 1; i <= 8; ++i)
            QCOMPARE(first.submit({campaign, "ann-" + std::to_string(i), true}).outcome,
                     SubmitResult::Outcome::Accepted);
        QTRY_COMPARE(first.snapshot()->issued, std::int64_t(8));
        QVERIFY(second.start(s, o).ok());  // joins: 2 left, not 10
        const QString key = QStringLiteral("stampede:cluster:tst-shared:0:");
        QCOMPARE(m_redis.cli({QStringLiteral("GET"), key + QStringLiteral("remaining")}),
                 QStringLiteral("2"));
        QCOMPARE(second.submit({campaign, "ann-1", true}).outcome, SubmitResult::Outcome::Accepted);
        for (int i = 1; i <= 4; ++i)
            QCOMPARE(second.submit({campaign, "bob-" + std::to_string(i), true}).outcome,
                     SubmitResult::Outcome::Accepted);
        QTRY_COMPARE(second.snapshot()->finals, std::int64_t(5));
        const auto ann = second.findRequest(campaign, "ann-1");
        QVERIFY(ann);
        QVERIFY(ann->state == core::RequestState::Succeeded);  // her unit, from the first engine
        QCOMPARE(m_redis.cli({QStringLiteral("GET"), key + QStringLiteral("remaining")}),
                 QStringLiteral("0"));
        QCOMPARE(m_redis.cli({QStringLiteral("SCARD"), key + QStringLiteral("applied")}),
                 QStringLiteral("10"));
        QCOMPARE(m_redis.cli(
                     {QStringLiteral("HLEN"), QStringLiteral("stampede:cluster:tst-shared:users")}),
                 QStringLiteral("12"));
        // Two of bob's four got the last units, the others sold out.
        QCOMPARE(second.snapshot()->issued, std::int64_t(3));  // ann-1 (before) and two bobs
        first.stop();
        second.stop();
        QVERIFY(first.waitForEnd(std::chrono::seconds(30)));
        QVERIFY(second.waitForEnd(std::chrono::seconds(30)));
        // A guard that keeps its stock in this process cannot share it.
        sim::Scenario local = s;
        local.run.guard = "atomic";
        Engine third;
        const StartResult refused = third.start(local, o);
        QVERIFY(!refused.ok());
        QVERIFY2(refused.error.find("cannot share its stock") != std::string::npos,
                 refused.error.c_str());
    }

    // Deciding by user (a request delivered again after a rebalance): the same user never takes
    // a second unit, and a sold-out answer takes none.
    void takeForDecidesOncePerUser_data() {
        QTest::addColumn<QString>("name");
        QTest::newRow("redis-lua") << QStringLiteral("redis-lua");
        QTest::newRow("redis-lock") << QStringLiteral("redis-lock");
    }
    void concurrentDecisionsByUserIssueOncePerUser_data() { takeForDecidesOncePerUser_data(); }
    void concurrentDecisionsByUserIssueOncePerUser() {
        QFETCH(QString, name);
        std::string error;
        auto guard = backends::redis::makeRedisGuard(name.toStdString(), m_url, error);
        QVERIFY2(guard, error.c_str());
        verifyConcurrentDecisionsByUser(*guard);
    }

    void takeForDecidesOncePerUser() {
        QFETCH(QString, name);
        std::string error;
        auto guard = backends::redis::makeRedisGuard(name.toStdString(), m_url, error);
        QVERIFY2(guard, error.c_str());
        verifyTakeForDecidesOncePerUser(*guard);
    }

    // A unit given back by user takes the user out of the applied set with it, once.
    void giveBackForReturnsTheUsersUnitOnce() {
        QFETCH(QString, name);
        std::string error;
        auto guard = backends::redis::makeRedisGuard(name.toStdString(), m_url, error);
        QVERIFY2(guard, error.c_str());
        const std::int64_t stocks[] = {2};
        guard->reset(stocks, 1);
        COMPARE_ENUM(guard->takeFor(0, 0, 7), guards::TakeResult::Taken);
        QCOMPARE(guard->remaining(0), std::int64_t(1));
        guard->giveBackFor(0, 0, 7);
        QCOMPARE(guard->remaining(0), std::int64_t(2));
        QCOMPARE(guard->holdsUnit(0, 7), std::optional<bool>(false));
        guard->giveBackFor(0, 0, 7);  // not held any more: nothing to give
        QCOMPARE(guard->remaining(0), std::int64_t(2));
        COMPARE_ENUM(guard->takeFor(0, 0, 7), guards::TakeResult::Taken);  // a unit again
        QCOMPARE(guard->remaining(0), std::int64_t(1));
    }
    void giveBackForReturnsTheUsersUnitOnce_data() { takeForDecidesOncePerUser_data(); }

    // The keys gone (a Redis restarted empty): StockLost, never SoldOut; the stock reads as the
    // last one known, not 0; giving back does not make a count up; this Redis persists (AOF).
    void aLostStockIsSaidNeverSoldOut() {
        QFETCH(QString, name);
        std::string error;
        auto guard = backends::redis::makeRedisGuard(name.toStdString(), m_url, error);
        QVERIFY2(guard, error.c_str());
        const std::int64_t stocks[] = {5};
        guard->reset(stocks, 1);
        COMPARE_ENUM(guard->takeFor(0, 0, 1), guards::TakeResult::Taken);
        QVERIFY(!guard->stockLost(0));
        QVERIFY(guard->backendStats().caution.empty());
        const QString prefix = QString::fromStdString(guard->sharedKey());
        m_redis.cli({QStringLiteral("DEL"), prefix + QStringLiteral(":0:remaining"),
                     prefix + QStringLiteral(":0:stock"), prefix + QStringLiteral(":0:applied")});
        COMPARE_ENUM(guard->takeFor(0, 0, 2), guards::TakeResult::StockLost);
        QVERIFY(guard->stockLost(0));
        QCOMPARE(guard->stock(0), std::int64_t(5));
        guard->giveBackFor(0, 0, 1);
        guard->giveBack(0, 0);
        QCOMPARE(m_redis.cli({QStringLiteral("EXISTS"), prefix + QStringLiteral(":0:remaining")}),
                 QStringLiteral("0"));
        COMPARE_ENUM(guard->takeFor(0, 0, 3), guards::TakeResult::StockLost);
    }
    void aLostStockIsSaidNeverSoldOut_data() { takeForDecidesOncePerUser_data(); }

    void naiveOverIssues() {
        // GET then DECR loses only at the last unit, when two deciders both read 1: twenty
        // campaigns give twenty such moments, so the race shows every time.
        sim::Scenario s = spike(0, 20, "redis-naive", core::Pipeline::DecideInWorker, 8, 8);
        s.campaigns.clear();
        s.arrivals.clear();
        for (int c = 0; c < 20; ++c) {
            core::Campaign campaign;
            campaign.id = "c" + std::to_string(c);
            campaign.stock = 20;
            s.campaigns.push_back(campaign);
            sim::ArrivalSpec a;
            a.campaign = campaign.id;
            a.users = 400;
            a.overMs = 1000;
            s.arrivals.push_back(a);
        }
        Engine engine;
        QVERIFY(engine.start(s, options()).ok());
        QVERIFY(engine.waitForEnd(std::chrono::seconds(120)));
        const auto snap = engine.snapshot();
        verifyInvariants(*snap);
        qInfo("redis-naive over-issued %lld", static_cast<long long>(snap->overIssued));
        QVERIFY2(snap->overIssued > 0, "GET then DECR must race under eight workers");
        QVERIFY(snap->run.guardRacesOnPurpose);
    }

    void aHungRedisIsARetryNotAHang() {
        // SIGSTOP: the server takes connections and answers nothing. Every command has a 1 s
        // timeout, so requests fail over to retries, the run finishes, nothing is issued twice.
        sim::Scenario s = spike(2000, 500, "redis-lua", core::Pipeline::DecideInWorker, 4, 4);
        s.run.pace = core::Pace::Realtime;
        s.arrivals[0].overMs = 2000;
        s.run.maxAttempts = 8;
        s.run.retryBackoffMs = 100;
        s.run.retryBackoffMaxMs = 800;
        Engine engine;
        QVERIFY(engine.start(s, options()).ok());
        QTRY_VERIFY_WITH_TIMEOUT(engine.snapshot()->issued > 20, 10000);
        ::kill(static_cast<pid_t>(m_redis.pid()), SIGSTOP);
        QTest::qWait(2500);
        ::kill(static_cast<pid_t>(m_redis.pid()), SIGCONT);
        QVERIFY(engine.waitForEnd(std::chrono::seconds(120)));
        const auto snap = engine.snapshot();
        verifyInvariants(*snap);
        QCOMPARE(snap->overIssued, std::int64_t(0));
        QVERIFY(snap->backend.errors > 0);  // the timeouts fired
        // A decision whose reply timed out was carried out when Redis woke up: its retry (by
        // user) found that unit, or the end's reconciliation did. None is lost.
        const QString left = m_redis.cli(
            {QStringLiteral("GET"), QString::fromStdString(snap->backend.detail + ":0:remaining")});
        QCOMPARE(500 - left.toLongLong(), snap->issued);
    }

    void redisKilledAndRestartedMidRun() {
        sim::Scenario s = spike(3000, 1000, "redis-lua", core::Pipeline::DecideInWorker, 4, 4);
        s.run.pace = core::Pace::Realtime;
        s.arrivals[0].overMs = 2000;
        s.run.maxAttempts = 6;
        s.run.retryBackoffMs = 50;
        s.run.retryBackoffMaxMs = 400;
        Engine engine;
        QVERIFY(engine.start(s, options()).ok());
        QTRY_VERIFY_WITH_TIMEOUT(engine.snapshot()->issued > 50, 10000);
        m_redis.kill();
        QTest::qWait(400);  // requests meet a dead Redis: retries, then the DLQ
        QString error;
        QVERIFY2(m_redis.start(error), qPrintable(error));
        QVERIFY(engine.waitForEnd(std::chrono::seconds(120)));
        const auto snap = engine.snapshot();
        verifyInvariants(*snap);  // every admitted request final: none lost
        QCOMPARE(snap->overIssued, std::int64_t(0));
        QVERIFY(snap->backend.errors > 0);
        QVERIFY(snap->retries > 0);
        // Redis kept its count (append-only file). A decision whose reply died with the server
        // is retried by user and finds its own unit: Redis counts exactly what was issued.
        const QString left = m_redis.cli(
            {QStringLiteral("GET"), QString::fromStdString(snap->backend.detail + ":0:remaining")});
        QVERIFY(!left.isEmpty());
        QCOMPARE(1000 - left.toLongLong(), snap->issued);
        QCOMPARE(snap->underIssued, std::int64_t(0));
    }
};

QTEST_GUILESS_MAIN(TestRedisGuards)
#include "tst_redis_guards.moc"
