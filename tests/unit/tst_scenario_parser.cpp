// The scenario format as a contract: defaults, round trips, and one test per class of bad input.

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

#include <string>

#include "stampede/sim/scenario.h"

using namespace stampede;
using sim::parseScenario;
using sim::ScenarioLoad;

namespace {

// A valid campaigns section, to splice into rows that test something else.
#define CAMPAIGN R"("campaigns": [{"id": "c1", "stock": 10}])"
#define SPIKE R"("arrivals": [{"campaign": "c1", "profile": "spike", "users": 10)"

ScenarioLoad parse(const QByteArray& json, std::string_view source = "test.json") {
    return parseScenario(std::string_view(json.constData(), static_cast<std::size_t>(json.size())),
                         source);
}

QString describe(const ScenarioLoad& load) {
    return load.ok() ? QStringLiteral("<accepted>") : QString::fromStdString(load.error.toString());
}

const char kFull[] = R"({
  "name": "full", "description": "every field set", "seed": 987654321,
  "campaigns": [
    {"id": "a", "name": "Gift A", "stock": 7, "policy": "LOTTERY", "requires_verification": true,
     "one_issue_per_user": false, "opens_after_ms": 100, "closes_after_ms": 1500,
     "max_in_flight": 12, "rate_limit_rps": 250.5},
    {"id": "b", "stock": 0}
  ],
  "arrivals": [
    {"campaign": "a", "profile": "spike", "users": 30, "over_ms": 250.5, "start_ms": 10,
     "first_user": 1000},
    {"campaign": "a", "profile": "ramp", "users": 40, "from_rps": 1.5, "to_rps": 300,
     "over_ms": 2000},
    {"campaign": "b", "profile": "constant", "rps": 0.7, "over_ms": 10000},
    {"campaign": "b", "profile": "poisson", "rps": 123.25, "over_ms": 800, "start_ms": 0.5}
  ],
  "clients": {"duplicate_rate": 0.05, "retry_after_ms": 250, "retry_rate": 0.25, "retries": 7,
              "unverified_rate": 0.125},
  "faults": {"transient_failure_rate": 0.1, "permanent_failure_rate": 0.02,
             "processing_delay_us": 150, "processing_delay_distribution": "exponential",
             "worker_crashes": 3},
  "run": {"pipeline": "decide-at-ingress", "guard": "redis-lua", "transport": "kafka",
          "workers": 8, "partitions": 16, "max_attempts": 5, "queue_capacity": 1024,
          "backpressure": "shed", "retry_backoff_ms": 3.5, "retry_backoff_max_ms": 90,
          "pace": "asap", "db_pool": 6}
})";

// Field by field, so a failure names the field that did not survive.
void compareScenarios(const sim::Scenario& x, const sim::Scenario& y) {
    QCOMPARE(x.name, y.name);
    QCOMPARE(x.description, y.description);
    QCOMPARE(x.seed, y.seed);
    QCOMPARE(x.campaigns.size(), y.campaigns.size());
    for (std::size_t i = 0; i < x.campaigns.size(); ++i) {
        const core::Campaign& a = x.campaigns[i];
        const core::Campaign& b = y.campaigns[i];
        QCOMPARE(a.id, b.id);
        QCOMPARE(a.name, b.name);
        QCOMPARE(a.stock, b.stock);
        QVERIFY(a.policy == b.policy);
        QCOMPARE(a.requiresVerification, b.requiresVerification);
        QCOMPARE(a.oneIssuePerUser, b.oneIssuePerUser);
        QCOMPARE(a.opensAfterMs, b.opensAfterMs);
        QVERIFY(a.closesAfterMs == b.closesAfterMs);
        QCOMPARE(a.maxInFlight, b.maxInFlight);
        QCOMPARE(a.rateLimitRps, b.rateLimitRps);
    }
    QCOMPARE(x.arrivals.size(), y.arrivals.size());
    for (std::size_t i = 0; i < x.arrivals.size(); ++i) {
        const sim::ArrivalSpec& a = x.arrivals[i];
        const sim::ArrivalSpec& b = y.arrivals[i];
        QCOMPARE(a.campaign, b.campaign);
        QVERIFY(a.profile == b.profile);
        QCOMPARE(a.users, b.users);
        QCOMPARE(a.overMs, b.overMs);
        QCOMPARE(a.fromRps, b.fromRps);
        QCOMPARE(a.toRps, b.toRps);
        QCOMPARE(a.rps, b.rps);
        QCOMPARE(a.startMs, b.startMs);
        QVERIFY(a.firstUser == b.firstUser);
    }
    QCOMPARE(x.clients.duplicateRate, y.clients.duplicateRate);
    QCOMPARE(x.clients.retryAfterMs, y.clients.retryAfterMs);
    QCOMPARE(x.clients.retryRate, y.clients.retryRate);
    QCOMPARE(x.clients.retries, y.clients.retries);
    QCOMPARE(x.clients.unverifiedRate, y.clients.unverifiedRate);
    QCOMPARE(x.faults.transientFailureRate, y.faults.transientFailureRate);
    QCOMPARE(x.faults.permanentFailureRate, y.faults.permanentFailureRate);
    QCOMPARE(x.faults.processingDelayUs, y.faults.processingDelayUs);
    QVERIFY(x.faults.delayDistribution == y.faults.delayDistribution);
    QCOMPARE(x.faults.workerCrashes, y.faults.workerCrashes);
    QVERIFY(x.run.pipeline == y.run.pipeline);
    QCOMPARE(x.run.guard, y.run.guard);
    QVERIFY(x.run.transport == y.run.transport);
    QCOMPARE(x.run.workers, y.run.workers);
    QCOMPARE(x.run.partitions, y.run.partitions);
    QCOMPARE(x.run.maxAttempts, y.run.maxAttempts);
    QCOMPARE(x.run.queueCapacity, y.run.queueCapacity);
    QVERIFY(x.run.backpressure == y.run.backpressure);
    QCOMPARE(x.run.retryBackoffMs, y.run.retryBackoffMs);
    QCOMPARE(x.run.retryBackoffMaxMs, y.run.retryBackoffMaxMs);
    QVERIFY(x.run.pace == y.run.pace);
    QCOMPARE(x.run.dbPool, y.run.dbPool);
}

}  // namespace

