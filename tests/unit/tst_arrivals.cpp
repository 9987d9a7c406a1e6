// Expanding scenarios into submissions: counts per profile, time windows, order, determinism, and
// the client behaviours (duplicates, retry storms, unverified users) at roughly their rates.

#include <QElapsedTimer>
#include <QTest>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <string>
#include <utility>

#include "sim/arrivals.h"
#include "stampede/sim/scenario.h"

using namespace stampede;
using sim::Arrival;

namespace {

sim::Scenario scenario(const std::string& json) {
    const sim::ScenarioLoad load = sim::parseScenario(json);
    if (!load.ok()) qFatal("test scenario refused: %s", load.error.toString().c_str());
    return *load.scenario;
}

// One campaign "c" (stock irrelevant here), the given arrival blocks and client behaviour.
sim::Scenario oneCampaign(const std::string& arrivals, const std::string& clients = "{}",
                          std::uint64_t seed = 7, bool verification = false) {
    return scenario(R"({"seed": )" + std::to_string(seed) +
                    R"(, "campaigns": [{"id": "c", "stock": 1, "requires_verification": )" +
                    (verification ? "true" : "false") + "}], \"arrivals\": [" + arrivals +
                    "], \"clients\": " + clients + "}");
}

bool sameArrivals(const std::vector<Arrival>& x, const std::vector<Arrival>& y) {
    return std::equal(x.begin(), x.end(), y.begin(), y.end(),
                      [](const Arrival& a, const Arrival& b) {
                          return a.atUs == b.atUs && a.user == b.user && a.campaign == b.campaign &&
                                 a.flags == b.flags;
                      });
}

bool ordered(const Arrival& a, const Arrival& b) {
    return std::tie(a.atUs, a.campaign, a.user, a.flags) <
           std::tie(b.atUs, b.campaign, b.user, b.flags);
}

std::int64_t firstSubmissions(const std::vector<Arrival>& arrivals) {
    return std::count_if(arrivals.begin(), arrivals.end(),
                         [](const Arrival& a) { return !(a.flags & Arrival::kRepeat); });
}

// |observed - n*p| within `sigmas` binomial standard deviations.
bool nearRate(std::int64_t observed, std::int64_t n, double p, double sigmas = 5) {
    const double mean = static_cast<double>(n) * p;
    return std::abs(static_cast<double>(observed) - mean) <= sigmas * std::sqrt(mean * (1 - p)) + 1;
}

}  // namespace

class TestArrivals : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void spike();
    void ramp();
    void rampDensityFollowsRates();
    void constant();
    void poisson();
    void sortedAndReservedExactly();
    void deterministicForSeed();
    void duplicates();
    void retryStorm();
    void unverifiedUsers();
    void firstUserDefaults();
    void countsDistinctPairs();
    void millionUsers();
    void shippedSeedScenarios();
};

