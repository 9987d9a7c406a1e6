// The MySQL guards against a real MariaDB started here: atomic, pessimistic and optimistic each
// issue exactly the stock, and the real client agrees; the CLI takes --mysql; a server that is not
// there is a clear, bounded error.
#include <QtTest>

#include <csignal>

#include "backends/mysql/mysql_guard.h"
#include "engine_test_support.h"
#include "mariadb_server.h"
#include "stampede/guards/guard_registry.h"

using namespace stampede;
using namespace stampede::test;

class TestMySqlGuards : public QObject {
    Q_OBJECT
    MariaDbServer m_server;
    store::StoreUrl m_url;

private Q_SLOTS:
    void initTestCase() {
        QString error;
        QVERIFY2(m_server.start(error), qPrintable(error));
        std::string e;
        m_url = *store::parseStoreUrl(m_server.url().toStdString(), e);
        m_url.password = MariaDbServer::kPassword;
        // For the stampede-cli processes this test starts: the CLI reads it (live/).
        qputenv("STAMPEDE_MYSQL_PASSWORD", MariaDbServer::kPassword);
    }

    // What the registry says of each MySQL guard, the guard its backend builds says too.
    void registryDescribesEveryMySqlGuard() {
        int built = 0;
        const std::string mismatch = test::registryMismatch(
            guards::GuardFamily::MySql,
            [this](std::string_view name, std::string& error) {
                return backends::mysql::makeMySqlGuard(name, m_url, error);
            },
            built);
        QVERIFY2(mismatch.empty(), mismatch.c_str());
        QCOMPARE(built, 4);
    }

    void guardsIssueExactlyTheStock_data() {
        QTest::addColumn<QString>("guard");
        for (const char* g : {"mysql-atomic", "mysql-pessimistic", "mysql-optimistic"})
            QTest::newRow(g) << QString::fromLatin1(g);
    }
    void guardsIssueExactlyTheStock() {
        QFETCH(QString, guard);
        const sim::Scenario s =
            spike(3000, 100, guard.toStdString(), core::Pipeline::DecideInWorker, 4, 4);
        StartOptions options;
        options.guardFactory = [this](std::string_view name, std::string& error) {
            return backends::mysql::makeMySqlGuard(name, m_url, error);
        };
        Engine engine;
        const auto started = engine.start(s, options);
        QVERIFY2(started.ok(), started.error.c_str());
        QVERIFY(engine.waitForEnd(std::chrono::seconds(180)));
        const auto snap = engine.snapshot();
        qInfo("status %s finals %lld admitted %lld", std::string(toString(snap->status)).c_str(),
              static_cast<long long>(snap->finals), static_cast<long long>(snap->admitted));
        verifyInvariants(*snap);
        QCOMPARE(snap->issued, std::int64_t(100));
        QCOMPARE(snap->overIssued, std::int64_t(0));
        QCOMPARE(snap->backend.kind, std::string("mysql"));
        QVERIFY(snap->backend.roundTrips >= 3000);
        QVERIFY(snap->backend.connections >= 1);
        QVERIFY(snap->backend.busyPeak >= 2);
        QCOMPARE(snap->backend.busy, 0);
        // Pessimistic callers wait in SELECT … FOR UPDATE: the gauge seed 003 watched.
        if (guard == QStringLiteral("mysql-pessimistic")) {
            QVERIFY(snap->backend.waitingPeak >= 1);
            QVERIFY(snap->backend.waitP95Ms > 0);  // the row lock took time
        }
        // The real client agrees.
        const QString runKey = QString::fromStdString(snap->backend.detail)
                                   .section(QLatin1Char('='), 1)
                                   .section(QLatin1Char(','), 0, 0);
        QVERIFY(m_server.admin(
            QStringLiteral("SELECT remaining FROM stampede.stampede_stock WHERE run_key = '%1'")
                .arg(runKey)));
        QCOMPARE(m_server.lastOutput(), QStringLiteral("0"));
    }

    // Deciding by user (a request delivered again after a rebalance): the same user never takes
    // a second unit, and a sold-out answer takes none.
    void takeForDecidesOncePerUser_data() {
        QTest::addColumn<QString>("name");
        QTest::newRow("mysql-atomic") << QStringLiteral("mysql-atomic");
        QTest::newRow("mysql-pessimistic") << QStringLiteral("mysql-pessimistic");
        QTest::newRow("mysql-optimistic") << QStringLiteral("mysql-optimistic");
    }
    void concurrentDecisionsByUserIssueOncePerUser_data() { takeForDecidesOncePerUser_data(); }
    void concurrentDecisionsByUserIssueOncePerUser() {
        QFETCH(QString, name);
        std::string error;
        auto guard = backends::mysql::makeMySqlGuard(name.toStdString(), m_url, error);
        QVERIFY2(guard, error.c_str());
        verifyConcurrentDecisionsByUser(*guard);
    }