class TestScenarioParser : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void defaults();
    void defaultNames();
    void arrivalDefaults();
    void fullScenarioRoundTrips();
    void builtScenarioRoundTrips();
    void integralDoublesAreIntegers();
    void largestSeed();
    void errors_data();
    void errors();
    void truncatedJsonReportsLineAndColumn();
    void columnsCountCharacters();
    void duplicateKeyIsAnError();
    void topLevelMustBeObject();
    void emptyInput();
    void garbageIsRejected_data();
    void garbageIsRejected();
    void largeValidScenarioParses();
    void oversizedTextIsRefused();
    void missingFile();
    void directoryIsNotAFile();
    void oversizedFileIsRefused();
    void fileErrorsNameTheFile();
    void errorFormatting();
    void profileNames();
    void campaignIndex();
    void shippedSimulationsParse();
    void readmeExampleParses();
};

void TestScenarioParser::defaults() {
    const ScenarioLoad load = parse("{" CAMPAIGN "}");
    QVERIFY2(load.ok(), qPrintable(describe(load)));
    const sim::Scenario& s = *load.scenario;
    QCOMPARE(s.name, std::string("test"));
    QCOMPARE(s.description, std::string());
    QCOMPARE(s.seed, std::uint64_t{1});
    QCOMPARE(s.campaigns.size(), std::size_t{1});
    const core::Campaign& c = s.campaigns[0];
    QCOMPARE(c.id, std::string("c1"));
    QCOMPARE(c.name, std::string("c1"));
    QCOMPARE(c.stock, std::int64_t{10});
    QVERIFY(c.policy == core::Policy::FirstCome);
    QCOMPARE(c.requiresVerification, false);
    QCOMPARE(c.oneIssuePerUser, true);
    QCOMPARE(c.opensAfterMs, std::int64_t{0});
    QVERIFY(!c.closesAfterMs.has_value());
    QCOMPARE(c.maxInFlight, std::int64_t{0});
    QCOMPARE(c.rateLimitRps, 0.0);
    QVERIFY(s.arrivals.empty());
    QCOMPARE(s.clients.duplicateRate, 0.0);
    QCOMPARE(s.clients.retryAfterMs, std::int64_t{0});
    QCOMPARE(s.clients.retryRate, 0.5);
    QCOMPARE(s.clients.retries, 3);
    QCOMPARE(s.clients.unverifiedRate, 0.0);
    QCOMPARE(s.faults.transientFailureRate, 0.0);
    QCOMPARE(s.faults.permanentFailureRate, 0.0);
    QCOMPARE(s.faults.processingDelayUs, std::int64_t{0});
    QVERIFY(s.faults.delayDistribution == core::DelayDistribution::Fixed);
    QCOMPARE(s.faults.workerCrashes, 0);
    QVERIFY(s.run.pipeline == core::Pipeline::DecideInWorker);
    QCOMPARE(s.run.guard, std::string("atomic"));
    QVERIFY(s.run.transport == core::Transport::Inproc);
    QCOMPARE(s.run.workers, 4);
    QCOMPARE(s.run.partitions, 4);
    QCOMPARE(s.run.maxAttempts, 3);
    QCOMPARE(s.run.queueCapacity, std::int64_t{65536});
    QVERIFY(s.run.backpressure == core::Backpressure::Block);
    QCOMPARE(s.run.retryBackoffMs, 2.0);
    QCOMPARE(s.run.retryBackoffMaxMs, 200.0);
    QVERIFY(s.run.pace == core::Pace::Realtime);
    // Empty sections mean the same as absent ones.
    const ScenarioLoad empty =
        parse("{" CAMPAIGN R"(, "arrivals": [], "clients": {}, "faults": {}, "run": {}})");
    QVERIFY2(empty.ok(), qPrintable(describe(empty)));
    compareScenarios(*empty.scenario, s);
}