void TestArrivals::spike() {
    const auto arrivals = sim::generateArrivals(
        oneCampaign(R"({"campaign": "c", "profile": "spike", "users": 1000, "over_ms": 500,
                        "start_ms": 200})"));
    QCOMPARE(arrivals.size(), std::size_t{1000});
    std::set<std::uint32_t> users;
    for (const Arrival& a : arrivals) {
        QVERIFY2(a.atUs >= 200'000 && a.atUs < 700'000, qPrintable(QString::number(a.atUs)));
        QCOMPARE(a.campaign, std::uint16_t{0});
        QCOMPARE(a.flags, Arrival::kVerified);
        users.insert(a.user);
    }
    QCOMPARE(users.size(), std::size_t{1000});
    QCOMPARE(*users.begin(), 1u);
    QCOMPARE(*users.rbegin(), 1000u);
    // Spread over the window, not bunched: every 50 ms tenth gets some.
    std::vector<int> tenths(10);
    for (const Arrival& a : arrivals)
        ++tenths[static_cast<std::size_t>((a.atUs - 200'000) / 50'000)];
    for (int n : tenths) QVERIFY2(n > 50 && n < 150, qPrintable(QString::number(n)));
}

void TestArrivals::ramp() {
    const auto arrivals = sim::generateArrivals(
        oneCampaign(R"({"campaign": "c", "profile": "ramp", "users": 5000, "from_rps": 100,
                        "to_rps": 100, "over_ms": 2000, "start_ms": 1000})"));
    QCOMPARE(arrivals.size(), std::size_t{5000});
    for (const Arrival& a : arrivals) QVERIFY(a.atUs >= 1'000'000 && a.atUs < 3'000'000);
    // A flat ramp is uniform: each half gets about half.
    const auto firstHalf = std::count_if(arrivals.begin(), arrivals.end(),
                                         [](const Arrival& a) { return a.atUs < 2'000'000; });
    QVERIFY2(nearRate(firstHalf, 5000, 0.5), qPrintable(QString::number(firstHalf)));
}

void TestArrivals::rampDensityFollowsRates() {
    const auto quarters = [](double from, double to) {
        const auto arrivals = sim::generateArrivals(oneCampaign(
            R"({"campaign": "c", "profile": "ramp", "users": 20000, "over_ms": 1000, "from_rps": )" +
            std::to_string(from) + R"(, "to_rps": )" + std::to_string(to) + "}"));
        std::vector<std::int64_t> counts(4);
        for (const Arrival& a : arrivals) ++counts[static_cast<std::size_t>(a.atUs / 250'000)];
        return counts;
    };
    const auto rising = quarters(10, 1000);
    for (std::size_t i = 1; i < 4; ++i) QVERIFY(rising[i] > rising[i - 1]);
    // Quarter shares of a rate rising linearly from 10 to 1000: (area of each quarter) / total.
    const double total = (10 + 1000) / 2.0;
    const double rate1 = 10 + 990 * 0.25;
    QVERIFY2(nearRate(rising[0], 20000, (10 + rate1) / 2 * 0.25 / total),
             qPrintable(QString::number(rising[0])));
    const auto falling = quarters(1000, 0);
    for (std::size_t i = 1; i < 4; ++i) QVERIFY(falling[i] < falling[i - 1]);
    const auto fromZero = quarters(0, 500);
    QVERIFY(fromZero[0] > 0);  // a zero start rate still leaves a thin first quarter
    QVERIFY(fromZero[0] * 4 < fromZero[3]);
}

void TestArrivals::constant() {
    const auto arrivals = sim::generateArrivals(oneCampaign(
        R"({"campaign": "c", "profile": "constant", "rps": 100, "over_ms": 1000, "start_ms": 50})"));
    QCOMPARE(arrivals.size(), std::size_t{100});
    for (std::size_t i = 0; i < arrivals.size(); ++i) {
        QCOMPARE(arrivals[i].atUs, 50'000 + static_cast<std::int64_t>(i) * 10'000);
        QCOMPARE(arrivals[i].user, static_cast<std::uint32_t>(i + 1));
    }
    // floor(rps * over_ms / 1000), not thrown off by rounding in the product.
    const auto sparse = sim::generateArrivals(
        oneCampaign(R"({"campaign": "c", "profile": "constant", "rps": 0.7, "over_ms": 10000})"));
    QCOMPARE(sparse.size(), std::size_t{7});
    const auto fractional = sim::generateArrivals(
        oneCampaign(R"({"campaign": "c", "profile": "constant", "rps": 3, "over_ms": 1500})"));
    QCOMPARE(fractional.size(), std::size_t{4});
}

void TestArrivals::poisson() {
    const auto arrivals = sim::generateArrivals(oneCampaign(
        R"({"campaign": "c", "profile": "poisson", "rps": 2000, "over_ms": 3000, "start_ms": 10})"));
    const double n = static_cast<double>(arrivals.size());
    QVERIFY2(std::abs(n - 6000) < 5 * std::sqrt(6000.0), qPrintable(QString::number(n)));
    for (const Arrival& a : arrivals) QVERIFY(a.atUs >= 10'000 && a.atUs < 3'010'000);
    // Exponential gaps: mean 0.5 ms, and about e^-1 of the gaps exceed the mean.
    std::int64_t longGaps = 0;
    for (std::size_t i = 1; i < arrivals.size(); ++i)
        if (arrivals[i].atUs - arrivals[i - 1].atUs > 500) ++longGaps;
    const auto gaps = static_cast<std::int64_t>(arrivals.size()) - 1;
    QVERIFY2(nearRate(longGaps, gaps, std::exp(-1.0)), qPrintable(QString::number(longGaps)));
}

void TestArrivals::sortedAndReservedExactly() {
    const sim::Scenario s = scenario(R"({"seed": 3,
        "campaigns": [{"id": "a", "stock": 1}, {"id": "b", "stock": 1}],
        "arrivals": [{"campaign": "a", "profile": "spike", "users": 3000, "over_ms": 20},
                     {"campaign": "b", "profile": "poisson", "rps": 50000, "over_ms": 40},
                     {"campaign": "b", "profile": "constant", "rps": 1000, "over_ms": 100}],
        "clients": {"duplicate_rate": 0.3, "retry_after_ms": 5, "retry_rate": 0.4, "retries": 2}})");
    const auto arrivals = sim::generateArrivals(s);
    QVERIFY(arrivals.size() > 5000);
    QCOMPARE(arrivals.capacity(), arrivals.size());
    for (std::size_t i = 1; i < arrivals.size(); ++i)
        QVERIFY2(!ordered(arrivals[i], arrivals[i - 1]), qPrintable(QString::number(i)));
    // Many arrivals share a microsecond here, so the tie-breaks are exercised.
    std::size_t ties = 0;
    for (std::size_t i = 1; i < arrivals.size(); ++i)
        ties += arrivals[i].atUs == arrivals[i - 1].atUs;
    QVERIFY(ties > 100);
}

void TestArrivals::deterministicForSeed() {
    const std::string blocks =
        R"({"campaign": "c", "profile": "spike", "users": 2000},
           {"campaign": "c", "profile": "poisson", "rps": 1000, "over_ms": 500})";
    const std::string clients = R"({"duplicate_rate": 0.1, "retry_after_ms": 100,
                                    "unverified_rate": 0.2})";
    const auto a = sim::generateArrivals(oneCampaign(blocks, clients, 42));
    const auto b = sim::generateArrivals(oneCampaign(blocks, clients, 42));
    const auto c = sim::generateArrivals(oneCampaign(blocks, clients, 43));
    QVERIFY(!a.empty());
    QVERIFY(sameArrivals(a, b));
    QVERIFY(!sameArrivals(a, c));
    // Changing the seed changes times, not just which users storm.
    std::size_t sameTimes = 0;
    for (std::size_t i = 0; i < std::min(a.size(), c.size()); ++i)
        sameTimes += a[i].atUs == c[i].atUs;
    QVERIFY(sameTimes < a.size() / 10);
}

