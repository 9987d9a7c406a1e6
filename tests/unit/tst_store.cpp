// The SQLite store: migrations, refusals of bad input that change nothing, multi-row coupon
// inserts that never store a (run, campaign, user) twice, the DLQ, and the kill -9 test: a run
// killed mid-flight keeps every coupon it reported persisted and is marked interrupted.
#include <QtTest>

#include <QFile>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>

#include <csignal>

#include "cli_test_support.h"
#include "stampede/store/store.h"

using namespace stampede;
using namespace stampede::store;

namespace {

StoreUrl sqliteAt(const QString& path) {
    StoreUrl url;
    url.path = path.toStdString();
    return url;
}

sim::Scenario twoCampaigns() {
    sim::Scenario s;
    s.name = "store test";
    for (const char* id : {"a", "b"}) {
        core::Campaign c;
        c.id = id;
        c.name = id;
        c.stock = 10;
        s.campaigns.push_back(c);
    }
    return s;
}

std::vector<IssuedCoupon> coupons(const std::string& campaign, int from, int to) {
    std::vector<IssuedCoupon> out;
    for (int u = from; u < to; ++u)
        out.push_back({core::RequestId(u), campaign, std::to_string(u), std::int64_t(u) * 1000,
                       std::uint32_t(u)});
    return out;
}

}  // namespace

class TestStore : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