void TestScenarioParser::defaultNames() {
    const QByteArray json("{" CAMPAIGN "}");
    QCOMPARE(parse(json, "<scenario>").scenario->name, std::string("unnamed"));
    QCOMPARE(parse(json, "").scenario->name, std::string("unnamed"));
    QCOMPARE(parse(json, "/some/dir/seed-9.v2.json").scenario->name, std::string("seed-9.v2"));
    QCOMPARE(parse("{" CAMPAIGN R"(, "name": "given"})").scenario->name, std::string("given"));
}

void TestScenarioParser::arrivalDefaults() {
    const ScenarioLoad load = parse("{" CAMPAIGN ", " SPIKE "}]}");
    QVERIFY2(load.ok(), qPrintable(describe(load)));
    QCOMPARE(load.scenario->arrivals.size(), std::size_t{1});
    const sim::ArrivalSpec& a = load.scenario->arrivals[0];
    QCOMPARE(a.campaign, std::string("c1"));
    QVERIFY(a.profile == sim::Profile::Spike);
    QCOMPARE(a.users, std::int64_t{10});
    QCOMPARE(a.overMs, 1000.0);
    QCOMPARE(a.startMs, 0.0);
    QCOMPARE(a.rps, 0.0);
    QVERIFY(!a.firstUser.has_value());
}

void TestScenarioParser::fullScenarioRoundTrips() {
    const ScenarioLoad first = parse(kFull);
    QVERIFY2(first.ok(), qPrintable(describe(first)));
    const sim::Scenario& s = *first.scenario;
    // Spot checks that the values were read, not defaulted.
    QCOMPARE(s.seed, std::uint64_t{987654321});
    QCOMPARE(s.campaigns[0].closesAfterMs.value_or(0), std::int64_t{1500});
    QCOMPARE(s.campaigns[1].name, std::string("b"));
    QCOMPARE(s.arrivals[0].firstUser.value_or(0), std::int64_t{1000});
    QCOMPARE(s.arrivals[3].rps, 123.25);
    QCOMPARE(s.clients.retries, 7);
    QVERIFY(s.faults.delayDistribution == core::DelayDistribution::Exponential);
    QCOMPARE(s.run.guard, std::string("redis-lua"));
    QCOMPARE(s.run.dbPool, 6);
    QVERIFY(s.run.pace == core::Pace::Asap);

    const std::string text = sim::toJson(s);
    const ScenarioLoad second = parseScenario(text);
    QVERIFY2(second.ok(), qPrintable(describe(second)));
    compareScenarios(*second.scenario, s);
    QCOMPARE(sim::toJson(*second.scenario), text);
}

void TestScenarioParser::builtScenarioRoundTrips() {
    sim::Scenario s;
    s.name = "built \xC3\xA9\xE2\x82\xAC";  // non-ASCII survives
    s.seed = 0;
    core::Campaign c;
    c.id = "x";
    c.name = "X";
    c.stock = 3;
    s.campaigns.push_back(c);
    sim::ArrivalSpec a;
    a.campaign = "x";
    a.users = 5;
    a.overMs = 0.1;
    s.arrivals.push_back(a);
    s.clients.duplicateRate = 1.0 / 3.0;  // needs all 17 digits
    s.run.retryBackoffMs = 0.1 + 0.2;
    const ScenarioLoad back = parseScenario(sim::toJson(s));
    QVERIFY2(back.ok(), qPrintable(describe(back)));
    compareScenarios(*back.scenario, s);
}

void TestScenarioParser::integralDoublesAreIntegers() {
    const ScenarioLoad load = parse(R"({"campaigns": [{"id": "c1", "stock": 2.0}], "seed": 3e2})");
    QVERIFY2(load.ok(), qPrintable(describe(load)));
    QCOMPARE(load.scenario->campaigns[0].stock, std::int64_t{2});
    QCOMPARE(load.scenario->seed, std::uint64_t{300});
}

void TestScenarioParser::largestSeed() {
    const ScenarioLoad ok = parse("{" CAMPAIGN R"(, "seed": 9223372036854775807})");
    QVERIFY2(ok.ok(), qPrintable(describe(ok)));
    QCOMPARE(ok.scenario->seed, std::uint64_t{9223372036854775807ull});
    QCOMPARE(parseScenario(sim::toJson(*ok.scenario)).scenario->seed, ok.scenario->seed);
    const ScenarioLoad tooBig = parse("{" CAMPAIGN R"(, "seed": 9223372036854775808})");
    QVERIFY(!tooBig.ok());
    QCOMPARE(tooBig.error.field, std::string("seed"));
}