void TestArrivals::duplicates() {
    const auto arrivals = sim::generateArrivals(oneCampaign(
        R"({"campaign": "c", "profile": "spike", "users": 10000})", R"({"duplicate_rate": 0.1})"));
    std::map<std::uint32_t, std::vector<Arrival>> byUser;
    for (const Arrival& a : arrivals) byUser[a.user].push_back(a);
    QCOMPARE(byUser.size(), std::size_t{10000});
    std::int64_t doubled = 0;
    for (const auto& [user, list] : byUser) {
        QVERIFY(list.size() <= 2);
        QVERIFY(!(list[0].flags & Arrival::kRepeat));
        if (list.size() == 1) continue;
        ++doubled;
        QVERIFY(list[1].flags & Arrival::kRepeat);
        const std::int64_t delay = list[1].atUs - list[0].atUs;
        QVERIFY2(delay > 0 && delay <= 50'000, qPrintable(QString::number(delay)));
    }
    QCOMPARE(static_cast<std::int64_t>(arrivals.size()), 10000 + doubled);
    QVERIFY2(nearRate(doubled, 10000, 0.1), qPrintable(QString::number(doubled)));
}

void TestArrivals::retryStorm() {
    const auto arrivals = sim::generateArrivals(
        oneCampaign(R"({"campaign": "c", "profile": "spike", "users": 10000})",
                    R"({"retry_after_ms": 100, "retry_rate": 0.3, "retries": 4})"));
    std::map<std::uint32_t, std::vector<Arrival>> byUser;
    for (const Arrival& a : arrivals) byUser[a.user].push_back(a);
    std::int64_t storming = 0;
    for (const auto& [user, list] : byUser) {
        if (list.size() == 1) continue;
        QCOMPARE(list.size(), std::size_t{5});
        ++storming;
        for (std::size_t k = 1; k < list.size(); ++k) {
            QCOMPARE(list[k].atUs, list[0].atUs + static_cast<std::int64_t>(k) * 100'000);
            QVERIFY(list[k].flags & Arrival::kRepeat);
        }
    }
    QVERIFY2(nearRate(storming, 10000, 0.3), qPrintable(QString::number(storming)));
    QCOMPARE(firstSubmissions(arrivals), std::int64_t{10000});
    // retry_after_ms 0 turns the storm off whatever retry_rate says.
    const auto calm = sim::generateArrivals(oneCampaign(
        R"({"campaign": "c", "profile": "spike", "users": 1000})", R"({"retry_rate": 1})"));
    QCOMPARE(calm.size(), std::size_t{1000});
}

void TestArrivals::unverifiedUsers() {
    const sim::Scenario s = oneCampaign(
        R"({"campaign": "c", "profile": "spike", "users": 10000},
           {"campaign": "c", "profile": "spike", "users": 10000, "first_user": 1})",
        R"({"unverified_rate": 0.2, "duplicate_rate": 0.5})", 7, true);
    const auto arrivals = sim::generateArrivals(s);
    std::map<std::uint32_t, std::set<bool>> verifiedByUser;
    for (const Arrival& a : arrivals) verifiedByUser[a.user].insert(a.verified());
    QCOMPARE(verifiedByUser.size(), std::size_t{10000});
    std::int64_t unverified = 0;
    for (const auto& [user, flags] : verifiedByUser) {
        QCOMPARE(flags.size(), std::size_t{1});  // a property of the user, in both blocks
        unverified += !*flags.begin();
    }
    QVERIFY2(nearRate(unverified, 10000, 0.2), qPrintable(QString::number(unverified)));
    const sim::ArrivalCounts counts = sim::countArrivals(s, arrivals);
    QCOMPARE(counts.uniqueUsers, std::int64_t{10000});
    QCOMPARE(counts.eligibleUsers, 10000 - unverified);
    // Without the verification gate everyone is eligible.
    sim::Scenario open = s;
    open.campaigns[0].requiresVerification = false;
    QCOMPARE(sim::countArrivals(open, arrivals).eligibleUsers, std::int64_t{10000});
}

void TestArrivals::firstUserDefaults() {
    const sim::Scenario s = scenario(R"({
        "campaigns": [{"id": "a", "stock": 1}, {"id": "b", "stock": 1}],
        "arrivals": [{"campaign": "a", "profile": "spike", "users": 100},
                     {"campaign": "b", "profile": "spike", "users": 30},
                     {"campaign": "a", "profile": "constant", "rps": 50, "over_ms": 1000},
                     {"campaign": "b", "profile": "spike", "users": 5, "first_user": 1000},
                     {"campaign": "b", "profile": "spike", "users": 10}]})");
    const auto arrivals = sim::generateArrivals(s);
    std::set<std::uint32_t> a;
    std::set<std::uint32_t> b;
    for (const Arrival& x : arrivals) (x.campaign == 0 ? a : b).insert(x.user);
    QCOMPARE(a.size(), std::size_t{150});
    QCOMPARE(*a.begin(), 1u);
    QCOMPARE(*a.rbegin(), 150u);  // the second block continues at 101
    std::set<std::uint32_t> expected;
    for (std::uint32_t u = 1; u <= 30; ++u) expected.insert(u);
    for (std::uint32_t u = 1000; u < 1005; ++u) expected.insert(u);
    // After an explicit block, the default counts users, not the highest number: 1 + 30 + 5.
    for (std::uint32_t u = 36; u < 46; ++u) expected.insert(u);
    QVERIFY(b == expected);
}

