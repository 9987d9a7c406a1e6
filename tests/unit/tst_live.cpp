// The wiring layer (live/): one URL parser for every address, the live systems as one value
// built from the command line, the environment and profiles (passwords carried in the value,
// never through the process environment), the start options, a run's persistence and the
// dead-letter sources.

#include <QTemporaryDir>
#include <QtTest>

#include "core/endpoint_url.h"
#include "engine_test_support.h"
#include "stampede/live/dead_letter_source.h"
#include "stampede/live/live_systems.h"
#include "stampede/live/run_persistence.h"
#include "stampede/live/start_options.h"
#include "stampede/report/summary_json.h"
#include "stampede/store/store.h"

using namespace stampede;

namespace {
QProcessEnvironment environment(std::initializer_list<std::pair<const char*, const char*>> vars) {
    QProcessEnvironment env;
    for (const auto& [k, v] : vars) env.insert(QString::fromLatin1(k), QString::fromLatin1(v));
    return env;
}
}  // namespace

class TestLive : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

private Q_SLOTS:
    void oneParserForEveryUrl() {
        std::string error;
        auto redis = backends::redis::parseRedisUrl("redis://[::1]:6380/2", error);
        QVERIFY2(redis, error.c_str());
        QCOMPARE(redis->host, std::string("::1"));
        QCOMPARE(redis->port, 6380);
        QCOMPARE(redis->db, 2);
        QCOMPARE(redis->toString(), std::string("redis://[::1]:6380/2"));
        redis = backends::redis::parseRedisUrl("redis://app%40team@cache.local", error);
        QVERIFY2(redis, error.c_str());
        QCOMPARE(redis->user, std::string("app@team"));  // percent-decoded
        QCOMPARE(redis->port, 6379);

        auto mysql = store::parseStoreUrl("mysql://app@[::1]:3307/stampede", error);
        QVERIFY2(mysql, error.c_str());
        QCOMPARE(mysql->host, std::string("::1"));
        QCOMPARE(mysql->port, 3307);
        QCOMPARE(mysql->toString(), std::string("mysql://app@[::1]:3307/stampede"));
        auto sqlite = store::parseStoreUrl("sqlite:///tmp/a%20b.db", error);
        QVERIFY2(sqlite, error.c_str());
        QCOMPARE(sqlite->path, std::string("/tmp/a b.db"));

        // A password in a URL is refused without repeating it, for every scheme.
        for (const char* bad : {"redis://u:hunter2@h:1", "mysql://u:hunter2@h/db"}) {
            const bool parsed = std::string(bad).starts_with("redis")
                                    ? bool(backends::redis::parseRedisUrl(bad, error))
                                    : bool(store::parseStoreUrl(bad, error));
            QVERIFY(!parsed);
            QVERIFY2(error.find("password") != std::string::npos &&
                         error.find("hunter2") == std::string::npos,
                     error.c_str());
        }
        QVERIFY(!backends::redis::parseRedisUrl("redis://h:70000", error));
        QVERIFY(!store::parseStoreUrl("mysql://u@h/db?x=1", error));

        auto hosts = core::parseHostList("[::1]:9092,127.0.0.1:9093", error);
        QVERIFY2(hosts, error.c_str());
        QCOMPARE(hosts->size(), std::size_t(2));
        QCOMPARE(hosts->at(0).host, std::string("::1"));
        QCOMPARE(core::joinHostList(*hosts), std::string("[::1]:9092,127.0.0.1:9093"));
        for (const char* bad : {"", "h", "h:0", "h:1,", "h:x"}) {
            QVERIFY2(!core::parseHostList(bad, error), bad);
            QVERIFY(error.find("HOST:PORT") != std::string::npos);
        }
    }

    void commandLineCarriesPasswordsInTheValue() {
        live::LiveFlags flags;
        flags.redis = "redis://127.0.0.1:6390";
        flags.mysql = "mysql://app@127.0.0.1:3310/db";
        flags.kafka = "127.0.0.1:9092";
        flags.store = "mysql://app@127.0.0.1:3310/db";
        std::string error;
        const auto env = environment(
            {{"STAMPEDE_REDIS_PASSWORD", "r-secret"}, {"STAMPEDE_MYSQL_PASSWORD", "m-secret"}});
        const auto systems = live::fromCommandLine(flags, env, error);
        QVERIFY2(systems, error.c_str());
        QCOMPARE(systems->redis->password, std::string("r-secret"));
        QCOMPARE(systems->mysql->password, std::string("m-secret"));
        QCOMPARE(systems->store->password, std::string("m-secret"));
        QCOMPARE(systems->kafka.bootstrap, std::string("127.0.0.1:9092"));
        QVERIFY(!qEnvironmentVariableIsSet("STAMPEDE_REDIS_PASSWORD"));  // nothing set for us
        for (const std::string& line : live::describe(*systems))
            QVERIFY2(line.find("secret") == std::string::npos, line.c_str());

        // Each bad flag is named.
        const std::vector<std::pair<std::string, live::LiveFlags>> bad = [] {
            std::vector<std::pair<std::string, live::LiveFlags>> v(4);
            v[0].first = "--redis", v[0].second.redis = "http://x";
            v[1].first = "--mysql", v[1].second.mysql = "sqlite:///tmp/x.db";
            v[2].first = "--kafka", v[2].second.kafka = "nohost";
            v[3].first = "--store", v[3].second.store = "postgres://x";
            return v;
        }();
        for (const auto& [flag, f] : bad) {
            QVERIFY(!live::fromCommandLine(f, {}, error));
            QVERIFY2(error.rfind(flag + ": ", 0) == 0, error.c_str());
        }
    }

    void environmentAndProfiles() {
        std::vector<std::string> problems;
        auto systems = live::fromEnvironment(environment({{"STAMPEDE_STORE", "none"},
                                                          {"STAMPEDE_MYSQL", "nonsense"},
                                                          {"STAMPEDE_REDIS_PASSWORD", "env-pw"},
                                                          {"STAMPEDE_KAFKA_TOPIC", "shared"}}),
                                             problems);
        QVERIFY(!systems.store);
        QVERIFY(!systems.mysql);
        QCOMPARE(problems.size(), std::size_t(1));
        QVERIFY2(problems[0].rfind("STAMPEDE_MYSQL: ", 0) == 0, problems[0].c_str());
        QVERIFY(!systems.redis);  // no default Redis: the redis-* guards need one configured
        QCOMPARE(systems.kafka.requestsTopic, std::string("shared"));

        profiles::ConnectionProfile redis;
        redis.name = "cache";
        redis.kind = profiles::Kind::Redis;
        redis.host = "::1";
        redis.port = 6391;
        profiles::ConnectionProfile db;
        db.name = "db";
        db.kind = profiles::Kind::MySql;
        db.user = "app";
        db.database = "stampede";
        db.tls = true;
        std::string error;
        const auto with =
            live::withProfiles(systems, {{redis, std::nullopt}, {db, std::string("kc-pw")}}, error);
        QVERIFY2(with, error.c_str());
        QCOMPARE(with->redis->host, std::string("::1"));
        QCOMPARE(with->redis->password, std::string("env-pw"));  // the keychain had none
        QCOMPARE(with->mysql->password, std::string("kc-pw"));
        QVERIFY(with->mysql->tls);
        QCOMPARE(with->mysqlSource, std::string("profile db"));
    }

    void startOptionsNameWhatIsMissing() {
        live::LiveSystems none;
        auto options = live::startOptionsFor(core::RunConfig{}, none);
        QVERIFY(!options.transportFactory);  // inproc needs none
        std::string error;
        QVERIFY(!options.guardFactory("mysql-atomic", error));
        QVERIFY2(error.find("needs a MySQL/MariaDB") != std::string::npos, error.c_str());
        QVERIFY2(error.find("give --mysql") != std::string::npos, error.c_str());
        // One rule for both: no Redis configured is no Redis, not whatever listens on 6379.
        QVERIFY(!options.guardFactory("redis-lua", error));
        QVERIFY2(error.find("needs a Redis") != std::string::npos, error.c_str());
        QVERIFY2(error.find("give --redis to stampede-cli, STAMPEDE_REDIS to the console") !=
                     std::string::npos,
                 error.c_str());
        core::RunConfig kafka;
        kafka.transport = core::Transport::Kafka;
        QVERIFY(live::startOptionsFor(kafka, none).transportFactory);
    }

    void aRunIsPersistedAndItsDeadLettersReplayedThroughTheSource() {
        store::StoreUrl url;
        url.path = m_dir.filePath(QStringLiteral("live.db")).toStdString();
        std::string error;
        QVERIFY2(live::checkStore(url, error), error.c_str());

        auto s = test::spike(300, 1000, "atomic", core::Pipeline::DecideInWorker);
        s.faults.permanentFailureRate = 0.2;
        auto engine = std::make_shared<Engine>();
        QVERIFY(engine->start(s).ok());
        auto persistence = live::RunPersistence::begin(*engine, url, s, 1.0, error);
        QVERIFY2(persistence, error.c_str());
        QVERIFY(engine->waitForEnd(std::chrono::seconds(60)));
        const auto snapshot = engine->snapshot();
        QVERIFY(snapshot->dlqSize > 0);
        QJsonObject summary = report::summaryJson(*snapshot);
        const auto outcome = persistence->finish(*snapshot, summary);
        QVERIFY2(outcome.complete, outcome.error.c_str());
        QCOMPARE(outcome.stats.rowsWritten, snapshot->issued);
        QCOMPARE(summary[QStringLiteral("persistence")][QStringLiteral("rows_written")].toInteger(),
                 snapshot->issued);
        const std::int64_t runId = persistence->runId();

        // The running engine's queue and the store's hold the same letters.
        const auto fromEngine = live::engineDeadLetters(engine)->list({}, false, error);
        QVERIFY(fromEngine);
        QCOMPARE(std::int64_t(fromEngine->size()), snapshot->dlqSize);
        auto stored = live::storedDeadLetters(url, runId);
        auto listed = stored->list({}, false, error);
        QVERIFY2(listed, error.c_str());
        QCOMPARE(std::int64_t(listed->size()), snapshot->dlqSize);
        QCOMPARE(listed->front().runId, runId);
        QCOMPARE(listed->front().state, std::string("pending"));

        // Replay two, with the typed outcome in the progress; purge the rest.
        const std::vector<core::RequestId> two = {listed->at(0).letter.requestId,
                                                  listed->at(1).letter.requestId};
        auto job = stored->replay(two, 0, error);
        QVERIFY2(job, error.c_str());
        QVERIFY(job->wait(std::chrono::seconds(30)));
        const ReplayJob::Progress p = job->progress();
        QVERIFY2(p.outcome.error.empty(), p.outcome.error.c_str());
        QCOMPARE(p.outcome.decided, std::int64_t(2));
        QCOMPARE(p.outcome.issued, std::int64_t(2));  // stock to spare
        const auto purged = stored->purge({}, error);
        QVERIFY2(purged, error.c_str());
        QCOMPARE(std::int64_t(*purged), snapshot->dlqSize - 2);
        QCOMPARE(stored->list({}, false, error)->size(), std::size_t(0));
        const auto every = stored->list({}, true, error);
        QCOMPARE(std::int64_t(every->size()), snapshot->dlqSize);
        auto db = store::Store::open(url, error);
        QCOMPARE(db->countIssued(runId), snapshot->issued + 2);
        QCOMPARE(db->run(runId)->status, std::string("completed"));

        // A store that is not there is an error, not a hang.
        store::StoreUrl nowhere;
        nowhere.path = "/proc/stampede-nope/x.db";
        QVERIFY(!live::storedDeadLetters(nowhere, 0)->list({}, false, error));
        QVERIFY(!error.empty());
    }
};

QTEST_GUILESS_MAIN(TestLive)
#include "tst_live.moc"