void TestScenarioParser::errors_data() {
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("fragment");
    const auto row = [](const char* tag, const char* json, const char* field, const char* frag) {
        QTest::newRow(tag) << QByteArray(json) << QString::fromUtf8(field)
                           << QString::fromUtf8(frag);
    };
    // Unknown keys, at every level, with their path and the keys that are known.
    row("unknown top", "{" CAMPAIGN R"(, "sed": 2})", "sed",
        "unknown key (known: name, description, seed, campaigns, arrivals, clients, faults, run)");
    row("unknown campaign", R"({"campaigns": [{"id": "a", "stock": 1}, {"id": "b", "stok": 1}]})",
        "campaigns[1].stok", "unknown key (known: id, name, stock, policy,");
    row("unknown arrival", "{" CAMPAIGN ", " SPIKE R"(, "usres": 1}]})", "arrivals[0].usres",
        "unknown key (known: campaign, profile, users,");
    row("unknown clients", "{" CAMPAIGN R"(, "clients": {"dup_rate": 0.1}})", "clients.dup_rate",
        "unknown key (known: duplicate_rate,");
    row("unknown faults", "{" CAMPAIGN R"(, "faults": {"crashes": 1}})", "faults.crashes",
        "unknown key (known: transient_failure_rate,");
    row("unknown run", "{" CAMPAIGN R"(, "run": {"worker": 2}})", "run.worker",
        "unknown key (known: pipeline, guard,");
    // Wrong types and ranges.
    row("stock string", R"({"campaigns": [{"id": "c1", "stock": "5"}]})", "campaigns[0].stock",
        "expected a non-negative integer, got string");
    row("stock fraction", R"({"campaigns": [{"id": "c1", "stock": 1.5}]})", "campaigns[0].stock",
        "expected a non-negative integer, got 1.5");
    row("negative stock", R"({"campaigns": [{"id": "c1", "stock": -1}]})", "campaigns[0].stock",
        "expected a non-negative integer, got -1");
    row("stock null", R"({"campaigns": [{"id": "c1", "stock": null}]})", "campaigns[0].stock",
        "got null");
    row("seed negative", "{" CAMPAIGN R"(, "seed": -3})", "seed", "non-negative integer, got -3");
    row("name number", "{" CAMPAIGN R"(, "name": 5})", "name", "expected a string, got number");
    row("bool as string", R"({"campaigns": [{"id": "c", "stock": 1, "one_issue_per_user": "no"}]})",
        "campaigns[0].one_issue_per_user", "expected true or false, got string");
    row("campaigns object", R"({"campaigns": {"id": "c1"}})", "campaigns",
        "expected an array, got object");
    row("campaign not object", R"({"campaigns": [3]})", "campaigns[0]",
        "expected an object, got number");
    row("clients array", "{" CAMPAIGN R"(, "clients": []})", "clients",
        "expected an object, got array");
    row("rate above 1", "{" CAMPAIGN R"(, "clients": {"duplicate_rate": 1.5}})",
        "clients.duplicate_rate", "expected a number from 0 to 1, got 1.5");
    row("retries above 100", "{" CAMPAIGN R"(, "clients": {"retries": 101}})", "clients.retries",
        "expected an integer from 0 to 100, got 101");
    row("failure rates sum",
        "{" CAMPAIGN
        R"(, "faults": {"transient_failure_rate": 0.7, "permanent_failure_rate": 0.4}})",
        "faults.permanent_failure_rate", "must be <= 1, got 1.1");
    row("worker crashes", "{" CAMPAIGN R"(, "faults": {"worker_crashes": 1001}})",
        "faults.worker_crashes", "from 0 to 1000");
    row("distribution", "{" CAMPAIGN R"(, "faults": {"processing_delay_distribution": "gauss"}})",
        "faults.processing_delay_distribution", "expected one of fixed, uniform, exponential");
    // Missing required fields.
    row("no campaigns", R"({"name": "x"})", "campaigns", "required field is missing");
    row("empty campaigns", R"({"campaigns": []})", "campaigns", "must not be empty");
    row("no id", R"({"campaigns": [{"stock": 1}]})", "campaigns[0].id", "required field");
    row("empty id", R"({"campaigns": [{"id": "", "stock": 1}]})", "campaigns[0].id",
        "expected a non-empty string");
    row("no stock", R"({"campaigns": [{"id": "c1"}]})", "campaigns[0].stock", "required field");
    row("spike without users",
        "{" CAMPAIGN R"(, "arrivals": [{"campaign": "c1", "profile": "spike"}]})",
        "arrivals[0].users", "required field is missing");
    row("no profile", "{" CAMPAIGN R"(, "arrivals": [{"campaign": "c1", "users": 3}]})",
        "arrivals[0].profile", "required field is missing");
    row("no arrival campaign", "{" CAMPAIGN R"(, "arrivals": [{"profile": "spike", "users": 3}]})",
        "arrivals[0].campaign", "required field is missing");
    row("ramp without to_rps", "{" CAMPAIGN R"(, "arrivals": [{"campaign": "c1", "profile": "ramp",
        "users": 3, "from_rps": 1}]})",
        "arrivals[0].to_rps", "required field is missing");
    row("constant without rps", "{" CAMPAIGN R"(, "arrivals": [{"campaign": "c1",
        "profile": "constant"}]})",
        "arrivals[0].rps", "required field is missing");
    // Names that are not in the vocabulary.
    row("policy", R"({"campaigns": [{"id": "c1", "stock": 1, "policy": "FIRST"}]})",
        "campaigns[0].policy", "expected one of FIRST_COME, LOTTERY, got \"FIRST\"");
    row("guard", "{" CAMPAIGN R"(, "run": {"guard": "spinlock"}})", "run.guard",
        "unknown guard \"spinlock\" (known: none, mutex, semaphore, atomic, single-consumer");
    row("pipeline", "{" CAMPAIGN R"(, "run": {"pipeline": "async"}})", "run.pipeline",
        "expected one of sync, decide-at-ingress, decide-in-worker, got \"async\"");
    row("transport", "{" CAMPAIGN R"(, "run": {"transport": "sqs"}})", "run.transport",
        "expected one of inproc, kafka");
    row("backpressure", "{" CAMPAIGN R"(, "run": {"backpressure": "drop"}})", "run.backpressure",
        "expected one of block, shed");
    row("pace", "{" CAMPAIGN R"(, "run": {"pace": "fast"}})", "run.pace",
        "expected one of realtime, asap");
    row("profile", "{" CAMPAIGN R"(, "arrivals": [{"campaign": "c1", "profile": "burst"}]})",
        "arrivals[0].profile", "expected one of spike, ramp, constant, poisson, got \"burst\"");
    // Run ranges.
    row("workers 0", "{" CAMPAIGN R"(, "run": {"workers": 0}})", "run.workers", "from 1 to 256");
    row("db_pool", "{" CAMPAIGN R"(, "run": {"db_pool": 2000}})", "run.db_pool", "got 2000");
    row("workers 257", "{" CAMPAIGN R"(, "run": {"workers": 257}})", "run.workers", "got 257");
    row("partitions", "{" CAMPAIGN R"(, "run": {"partitions": 1025}})", "run.partitions",
        "from 1 to 1024");
    row("max attempts", "{" CAMPAIGN R"(, "run": {"max_attempts": 0}})", "run.max_attempts",
        "from 1 to 100");
    row("queue capacity", "{" CAMPAIGN R"(, "run": {"queue_capacity": 8}})", "run.queue_capacity",
        "from 16 to 16777216, got 8");
    row("backoff max below backoff", "{" CAMPAIGN R"(, "run": {"retry_backoff_ms": 500}})",
        "run.retry_backoff_max_ms", "must be >= retry_backoff_ms (500), got 200 (the default)");
    // Cross-field rules.
    row("duplicate id", R"({"campaigns": [{"id": "c1", "stock": 1}, {"id": "c1", "stock": 2}]})",
        "campaigns[1].id", "duplicate campaign id \"c1\" (also campaigns[0])");
    row("closes before opens", R"({"campaigns": [{"id": "c", "stock": 1, "opens_after_ms": 500,
        "closes_after_ms": 500}]})",
        "campaigns[0].closes_after_ms", "must be greater than opens_after_ms (500), got 500");
    row("missing campaign", "{" CAMPAIGN R"(, "arrivals": [{"campaign": "zz", "profile": "spike",
        "users": 1}]})",
        "arrivals[0].campaign", "no campaign with id \"zz\" (ids: c1)");
    row("rps on spike", "{" CAMPAIGN ", " SPIKE R"(, "rps": 5}]})", "arrivals[0].rps",
        "not used by profile spike");
    row("users on constant", "{" CAMPAIGN R"(, "arrivals": [{"campaign": "c1",
        "profile": "constant", "rps": 5, "users": 5}]})",
        "arrivals[0].users", "not used by profile constant");
    row("from_rps on poisson", "{" CAMPAIGN R"(, "arrivals": [{"campaign": "c1",
        "profile": "poisson", "rps": 5, "from_rps": 5}]})",
        "arrivals[0].from_rps", "not used by profile poisson");
    row("ramp all zero", "{" CAMPAIGN R"(, "arrivals": [{"campaign": "c1", "profile": "ramp",
        "users": 3, "from_rps": 0, "to_rps": 0}]})",
        "arrivals[0].to_rps", "at least one must be > 0");
    row("rps zero", "{" CAMPAIGN R"(, "arrivals": [{"campaign": "c1", "profile": "poisson",
        "rps": 0}]})",
        "arrivals[0].rps", "expected a number > 0, got 0");
    row("over_ms zero", "{" CAMPAIGN ", " SPIKE R"(, "over_ms": 0}]})", "arrivals[0].over_ms",
        "expected a number > 0");
    row("first_user zero", "{" CAMPAIGN ", " SPIKE R"(, "first_user": 0}]})",
        "arrivals[0].first_user", "expected an integer from 1 to 4294967295, got 0");
    row("user numbers overflow", "{" CAMPAIGN ", " SPIKE R"(, "first_user": 4294967290}]})",
        "arrivals[0].first_user", "user numbers run out");
    // Limits on size.
    row("too many users", "{" CAMPAIGN R"(, "arrivals": [{"campaign": "c1", "profile": "spike",
        "users": 50000001}]})",
        "arrivals[0].users", "more than the limit of 50000000");
    row("too many over blocks", "{" CAMPAIGN R"(, "arrivals": [
        {"campaign": "c1", "profile": "spike", "users": 30000000},
        {"campaign": "c1", "profile": "ramp", "users": 30000000, "from_rps": 1, "to_rps": 2}]})",
        "arrivals[1].users", "more than the limit of 50000000");
    row("poisson too fast", "{" CAMPAIGN R"(, "arrivals": [{"campaign": "c1", "profile": "poisson",
        "rps": 1e9, "over_ms": 1000}]})",
        "arrivals[0].rps", "more than the limit");
    row("retry storm too big", "{" CAMPAIGN R"(, "arrivals": [{"campaign": "c1",
        "profile": "spike", "users": 40000000}], "clients": {"retry_after_ms": 10,
        "retry_rate": 1, "retries": 100}})",
        "clients", "submissions, more than the limit");
}