void TestArrivals::countsDistinctPairs() {
    const sim::Scenario s = scenario(R"({"seed": 11,
        "campaigns": [{"id": "a", "stock": 1}, {"id": "b", "stock": 1}],
        "arrivals": [{"campaign": "a", "profile": "spike", "users": 500},
                     {"campaign": "a", "profile": "spike", "users": 200, "first_user": 401},
                     {"campaign": "b", "profile": "spike", "users": 300}],
        "clients": {"duplicate_rate": 0.2, "retry_after_ms": 50, "retries": 2}})");
    const auto arrivals = sim::generateArrivals(s);
    const sim::ArrivalCounts counts = sim::countArrivals(s, arrivals);
    QCOMPARE(counts.submissions, static_cast<std::int64_t>(arrivals.size()));
    QVERIFY(counts.submissions > 1000);
    // Campaign a: users 1..600 (the second block overlaps 401..500); b: 1..300.
    QCOMPARE(counts.uniqueUsers, std::int64_t{900});
    QCOMPARE(counts.eligibleUsers, std::int64_t{900});
    QCOMPARE(sim::countArrivals(s, {}).uniqueUsers, std::int64_t{0});
}

void TestArrivals::millionUsers() {
    const sim::Scenario s =
        oneCampaign(R"({"campaign": "c", "profile": "spike", "users": 1000000, "over_ms": 10000})");
    QElapsedTimer timer;
    timer.start();
    const auto arrivals = sim::generateArrivals(s);
    const qint64 generateMs = timer.restart();
    const sim::ArrivalCounts counts = sim::countArrivals(s, arrivals);
    const qint64 countMs = timer.elapsed();
    QCOMPARE(arrivals.size(), std::size_t{1000000});
    QCOMPARE(counts.uniqueUsers, std::int64_t{1000000});
    QVERIFY(arrivals.front().atUs >= 0 && arrivals.back().atUs < 10'000'000);
    qInfo("generate %lld ms, count %lld ms", static_cast<long long>(generateMs),
          static_cast<long long>(countMs));
}

