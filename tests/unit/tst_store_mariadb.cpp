// The MySQL/MariaDB store against a real mariadbd started here (throwaway data directory,
// loopback port): migrations, a run with --store, the real client agreeing with the summary,
// and the errors an operator gets for a wrong password or a server that is not there.
#include <QtTest>

#include <QJsonDocument>
#include <QJsonObject>

#include "mariadb_server.h"
#include "stampede/store/store.h"

using namespace stampede;

class TestStoreMariaDb : public QObject {
    Q_OBJECT
    test::MariaDbServer m_server;

    store::StoreUrl url() {
        std::string error;
        store::StoreUrl url = *store::parseStoreUrl(m_server.url().toStdString(), error);
        url.password = test::MariaDbServer::kPassword;  // carried in the value
        return url;
    }

private Q_SLOTS:
    void initTestCase() {
        QString error;
        QVERIFY2(m_server.start(error), qPrintable(error));
        // For the stampede-cli processes this test starts: the CLI reads it (live/).
        qputenv("STAMPEDE_MYSQL_PASSWORD", test::MariaDbServer::kPassword);
    }

    void migratesAndStoresCoupons() {
        std::string error;
        auto db = store::Store::open(url(), error);
        QVERIFY2(db, error.c_str());
        QCOMPARE(db->schemaVersion(), store::Store::knownSchemaVersion());
        sim::Scenario s;
        s.name = "mariadb";
        s.campaigns.emplace_back();
        s.campaigns.back().id = std::string("c1");
        s.campaigns.back().name = std::string("First");
        s.campaigns.back().stock = 5;
        const auto run = db->beginRun(s);
        QVERIFY2(run, db->lastError().c_str());
        std::vector<IssuedCoupon> coupons;
        for (int u = 0; u < 1234; ++u)
            coupons.push_back({core::RequestId(u), "c1", std::to_string(u), u, std::uint32_t(u)});
        QCOMPARE(db->insertIssued(*run, coupons), std::int64_t(1234));
        QCOMPARE(db->insertIssued(*run, coupons), std::int64_t(0));  // INSERT IGNORE: never twice
        QCOMPARE(db->countIssued(*run), std::int64_t(1234));
    }

    // The outbox's rows: a later delivery verdict replaces the row, UTF-8 survives the trip.
    void keepsTheOutbox() {
        std::string error;
        auto db = store::Store::open(url(), error);
        QVERIFY2(db, error.c_str());
        sim::Scenario s;
        s.name = "outbox";
        const auto run = db->beginRun(s);
        QVERIFY2(run, db->lastError().c_str());
        std::vector<store::OutboxRow> rows = {
            {1, "kim@example.com", "verification-code", "Your code", "Your code is 123456.", 1000,
             "pending"},
            {2, "lee@example.com", "result", "당첨: 선물", "Your application 7 succeeded.", 2000,
             "outbox"}};
        QVERIFY2(db->upsertOutbox(*run, rows), db->lastError().c_str());
        rows[0].delivery = "sent";
        QVERIFY(db->upsertOutbox(*run, std::span(rows).first(1)));
        const auto stored = db->outbox(*run);
        QCOMPARE(stored.size(), std::size_t(2));
        QCOMPARE(stored[0].delivery, std::string("sent"));
        QCOMPARE(stored[1].subject, std::string("당첨: 선물"));
        QCOMPARE(stored[1].createdAtMs, std::int64_t(2000));
    }

    void cliRunAgreesWithTheRealClient() {
        QProcess cli;
        cli.start(QStringLiteral(STAMPEDE_CLI_PATH),
                  {QStringLiteral("run"),
                   QStringLiteral(STAMPEDE_SOURCE_DIR "/simulations/seed-000.json"),
                   QStringLiteral("--pace"), QStringLiteral("asap"), QStringLiteral("--store"),
                   m_server.url(), QStringLiteral("--json"), QStringLiteral("-")});
        QVERIFY(cli.waitForFinished(120000));
        QCOMPARE(cli.exitCode(), 0);
        const QJsonObject summary = QJsonDocument::fromJson(cli.readAllStandardOutput()).object();
        const QJsonObject persistence = summary[QStringLiteral("persistence")].toObject();
        const qint64 runId = persistence[QStringLiteral("run_id")].toInteger();
        QVERIFY(runId > 0);
        QVERIFY(m_server.admin(
            QStringLiteral("SELECT COUNT(*) FROM stampede.issued_coupons WHERE run_id = %1")
                .arg(runId)));
        QCOMPARE(m_server.lastOutput().toLongLong(), summary[QStringLiteral("issued")].toInteger());
        QVERIFY(m_server.admin(QStringLiteral("SELECT COUNT(*) FROM stampede.dead_letters WHERE "
                                              "run_id = %1 AND replay_state = 'pending'")
                                   .arg(runId)));
        QCOMPARE(m_server.lastOutput().toLongLong(), summary[QStringLiteral("dlq")].toInteger());
        QVERIFY(m_server.admin(
            QStringLiteral("SELECT status FROM stampede.runs WHERE id = %1").arg(runId)));
        QCOMPARE(m_server.lastOutput(), QStringLiteral("completed"));
    }

    void wrongPasswordAndNoServerAreClearErrors() {
        store::StoreUrl wrong = url();
        wrong.password = "wrong";
        std::string error;
        QVERIFY(!store::Store::open(wrong, error));
        QVERIFY2(error.find("Access denied") != std::string::npos, error.c_str());
        QVERIFY(error.find("wrong") == std::string::npos);  // the password never shows
        store::StoreUrl nowhere = url();
        nowhere.port = test::MariaDbServer::freePort();
        QElapsedTimer timer;
        timer.start();
        QVERIFY(!store::Store::open(nowhere, error));
        QVERIFY2(error.find("127.0.0.1") != std::string::npos, error.c_str());
        QVERIFY(timer.elapsed() < 10000);  // bounded by the connect timeout, not a hang
    }
};

QTEST_GUILESS_MAIN(TestStoreMariaDb)
#include "tst_store_mariadb.moc"