private Q_SLOTS:
    void urlsAreParsedStrictly() {
        std::string error;
        auto url = parseStoreUrl("sqlite:///tmp/x.db", error);
        QVERIFY(url && url->kind == StoreUrl::Kind::Sqlite && url->path == "/tmp/x.db");
        url = parseStoreUrl("mysql://app@127.0.0.1:3307/stampede", error);
        QVERIFY(url && url->user == "app" && url->host == "127.0.0.1" && url->port == 3307 &&
                url->database == "stampede");
        QVERIFY(!parseStoreUrl("mysql://app:secret@h/db", error));
        QVERIFY(error.find("password") != std::string::npos);
        QVERIFY(!parseStoreUrl("mysql://app@h:99999/db", error));
        QVERIFY(error.find("99999") != std::string::npos);
        QVERIFY(!parseStoreUrl("sqlite://relative.db", error));
        QVERIFY(!parseStoreUrl("postgres://x", error));
    }

    void migratesOnceAndRefusesNewerSchemas() {
        const QString path = m_dir.filePath(QStringLiteral("schema.db"));
        std::string error;
        {
            auto store = Store::open(sqliteAt(path), error);
            QVERIFY2(store, error.c_str());
            QCOMPARE(store->schemaVersion(), Store::knownSchemaVersion());
            QVERIFY(store->schemaVersion() >= 1);
        }
        {
            auto again = Store::open(sqliteAt(path), error);  // no second migration
            QVERIFY2(again, error.c_str());
        }
        {
            auto db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("raw"));
            db.setDatabaseName(path);
            QVERIFY(db.open());
            QSqlQuery(db).exec(QStringLiteral("INSERT INTO schema_version (version) VALUES (999)"));
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("raw"));
        QVERIFY(!Store::open(sqliteAt(path), error));
        QVERIFY2(error.find("newer") != std::string::npos && error.find("999") != std::string::npos,
                 error.c_str());
    }

    void badFilesAreRefusedAndLeftAlone() {
        const QString corrupt = m_dir.filePath(QStringLiteral("corrupt.db"));
        QFile f(corrupt);
        QVERIFY(f.open(QIODevice::WriteOnly));
        const QByteArray garbage(8192, 'x');
        f.write(garbage);
        f.close();
        std::string error;
        QVERIFY(!Store::open(sqliteAt(corrupt), error));
        QVERIFY2(error.find(corrupt.toStdString()) != std::string::npos, error.c_str());
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), garbage);  // nothing written into it
        QVERIFY(!Store::open(sqliteAt(QStringLiteral("/proc/stampede-nope/x.db")), error));
        QVERIFY2(error.find("/proc/stampede-nope") != std::string::npos, error.c_str());
    }

    void couponsAreStoredOncePerUser() {
        std::string error;
        auto store = Store::open(sqliteAt(m_dir.filePath(QStringLiteral("coupons.db"))), error);
        QVERIFY2(store, error.c_str());
        const auto run = store->beginRun(twoCampaigns());
        QVERIFY(run);
        const auto first = coupons("a", 0, 1200);  // three multi-row INSERTs, the last one partial
        QCOMPARE(store->insertIssued(*run, first), std::int64_t(1200));
        QCOMPARE(store->insertIssued(*run, coupons("a", 1100, 1300)),
                 std::int64_t(100));  // 100 new
        QCOMPARE(store->insertIssued(*run, coupons("b", 0, 5)), std::int64_t(5));
        QCOMPARE(store->countIssued(*run), std::int64_t(1305));
        QCOMPARE(store->countDistinctIssued(*run), std::int64_t(1305));
        const auto campaigns = store->campaigns(*run);
        QCOMPARE(campaigns.size(), std::size_t(2));
        QCOMPARE(campaigns[0].issued, std::int64_t(1300));
        QCOMPARE(Store::couponCode("a", "1"), Store::couponCode("a", "1"));
        QVERIFY(Store::couponCode("a", "1") != Store::couponCode("a", "2"));
        QVERIFY(store->finishRun(*run, "completed", "{}", 1305, 12.5));
        QCOMPARE(store->run(*run)->status, std::string("completed"));
    }

    void deadLettersSurviveAndChangeState() {
        const QString path = m_dir.filePath(QStringLiteral("dlq.db"));
        std::string error;
        std::int64_t runId = 0;
        {
            auto store = Store::open(sqliteAt(path), error);
            runId = *store->beginRun(twoCampaigns());
            dlq::DeadLetter l;
            l.requestId = 7;
            l.campaignId = "a";
            l.reason = "permanent failure";
            l.attempts = 2;
            l.errors = {{1, 10, "timeout"}, {2, 20, "injected permanent failure"}};
            l.payload = R"({"campaign":"a","user":"u7"})";
            dlq::DeadLetter m = l;
            m.requestId = 8;
            QVERIFY(store->upsertDeadLetters(runId, std::vector{l, m}));
        }
        auto store = Store::open(sqliteAt(path), error);  // a new process, as it were
        auto letters = store->deadLetters(runId);
        QCOMPARE(letters.size(), std::size_t(2));
        QCOMPARE(letters[0].letter.errors.size(), std::size_t(2));
        QCOMPARE(letters[0].letter.errors[0].message, std::string("timeout"));
        const core::RequestId seven[] = {7};
        QVERIFY(store->setReplayState(runId, seven, "replayed"));
        QCOMPARE(store->deadLetters(runId).size(), std::size_t(1));
        QCOMPARE(store->deadLetters(runId, {}, true).size(), std::size_t(2));
        // Its process (this one) is alive: the run is still running, not interrupted. A run whose
        // process died is (see the kill -9 test).
        QCOMPARE(store->run(runId)->status, std::string("running"));
    }

    void storedDeadLettersReplayOnceAfterTheRun() {
        const QString scenario = m_dir.filePath(QStringLiteral("replay.json"));
        QFile f(scenario);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(R"({"name": "replay", "campaigns": [{"id": "c1", "stock": 500}],
          "arrivals": [{"campaign": "c1", "profile": "spike", "users": 400}],
          "faults": {"permanent_failure_rate": 0.25}, "run": {"pace": "asap"}})");
        f.close();
        const QString url =
            QStringLiteral("sqlite://") + m_dir.filePath(QStringLiteral("replay.db"));
        auto cli = [&](const QStringList& args) {
            QProcess p;
            p.start(QStringLiteral(STAMPEDE_CLI_PATH), args);
            p.waitForFinished(60000);
            return p.exitCode();
        };
        QCOMPARE(cli({QStringLiteral("run"), scenario, QStringLiteral("--store"), url,
                      QStringLiteral("--quiet")}),
                 0);
        std::string error;
        auto store = Store::open(sqliteAt(m_dir.filePath(QStringLiteral("replay.db"))), error);
        const std::int64_t before = store->countIssued(1);
        QVERIFY(before < 400);
        QCOMPARE(cli({QStringLiteral("dlq"), QStringLiteral("replay"), QStringLiteral("--store"),
                      url, QStringLiteral("--run"), QStringLiteral("1")}),
                 0);
        QCOMPARE(store->countIssued(1), std::int64_t(400));  // every user, each once
        QCOMPARE(store->countDistinctIssued(1), std::int64_t(400));
        QVERIFY(store->deadLetters(1).empty());
        QCOMPARE(cli({QStringLiteral("dlq"), QStringLiteral("replay"), QStringLiteral("--store"),
                      url, QStringLiteral("--run"), QStringLiteral("1")}),
                 0);
        QCOMPARE(store->countIssued(1), std::int64_t(400));  // a second replay finds nothing
        QCOMPARE(cli({QStringLiteral("dlq"), QStringLiteral("replay"), QStringLiteral("--store"),
                      url, QStringLiteral("--run"), QStringLiteral("9")}),
                 2);
    }

    // `dlq replay --ids` replays those entries, and only those (it used to replay them all).
    void storedReplayTakesOnlyTheIdsGiven() {
        const QString scenario = m_dir.filePath(QStringLiteral("ids.json"));
        QFile f(scenario);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(R"({"name": "ids", "campaigns": [{"id": "c1", "stock": 500}],
          "arrivals": [{"campaign": "c1", "profile": "spike", "users": 200}],
          "faults": {"permanent_failure_rate": 0.25}, "run": {"pace": "asap"}})");
        f.close();
        const QString path = m_dir.filePath(QStringLiteral("ids.db"));
        const QString url = QStringLiteral("sqlite://") + path;
        QProcess p;
        p.start(QStringLiteral(STAMPEDE_CLI_PATH),
                {QStringLiteral("run"), scenario, QStringLiteral("--store"), url,
                 QStringLiteral("--quiet")});
        QVERIFY(p.waitForFinished(60000));
        QCOMPARE(p.exitCode(), 0);
        std::string error;
        auto store = Store::open(sqliteAt(path), error);
        const auto pending = store->deadLetters(1);
        QVERIFY(pending.size() > 3);
        const core::RequestId chosen = pending[1].letter.requestId;
        p.start(QStringLiteral(STAMPEDE_CLI_PATH),
                {QStringLiteral("dlq"), QStringLiteral("replay"), QStringLiteral("--store"), url,
                 QStringLiteral("--run"), QStringLiteral("1"), QStringLiteral("--ids"),
                 QString::number(chosen), QStringLiteral("--quiet")});
        QVERIFY(p.waitForFinished(60000));
        QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
        const auto after = store->deadLetters(1);
        QCOMPARE(after.size(), pending.size() - 1);
        for (const auto& s : after) QVERIFY(s.letter.requestId != chosen);
    }

    // Listing, exporting and replaying read what a run left: a store that is not there is an
    // error naming it (exit 2), and nothing is created; so is a run the store does not have.
    void readingCommandsRefuseAStoreThatDoesNotExist() {
        const QString dir = m_dir.filePath(QStringLiteral("absent/dir"));
        const QString url = QStringLiteral("sqlite://") + dir + QStringLiteral("/x.db");
        const QList<QStringList> commands = {
            {QStringLiteral("dlq"), QStringLiteral("list")},
            {QStringLiteral("dlq"), QStringLiteral("replay"), QStringLiteral("--run"),
             QStringLiteral("1")},
            {QStringLiteral("dlq"), QStringLiteral("purge")},
            {QStringLiteral("export"), QStringLiteral("--what"), QStringLiteral("stats")},
            {QStringLiteral("aggregate")},
        };
        for (QStringList args : commands) {
            args << QStringLiteral("--store") << url;
            QProcess p;
            p.start(QStringLiteral(STAMPEDE_CLI_PATH), args);
            QVERIFY(p.waitForFinished(60000));
            const QByteArray err = p.readAllStandardError();
            QVERIFY2(p.exitCode() == 2, qPrintable(args.join(QLatin1Char(' '))));
            QVERIFY2(err.contains("does not exist") && err.contains(dir.toUtf8()), err.constData());
            QVERIFY2(!QFileInfo::exists(m_dir.filePath(QStringLiteral("absent"))),
                     qPrintable(args.join(QLatin1Char(' '))));
        }
        // A store that exists, asked for a run it does not have.
        const QString realPath = m_dir.filePath(QStringLiteral("no-runs.db"));
        std::string error;
        QVERIFY(Store::open(sqliteAt(realPath), error));
        const QString real = QStringLiteral("sqlite://") + realPath;
        QProcess p;
        p.start(QStringLiteral(STAMPEDE_CLI_PATH),
                {QStringLiteral("dlq"), QStringLiteral("list"), QStringLiteral("--store"), real,
                 QStringLiteral("--run"), QStringLiteral("99")});
        QVERIFY(p.waitForFinished(60000));
        QCOMPARE(p.exitCode(), 2);
        QVERIFY(p.readAllStandardError().contains("no run 99"));
    }

    // The console ("Stampede"/"Stampede") and the CLI ("stampede") name themselves differently;
    // their default store is one file all the same, in Stampede's data folder.
    void defaultStoreIsTheSameForEveryFrontEnd() {
        const QString app = QCoreApplication::applicationName();
        const QString org = QCoreApplication::organizationName();
        QCoreApplication::setApplicationName(QStringLiteral("Stampede"));
        QCoreApplication::setOrganizationName(QStringLiteral("Stampede"));
        const std::string console = defaultStoreUrl().path;
        QCoreApplication::setApplicationName(QStringLiteral("stampede"));
        QCoreApplication::setOrganizationName(QString());
        const std::string cli = defaultStoreUrl().path;
        QCoreApplication::setApplicationName(app);
        QCoreApplication::setOrganizationName(org);
        QCOMPARE(console, cli);
        QVERIFY2(QString::fromStdString(cli).endsWith(QStringLiteral("/stampede/stampede.db")),
                 cli.c_str());
        QCOMPARE(QString::fromStdString(cli),
                 QDir(defaultDataFolder()).filePath(QStringLiteral("stampede.db")));
    }

    void killMinus9KeepsWhatWasReportedPersisted() {
        // A run of 150,000 users over 12 s with permanent failures feeding the DLQ, killed once
        // it has reported a good number of coupons persisted (long enough that a loaded machine,
        // whose sink lags, still kills it mid-run).
        const QString scenario = m_dir.filePath(QStringLiteral("long.json"));
        QFile f(scenario);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(R"({"name": "kill -9", "seed": 5,
          "campaigns": [{"id": "c1", "stock": 100000}],
          "arrivals": [{"campaign": "c1", "profile": "spike", "users": 150000, "over_ms": 12000}],
          "faults": {"permanent_failure_rate": 0.02},
          "run": {"pipeline": "decide-in-worker", "guard": "atomic", "workers": 2, "partitions": 2}})");
        f.close();
        const QString db = m_dir.filePath(QStringLiteral("killed.db"));
        QProcess cli;
        cli.start(QStringLiteral(STAMPEDE_CLI_PATH),
                  {QStringLiteral("run"), scenario, QStringLiteral("--store"),
                   QStringLiteral("sqlite://") + db});
        QVERIFY(cli.waitForStarted());
        test::PersistedProgress progress;
        QTRY_VERIFY_WITH_TIMEOUT(progress.read(cli) >= 10000 || cli.state() == QProcess::NotRunning,
                                 60000);
        const qint64 reported = progress.reported;
        QVERIFY2(
            cli.state() == QProcess::Running,
            qPrintable(
                QStringLiteral("the run ended before it was killed, %1 persisted").arg(reported)));
        ::kill(static_cast<pid_t>(cli.processId()), SIGKILL);
        QVERIFY(cli.waitForFinished());
        QCOMPARE(cli.exitStatus(), QProcess::CrashExit);

        std::string error;
        auto store = Store::open(sqliteAt(db), error);
        QVERIFY2(store, error.c_str());
        const auto runs = store->runs();
        QCOMPARE(runs.size(), std::size_t(1));
        QCOMPARE(runs[0].status, std::string("interrupted"));
        const std::int64_t stored = store->countIssued(runs[0].id);
        QVERIFY2(stored >= reported,
                 qPrintable(QStringLiteral("%1 stored, %2 reported").arg(stored).arg(reported)));
        QCOMPARE(store->countDistinctIssued(runs[0].id), stored);
        // The runs table kept count as the rows went in, so a killed run says what it wrote.
        QCOMPARE(runs[0].rowsWritten, stored);
        const auto letters = store->deadLetters(runs[0].id);
        QVERIFY(!letters.empty());  // the DLQ made it too
        for (const auto& l : letters) QVERIFY(!l.letter.errors.empty());
    }
};

QTEST_GUILESS_MAIN(TestStore)
#include "tst_store.moc"