void TestScenarioParser::errors() {
    QFETCH(QByteArray, json);
    QFETCH(QString, field);
    QFETCH(QString, fragment);
    const ScenarioLoad load = parse(json);
    QVERIFY2(!load.ok(), json.constData());
    QCOMPARE(QString::fromStdString(load.error.field), field);
    const QString message = QString::fromStdString(load.error.message);
    QVERIFY2(message.contains(fragment), qPrintable(message));
    QCOMPARE(load.error.source, std::string("test.json"));
    QCOMPARE(load.error.line, 0);
    const QString text = describe(load);
    QVERIFY2(text.startsWith(QStringLiteral("test.json: ") + field + QStringLiteral(": ")),
             qPrintable(text));
}

void TestScenarioParser::truncatedJsonReportsLineAndColumn() {
    const ScenarioLoad load = parse("{\n  \"campaigns\": [\n    {\"id\": \"c1\",\n");
    QVERIFY(!load.ok());
    QCOMPARE(load.error.line, 3);
    QCOMPARE(load.error.column, 17);  // just after the last comma
    QVERIFY(load.error.field.empty());
    QVERIFY2(describe(load).startsWith(QStringLiteral("test.json:3:17: JSON syntax error: ")),
             qPrintable(describe(load)));

    // A missing comma is named where it belongs (Qt says "unterminated object" inside the next
    // key): after `"seed": 3`, line 1, column 24.
    const ScenarioLoad comma =
        parse("{\"name\": \"x\", \"seed\": 3\n  \"campaigns\": [{\"id\": \"c1\", \"stock\": 1}]}");
    QVERIFY(!comma.ok());
    QCOMPARE(describe(comma), QStringLiteral("test.json:1:24: JSON syntax error: missing ',' after "
                                             "this value"));
    const ScenarioLoad inner = parse("{\"campaigns\": [{\"id\": \"c1\" \"stock\": 1}]}");
    QCOMPARE(inner.error.line, 1);
    QCOMPARE(inner.error.column, 27);
    QVERIFY(describe(inner).contains(QStringLiteral("missing ','")));

    const ScenarioLoad bad = parse("{\n\n  \"seed\": @\n}");
    QVERIFY(!bad.ok());
    QCOMPARE(bad.error.line, 3);
    QVERIFY2(bad.error.column >= 10 && bad.error.column <= 12, qPrintable(describe(bad)));
}