    void takeForDecidesOncePerUser() {
        QFETCH(QString, name);
        std::string error;
        auto guard = backends::mysql::makeMySqlGuard(name.toStdString(), m_url, error);
        QVERIFY2(guard, error.c_str());
        verifyTakeForDecidesOncePerUser(*guard);
    }

    void aHungServerIsARetryNotAHang() {
        // SIGSTOP for longer than the 5 s read timeout: statements time out, requests retry, the
        // run finishes once the server is back, and nothing is issued twice.
        sim::Scenario s = spike(1500, 300, "mysql-atomic", core::Pipeline::DecideInWorker, 4, 4);
        s.run.pace = core::Pace::Realtime;
        s.arrivals[0].overMs = 1500;
        s.run.maxAttempts = 10;
        s.run.retryBackoffMs = 200;
        s.run.retryBackoffMaxMs = 2000;
        StartOptions options;
        options.guardFactory = [this](std::string_view name, std::string& error) {
            return backends::mysql::makeMySqlGuard(name, m_url, error);
        };
        Engine engine;
        QVERIFY(engine.start(s, options).ok());
        QTRY_VERIFY_WITH_TIMEOUT(engine.snapshot()->issued > 20, 20000);
        ::kill(static_cast<pid_t>(m_server.pid()), SIGSTOP);
        QTest::qWait(6000);
        ::kill(static_cast<pid_t>(m_server.pid()), SIGCONT);
        QVERIFY(engine.waitForEnd(std::chrono::seconds(180)));
        const auto snap = engine.snapshot();
        verifyInvariants(*snap);  // every request final: none lost
        QCOMPARE(snap->overIssued, std::int64_t(0));
        QVERIFY(snap->backend.errors > 0);  // the timeouts fired
        // What timed out and was carried out later is found by its retry: nothing leaked.
        QCOMPARE(snap->underIssued, std::int64_t(0));
        QCOMPARE(snap->issued, std::int64_t(300));
    }

    // A server that answers nothing for longer than the run's outage bound: the run stops
    // retrying into it, dead-letters what it cannot decide as "MySQL unavailable" and fails
    // saying so; the server back, its row agrees with what was issued.
    void aServerGoneLongerThanTheBoundEndsTheRun() {
        sim::Scenario s = spike(3000, 3000, "mysql-atomic", core::Pipeline::DecideInWorker, 4, 4);
        s.run.pace = core::Pace::Realtime;
        s.arrivals[0].overMs = 12000;
        StartOptions options;
        options.guardFactory = [this](std::string_view name, std::string& error) {
            return backends::mysql::makeMySqlGuard(name, m_url, error);
        };
        options.outageBound = std::chrono::milliseconds(1500);
        Engine engine;
        QVERIFY(engine.start(s, options).ok());
        QTRY_VERIFY_WITH_TIMEOUT(engine.snapshot()->issued > 20, 20000);
        ::kill(static_cast<pid_t>(m_server.pid()), SIGSTOP);
        QTRY_VERIFY_WITH_TIMEOUT(!engine.snapshot()->failure.empty(), 30000);
        const std::int64_t issuedAtFailure = engine.snapshot()->issued;
        ::kill(static_cast<pid_t>(m_server.pid()), SIGCONT);
        QVERIFY(engine.waitForEnd(std::chrono::seconds(180)));
        const auto snap = engine.snapshot();
        // Given up is given up: the server back, the arrivals still to come are not decided
        // (they were, once the workers' calls returned; at most one call a worker was under way).
        QVERIFY2(snap->issued - issuedAtFailure <= 4,
                 qPrintable(QStringLiteral("%1 issued after the run gave up")
                                .arg(snap->issued - issuedAtFailure)));
        verifyInvariants(*snap);
        QVERIFY2(snap->failure.find("MySQL at ") == 0 &&
                     snap->failure.find("unreachable for") != std::string::npos &&
                     snap->failure.find("(MySQL unavailable)") != std::string::npos,
                 snap->failure.c_str());
        bool gaveUp = false;
        for (const dlq::DeadLetter& l : engine.listDlq()) gaveUp |= l.reason == "MySQL unavailable";
        QVERIFY(gaveUp);
        QCOMPARE(snap->overIssued, std::int64_t(0));
        const QString runKey = QString::fromStdString(snap->backend.detail)
                                   .section(QLatin1Char('='), 1)
                                   .section(QLatin1Char(','), 0, 0);
        QVERIFY(
            m_server.admin(QStringLiteral("SELECT remaining FROM %1.stampede_stock WHERE "
                                          "run_key = '%2' AND campaign = 0")
                               .arg(QString::fromLatin1(test::MariaDbServer::kDatabase), runKey)));
        QCOMPARE(m_server.lastOutput().toLongLong(), 3000 - snap->issued);
    }

