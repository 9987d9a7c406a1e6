// kill -9 of `stampede-cli run` again and again on one SQLite store, each at another moment of
// its write-behind (a persisted count drawn anew each cycle): the file must stay whole
// (PRAGMA integrity_check), every killed run be marked interrupted with rows_written equal to
// its coupon rows, no user hold two coupons of one run, nothing exceed the stock, and the store
// still take a run to its end afterwards. 5 cycles in the `chaos` label; 50 in `chaos-long`
// (STAMPEDE_CHAOS_CYCLES).
#include <QtTest>

#include <QFile>
#include <QProcess>
#include <QRandomGenerator>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>

#include <csignal>

#include "cli_test_support.h"
#include "stampede/store/store.h"

using namespace stampede;

class TestChaosSqliteKills : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

    QString writeScenario() {
        const QString path = m_dir.filePath(QStringLiteral("long.json"));
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly)) return {};
        // 150,000 users over 12 s on a stock of 100,000, 2 % failing for good into the DLQ.
        f.write(R"({"name": "kill -9 cycles", "seed": 9,
          "campaigns": [{"id": "c1", "stock": 100000}],
          "arrivals": [{"campaign": "c1", "profile": "spike", "users": 150000, "over_ms": 12000}],
          "faults": {"permanent_failure_rate": 0.02},
          "run": {"pipeline": "decide-in-worker", "guard": "atomic", "workers": 2,
                  "partitions": 2}})");
        return path;
    }

private Q_SLOTS:
    void killedAgainAndAgainTheStoreStaysWhole() {
        const int cycles = qEnvironmentVariableIsSet("STAMPEDE_CHAOS_CYCLES")
                               ? qEnvironmentVariableIntValue("STAMPEDE_CHAOS_CYCLES")
                               : 5;
        QVERIFY(cycles > 0);
        const QString scenario = writeScenario();
        QVERIFY(!scenario.isEmpty());
        const QString db = m_dir.filePath(QStringLiteral("kills.db"));
        const QString url = QStringLiteral("sqlite://") + db;
        QRandomGenerator random(20261203);  // the same moments every time the test runs

        for (int cycle = 0; cycle < cycles; ++cycle) {
            const qint64 killAt = random.bounded(500, 30000);
            QProcess cli;
            cli.start(QStringLiteral(STAMPEDE_CLI_PATH),
                      {QStringLiteral("run"), scenario, QStringLiteral("--store"), url});
            QVERIFY(cli.waitForStarted());
            test::PersistedProgress progress;
            QTRY_VERIFY_WITH_TIMEOUT(
                progress.read(cli) >= killAt || cli.state() == QProcess::NotRunning, 60000);
            QVERIFY2(cli.state() == QProcess::Running,
                     qPrintable(QStringLiteral("cycle %1: the run ended before it was killed: %2")
                                    .arg(cycle)
                                    .arg(QString::fromUtf8(progress.err.right(400)))));
            ::kill(static_cast<pid_t>(cli.processId()), SIGKILL);
            QVERIFY(cli.waitForFinished(10000));
        }

        std::string error;
        store::StoreUrl storeUrl;
        storeUrl.path = db.toStdString();
        {
            auto store = store::Store::open(storeUrl, error);  // marks the last run interrupted
            QVERIFY2(store, error.c_str());
            const auto runs = store->runs();
            QCOMPARE(int(runs.size()), cycles);
            for (const auto& run : runs) {
                const QString which = QStringLiteral("run %1").arg(run.id);
                QVERIFY2(run.status == "interrupted", qPrintable(which));
                const std::int64_t coupons = store->countIssued(run.id);
                QVERIFY2(coupons > 0, qPrintable(which));
                QVERIFY2(coupons <= 100000, qPrintable(which));
                QCOMPARE(store->countDistinctIssued(run.id), coupons);
                QCOMPARE(run.rowsWritten, coupons);
            }
        }
        {
            QSqlDatabase sql =
                QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("integrity"));
            sql.setDatabaseName(db);
            QVERIFY(sql.open());
            QSqlQuery check(sql);
            QVERIFY(check.exec(QStringLiteral("PRAGMA integrity_check")) && check.next());
            QCOMPARE(check.value(0).toString(), QStringLiteral("ok"));
            check.finish();
            sql.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("integrity"));

        // The store still takes a run to its end.
        QProcess last;
        last.start(QStringLiteral(STAMPEDE_CLI_PATH),
                   {QStringLiteral("run"),
                    QStringLiteral(STAMPEDE_SOURCE_DIR "/simulations/seed-001.json"),
                    QStringLiteral("--pace"), QStringLiteral("asap"), QStringLiteral("--store"),
                    url, QStringLiteral("--quiet")});
        QVERIFY(last.waitForFinished(60000));
        QCOMPARE(last.exitCode(), 0);
        auto store = store::Store::open(storeUrl, error);
        QVERIFY2(store, error.c_str());
        const auto runs = store->runs();
        QCOMPARE(int(runs.size()), cycles + 1);
        const auto final =
            store->run(runs.back().id > runs.front().id ? runs.back().id : runs.front().id);
        QVERIFY(final);
        QCOMPARE(final->status, std::string("completed"));
        QCOMPARE(store->countIssued(final->id), std::int64_t(50));
    }
};

QTEST_GUILESS_MAIN(TestChaosSqliteKills)
#include "tst_chaos_sqlite_kills.moc"