void TestScenarioParser::columnsCountCharacters() {
    // "é" and "€" are 2 and 3 bytes; the column counts them as one character each.
    const ScenarioLoad load = parse("{\"name\": \"\xC3\xA9\xE2\x82\xAC\" @}");
    QVERIFY(!load.ok());
    QCOMPARE(load.error.line, 1);
    // Qt points at or just after the '@' (characters 15-16); counting bytes would say 18-19.
    QVERIFY2(load.error.column >= 15 && load.error.column <= 16, qPrintable(describe(load)));
}

void TestScenarioParser::duplicateKeyIsAnError() {
    const ScenarioLoad load = parse("{" CAMPAIGN ",\n \"seed\": 1,\n \"seed\": 2}");
    QVERIFY(!load.ok());
    QCOMPARE(load.error.line, 3);
    QCOMPARE(load.error.column, 2);
    QVERIFY2(load.error.message.find("duplicate key \"seed\"") != std::string::npos,
             qPrintable(describe(load)));
    // The same key in sibling objects is fine.
    const ScenarioLoad siblings =
        parse(R"({"campaigns": [{"id": "a", "stock": 1}, {"id": "b", "stock": 1}]})");
    QVERIFY2(siblings.ok(), qPrintable(describe(siblings)));
}

void TestScenarioParser::topLevelMustBeObject() {
    for (const char* json : {"[1, 2]", "[]", "42", "\"text\"", "null"}) {
        const ScenarioLoad load = parse(json);
        QVERIFY2(!load.ok(), json);
        QVERIFY2(!load.error.message.empty(), json);
    }
    const ScenarioLoad array = parse("[{}]");
    QVERIFY2(array.error.message.find("top level must be a JSON object, got an array") !=
                 std::string::npos,
             qPrintable(describe(array)));
}