void TestArrivals::shippedSeedScenarios() {
    const auto load = [](const char* file) {
        const sim::ScenarioLoad l =
            sim::loadScenarioFile(std::string(STAMPEDE_SOURCE_DIR "/simulations/") + file);
        if (!l.ok()) qFatal("%s", l.error.toString().c_str());
        return *l.scenario;
    };
    const sim::Scenario seed1 = load("seed-001.json");
    const auto arrivals1 = sim::generateArrivals(seed1);
    QCOMPARE(arrivals1.size(), std::size_t{100});
    QVERIFY(arrivals1.back().atUs < 1'000'000);

    const sim::Scenario seed2 = load("seed-002.json");
    const auto arrivals2 = sim::generateArrivals(seed2);
    const sim::ArrivalCounts counts2 = sim::countArrivals(seed2, arrivals2);
    QCOMPARE(counts2.uniqueUsers, std::int64_t{1500});
    QVERIFY2(nearRate(counts2.submissions - 1500, 1500, 0.05),
             qPrintable(QString::number(counts2.submissions)));
    QVERIFY2(nearRate(1500 - counts2.eligibleUsers, 1500, 0.2),
             qPrintable(QString::number(counts2.eligibleUsers)));

    const sim::Scenario seed0 = load("seed-000.json");
    const sim::ArrivalCounts counts0 = sim::countArrivals(seed0, sim::generateArrivals(seed0));
    QCOMPARE(counts0.uniqueUsers, std::int64_t{4000});
    QCOMPARE(counts0.submissions, std::int64_t{4000});
}

QTEST_GUILESS_MAIN(TestArrivals)
#include "tst_arrivals.moc"