    // A unit given back by user takes the user's row with it, once.
    void giveBackForReturnsTheUsersUnitOnce() {
        QFETCH(QString, name);
        std::string error;
        auto guard = backends::mysql::makeMySqlGuard(name.toStdString(), m_url, error);
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
        COMPARE_ENUM(guard->takeFor(0, 0, 7), guards::TakeResult::Taken);
        QCOMPARE(guard->remaining(0), std::int64_t(1));
    }
    void giveBackForReturnsTheUsersUnitOnce_data() { takeForDecidesOncePerUser_data(); }

    // A crash, not a hang: mariadbd killed with SIGKILL mid-run and started again on the same
    // data. Connections are made again, requests retry or go to the DLQ, none is lost, and the
    // row agrees with the summary afterwards (InnoDB kept every committed decrement).
    void aRestartedServerLosesNothing() {
        sim::Scenario s = spike(2000, 400, "mysql-atomic", core::Pipeline::DecideInWorker, 4, 4);
        s.run.pace = core::Pace::Realtime;
        s.arrivals[0].overMs = 2000;
        s.run.maxAttempts = 12;
        s.run.retryBackoffMs = 200;
        s.run.retryBackoffMaxMs = 2000;
        StartOptions options;
        options.guardFactory = [this](std::string_view name, std::string& error) {
            return backends::mysql::makeMySqlGuard(name, m_url, error);
        };
        Engine engine;
        QVERIFY(engine.start(s, options).ok());
        QTRY_VERIFY_WITH_TIMEOUT(engine.snapshot()->issued > 20, 20000);
        QString error;
        QVERIFY2(m_server.killAndRestart(error), qPrintable(error));
        QVERIFY(engine.waitForEnd(std::chrono::seconds(180)));
        const auto snap = engine.snapshot();
        verifyInvariants(*snap);
        QCOMPARE(snap->overIssued, std::int64_t(0));
        QVERIFY(snap->backend.errors > 0);
        QVERIFY(snap->backend.reconnects > 4);  // every worker connected again
        // The real client agrees with the summary: the row's remaining is what was not issued.
        // A decision whose COMMIT's reply the crash swallowed is retried by user and finds its
        // own row (or the end's reconciliation does): no unit is left that nobody was told of.
        const QString runKey = QString::fromStdString(snap->backend.detail)
                                   .section(QLatin1Char('='), 1)
                                   .section(QLatin1Char(','), 0, 0);
        QVERIFY(
            m_server.admin(QStringLiteral("SELECT remaining FROM %1.stampede_stock WHERE "
                                          "run_key = '%2' AND campaign = 0")
                               .arg(QString::fromLatin1(test::MariaDbServer::kDatabase), runKey)));
        const qint64 remaining = m_server.lastOutput().toLongLong();
        QVERIFY2(
            remaining == 400 - snap->issued,
            qPrintable(QStringLiteral("remaining %1, issued %2").arg(remaining).arg(snap->issued)));
        QCOMPARE(snap->underIssued, std::int64_t(0));
    }

    void cliTakesMysqlAndRefusesWhatIsNotThere() {
        QProcess cli;
        cli.start(QStringLiteral(STAMPEDE_CLI_PATH),
                  {QStringLiteral("run"),
                   QStringLiteral(STAMPEDE_SOURCE_DIR "/simulations/seed-001.json"),
                   QStringLiteral("--guard"), QStringLiteral("mysql-atomic"),
                   QStringLiteral("--mysql"), m_server.url(), QStringLiteral("--pace"),
                   QStringLiteral("asap"), QStringLiteral("--quiet")});
        QVERIFY(cli.waitForFinished(60000));
        QCOMPARE(cli.exitCode(), 0);
        QProcess missing;
        missing.start(
            QStringLiteral(STAMPEDE_CLI_PATH),
            {QStringLiteral("run"),
             QStringLiteral(STAMPEDE_SOURCE_DIR "/simulations/seed-001.json"),
             QStringLiteral("--guard"), QStringLiteral("mysql-atomic"), QStringLiteral("--mysql"),
             QStringLiteral("mysql://stampede@127.0.0.1:%1/stampede")
                 .arg(MariaDbServer::freePort())});
        QVERIFY(missing.waitForFinished(30000));
        QCOMPARE(missing.exitCode(), 2);
        QVERIFY(missing.readAllStandardError().contains("cannot connect"));
    }
};

QTEST_GUILESS_MAIN(TestMySqlGuards)
#include "tst_mysql_guards.moc"