void TestScenarioParser::emptyInput() {
    for (const char* json : {"", "   \n\t \r\n"}) {
        const ScenarioLoad load = parse(json);
        QVERIFY(!load.ok());
        QCOMPARE(describe(load), QStringLiteral("test.json: empty input: expected a JSON object"));
    }
}

void TestScenarioParser::garbageIsRejected_data() {
    QTest::addColumn<QByteArray>("bytes");
    constexpr qsizetype size = 10 * 1024 * 1024;
    QByteArray random(size, Qt::Uninitialized);
    QRandomGenerator rng(20240601);
    rng.fillRange(reinterpret_cast<quint32*>(random.data()), size / 4);
    QTest::newRow("random bytes") << random;
    QByteArray leadingBrace = random;
    leadingBrace[0] = '{';
    QTest::newRow("brace then random") << leadingBrace;
    QTest::newRow("deep nesting") << QByteArray(size, '[');
    QTest::newRow("unterminated string") << (QByteArray("{\"name\": \"") + QByteArray(size, 'a'));
    QByteArray keys("{");
    while (keys.size() < size) keys += "\"k" + QByteArray::number(keys.size()) + "\": 1, ";
    QTest::newRow("many unknown keys") << QByteArray(keys.chopped(2) + "}");
    QByteArray repeated("{" CAMPAIGN);
    while (repeated.size() < size) repeated += ", \"seed\": 1";
    QTest::newRow("one key repeated") << QByteArray(repeated + "}");
}

void TestScenarioParser::garbageIsRejected() {
    QFETCH(QByteArray, bytes);
    QElapsedTimer timer;
    timer.start();
    const ScenarioLoad load = parse(bytes);
    const qint64 ms = timer.elapsed();
    qInfo("%lld ms: %s", static_cast<long long>(ms), load.error.toString().c_str());
    QVERIFY(!load.ok());
    QVERIFY(!load.error.message.empty());
}

void TestScenarioParser::largeValidScenarioParses() {
    // The most campaigns there may be, and enough blocks to fill the rest of the size limit.
    QByteArray json("{\"campaigns\": [");
    for (int i = 0; i < 65535; ++i)
        json +=
            (i ? ",\n{\"id\": \"c" : "{\"id\": \"c") + QByteArray::number(i) + "\", \"stock\": 1}";
    json += "],\n\"arrivals\": [";
    for (int i = 0; i < 200000; ++i)
        json += (i ? ",\n{\"campaign\": \"c" : "{\"campaign\": \"c") +
                QByteArray::number(i % 65535) + "\", \"profile\": \"spike\", \"users\": 1}";
    json += "]}";
    QVERIFY(json.size() < sim::kMaxScenarioBytes);
    QElapsedTimer timer;
    timer.start();
    const ScenarioLoad load = parse(json);
    const qint64 ms = timer.elapsed();
    qInfo("%lld bytes in %lld ms", static_cast<long long>(json.size()), static_cast<long long>(ms));
    QVERIFY2(load.ok(), qPrintable(describe(load)));
    QCOMPARE(load.scenario->campaigns.size(), std::size_t{65535});
    QCOMPARE(load.scenario->arrivals.size(), std::size_t{200000});
    // One more campaign is too many.
    json.replace("{\"campaigns\": [", "{\"campaigns\": [{\"id\": \"extra\", \"stock\": 1}, ");
    const ScenarioLoad tooMany = parse(json);
    QVERIFY(!tooMany.ok());
    QCOMPARE(tooMany.error.field, std::string("campaigns"));
    QVERIFY2(tooMany.error.message.find("at most 65535") != std::string::npos,
             qPrintable(describe(tooMany)));
}

void TestScenarioParser::oversizedTextIsRefused() {
    const QByteArray big(static_cast<qsizetype>(sim::kMaxScenarioBytes) + 1, ' ');
    const ScenarioLoad load = parse(big);
    QVERIFY(!load.ok());
    QVERIFY2(load.error.message.find("too large") != std::string::npos, qPrintable(describe(load)));
}

void TestScenarioParser::missingFile() {
    const std::string path = "/nonexistent-stampede-dir/missing.json";
    const ScenarioLoad load = sim::loadScenarioFile(path);
    QVERIFY(!load.ok());
    QCOMPARE(load.error.source, path);
    QVERIFY2(describe(load).startsWith(QString::fromStdString(path)), qPrintable(describe(load)));
    QVERIFY2(load.error.message.find("no such file") != std::string::npos,
             qPrintable(describe(load)));
}

void TestScenarioParser::directoryIsNotAFile() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const ScenarioLoad load = sim::loadScenarioFile(dir.path().toStdString());
    QVERIFY(!load.ok());
    QVERIFY2(load.error.message.find("directory") != std::string::npos, qPrintable(describe(load)));
}

void TestScenarioParser::oversizedFileIsRefused() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("huge.json"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    QVERIFY(file.resize(sim::kMaxScenarioBytes + 1));  // sparse: cheap to make
    file.close();
    const ScenarioLoad load = sim::loadScenarioFile(path.toStdString());
    QVERIFY(!load.ok());
    QCOMPARE(load.error.source, path.toStdString());
    QVERIFY2(load.error.message.find("file too large") != std::string::npos,
             qPrintable(describe(load)));
}

void TestScenarioParser::fileErrorsNameTheFile() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString good = dir.filePath(QStringLiteral("my-run.json"));
    const QString bad = dir.filePath(QStringLiteral("bad.json"));
    for (const auto& [path, text] : {std::pair{good, QByteArray("{" CAMPAIGN "}")},
                                     std::pair{bad, QByteArray("{\n" CAMPAIGN ",\n\"x\": }")}}) {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        QCOMPARE(file.write(text), text.size());
    }
    const ScenarioLoad ok = sim::loadScenarioFile(good.toStdString());
    QVERIFY2(ok.ok(), qPrintable(describe(ok)));
    QCOMPARE(ok.scenario->name, std::string("my-run"));
    const ScenarioLoad failed = sim::loadScenarioFile(bad.toStdString());
    QVERIFY(!failed.ok());
    QVERIFY2(describe(failed).startsWith(bad + QStringLiteral(":3:")),
             qPrintable(describe(failed)));
}

void TestScenarioParser::errorFormatting() {
    sim::ScenarioError syntax{"a.json", 3, 7, {}, "JSON syntax error: x"};
    QCOMPARE(syntax.toString(), std::string("a.json:3:7: JSON syntax error: x"));
    sim::ScenarioError field{"a.json", 0, 0, "run.workers", "bad"};
    QCOMPARE(field.toString(), std::string("a.json: run.workers: bad"));
    sim::ScenarioError plain{"a.json", 0, 0, {}, "empty"};
    QCOMPARE(plain.toString(), std::string("a.json: empty"));
}

void TestScenarioParser::profileNames() {
    for (sim::Profile p :
         {sim::Profile::Spike, sim::Profile::Ramp, sim::Profile::Constant, sim::Profile::Poisson})
        QVERIFY(sim::parseProfile(sim::toString(p)) == p);
    QCOMPARE(sim::toString(sim::Profile::Poisson), std::string_view("poisson"));
    QVERIFY(!sim::parseProfile("SPIKE").has_value());
    QVERIFY(!sim::parseProfile("").has_value());
}

void TestScenarioParser::campaignIndex() {
    const ScenarioLoad load =
        parse(R"({"campaigns": [{"id": "a", "stock": 1}, {"id": "b", "stock": 1}]})");
    QVERIFY(load.ok());
    QCOMPARE(load.scenario->campaignIndex("a"), 0);
    QCOMPARE(load.scenario->campaignIndex("b"), 1);
    QCOMPARE(load.scenario->campaignIndex("c"), -1);
}

void TestScenarioParser::shippedSimulationsParse() {
    const QDir dir(QStringLiteral(STAMPEDE_SOURCE_DIR "/simulations"));
    const QStringList files = dir.entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name);
    QVERIFY2(files.size() >= 5, qPrintable(files.join(QLatin1Char(','))));
    for (const QString& file : files) {
        const ScenarioLoad load = sim::loadScenarioFile(dir.filePath(file).toStdString());
        QVERIFY2(load.ok(), qPrintable(describe(load)));
        QVERIFY2(!load.scenario->description.empty(), qPrintable(file));
        QVERIFY2(load.scenario->name != "unnamed", qPrintable(file));
        // Saved files are what toJson would write back, give or take layout.
        const ScenarioLoad again = parseScenario(sim::toJson(*load.scenario));
        QVERIFY(again.ok());
        compareScenarios(*again.scenario, *load.scenario);
    }
    const ScenarioLoad seed1 =
        sim::loadScenarioFile(dir.filePath(QStringLiteral("seed-001.json")).toStdString());
    QVERIFY2(seed1.ok(), qPrintable(describe(seed1)));
    QCOMPARE(seed1.scenario->campaigns.at(0).stock, std::int64_t{50});
    QCOMPARE(seed1.scenario->run.guard, std::string("single-consumer"));
    QCOMPARE(seed1.scenario->run.partitions, 1);
    QCOMPARE(seed1.scenario->run.workers, 1);
}

void TestScenarioParser::readmeExampleParses() {
    // The contract document's example must stay valid.
    QFile readme(QStringLiteral(STAMPEDE_SOURCE_DIR "/simulations/README.md"));
    QVERIFY(readme.open(QIODevice::ReadOnly));
    const QByteArray text = readme.readAll();
    const qsizetype begin = text.indexOf("```json\n");
    QVERIFY(begin >= 0);
    const qsizetype end = text.indexOf("```", begin + 8);
    QVERIFY(end > begin);
    const ScenarioLoad load = parse(text.mid(begin + 8, end - begin - 8), "README.md");
    QVERIFY2(load.ok(), qPrintable(describe(load)));
    QCOMPARE(load.scenario->campaigns.size(), std::size_t{2});
    QCOMPARE(load.scenario->arrivals.size(), std::size_t{2});
}

QTEST_GUILESS_MAIN(TestScenarioParser)
#include "tst_scenario_parser.moc"
