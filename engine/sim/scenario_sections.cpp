// The sections of a scenario file, one reader each. Split from scenario_parser.cpp, which owns
// the document level (syntax, files, sizes).

#include "sim/scenario_sections.h"

#include <cmath>
#include <limits>
#include <unordered_map>
#include <utility>

#include "sim/block_sizes.h"
#include "stampede/guards/guard_registry.h"

namespace stampede::sim::detail {
namespace {

using json::FieldErrors;
using json::IntRange;
using json::Need;
using json::NumberRange;
using json::ObjectReader;

constexpr std::int64_t kInt64Max = std::numeric_limits<std::int64_t>::max();
constexpr IntRange kNonNegative{0, kInt64Max};
constexpr IntRange kTimeMs{0, kMaxTimeMs};
constexpr NumberRange kNonNegativeNumber{};
constexpr NumberRange kRate{0, 1};
constexpr NumberRange kPositiveTimeMs{0, static_cast<double>(kMaxTimeMs), true};
constexpr NumberRange kTimeMsNumber{0, static_cast<double>(kMaxTimeMs)};
constexpr std::int64_t kMaxCampaigns = 65535;  // Arrival::campaign is 16 bits
// First submissions are capped by kMaxArrivals; duplicates and retry storms multiply them, and
// this keeps the expanded list within a few gigabytes.
constexpr double kMaxSubmissions = 4.0 * static_cast<double>(kMaxArrivals);

template <typename E, typename... Es>
std::vector<std::string_view> namesOf(E first, Es... rest) {
    using core::toString;
    using sim::toString;
    return {toString(first), toString(rest)...};
}

// Built once: every block and campaign would otherwise build its vocabulary again.
const std::vector<std::string_view> kPolicies =
    namesOf(core::Policy::FirstCome, core::Policy::Lottery);
const std::vector<std::string_view> kProfiles =
    namesOf(Profile::Spike, Profile::Ramp, Profile::Constant, Profile::Poisson);
const std::vector<std::string_view> kDistributions =
    namesOf(core::DelayDistribution::Fixed, core::DelayDistribution::Uniform,
            core::DelayDistribution::Exponential);
const std::vector<std::string_view> kPipelines =
    namesOf(core::Pipeline::Sync, core::Pipeline::DecideAtIngress, core::Pipeline::DecideInWorker);
const std::vector<std::string_view> kTransports =
    namesOf(core::Transport::Inproc, core::Transport::Kafka);
const std::vector<std::string_view> kBackpressures =
    namesOf(core::Backpressure::Block, core::Backpressure::Shed);
const std::vector<std::string_view> kPaces = namesOf(core::Pace::Realtime, core::Pace::Asap);

std::string inQuotes(const std::string& text) {
    return "\"" + text + "\"";
}

std::string indexed(std::string_view array, qsizetype index) {
    return std::string(array) + "[" + std::to_string(index) + "]";
}

void parseCampaign(const QJsonObject& object, const std::string& path, FieldErrors& errors,
                   core::Campaign& c) {
    ObjectReader r(object, path, errors,
                   {"id", "name", "stock", "policy", "requires_verification", "one_issue_per_user",
                    "opens_after_ms", "closes_after_ms", "max_in_flight", "rate_limit_rps"});
    r.string("id", c.id, Need::Required, true);
    c.name = c.id;
    r.string("name", c.name);
    r.integer("stock", c.stock, kNonNegative, Need::Required);
    r.choice("policy", c.policy, core::parsePolicy, kPolicies);
    r.boolean("requires_verification", c.requiresVerification);
    r.boolean("one_issue_per_user", c.oneIssuePerUser);
    r.integer("opens_after_ms", c.opensAfterMs, kTimeMs);
    std::int64_t closes = 0;
    if (r.integer("closes_after_ms", closes, kTimeMs)) {
        if (closes <= c.opensAfterMs)
            r.fail("closes_after_ms", "must be greater than opens_after_ms (" +
                                          std::to_string(c.opensAfterMs) + "), got " +
                                          std::to_string(closes));
        c.closesAfterMs = closes;
    }
    r.integer("max_in_flight", c.maxInFlight, kNonNegative);
    r.number("rate_limit_rps", c.rateLimitRps, kNonNegativeNumber);
}
// Campaign ids to indices; a scenario may hold 65535 campaigns and many more blocks, so a
// linear Scenario::campaignIndex per block would be quadratic.
using CampaignIndex = std::unordered_map<std::string_view, std::size_t>;

CampaignIndex indexCampaigns(const Scenario& s) {
    CampaignIndex index;
    index.reserve(s.campaigns.size());
    for (std::size_t i = 0; i < s.campaigns.size(); ++i) index.emplace(s.campaigns[i].id, i);
    return index;
}

std::string campaignIds(const Scenario& s) {
    std::vector<std::string_view> ids;
    for (const auto& c : s.campaigns) ids.push_back(c.id);
    return json::joinNames(ids, 10);
}

void parseArrival(const QJsonObject& object, const std::string& path, FieldErrors& errors,
                  const Scenario& s, const CampaignIndex& campaigns, ArrivalSpec& a) {
    ObjectReader r(object, path, errors,
                   {"campaign", "profile", "users", "over_ms", "from_rps", "to_rps", "rps",
                    "start_ms", "first_user"});
    if (r.string("campaign", a.campaign, Need::Required, true) && !campaigns.contains(a.campaign))
        r.fail("campaign",
               "no campaign with id " + inQuotes(a.campaign) + " (ids: " + campaignIds(s) + ")");
    r.choice("profile", a.profile, parseProfile, kProfiles, Need::Required);
    if (r.failed()) return;

    const bool counted = a.profile == Profile::Spike || a.profile == Profile::Ramp;
    const bool ramp = a.profile == Profile::Ramp;
    const std::pair<std::string_view, bool> specific[] = {
        {"users", counted}, {"from_rps", ramp}, {"to_rps", ramp}, {"rps", !counted}};
    for (const auto& [key, used] : specific)
        if (!used && r.has(key))
            r.fail(key, "not used by profile " + std::string(toString(a.profile)));

    r.integer("users", a.users, {0, kMaxUserNumber}, counted ? Need::Required : Need::Optional);
    r.number("over_ms", a.overMs, kPositiveTimeMs);
    if (ramp) {
        r.number("from_rps", a.fromRps, kNonNegativeNumber, Need::Required);
        r.number("to_rps", a.toRps, kNonNegativeNumber, Need::Required);
        if (!r.failed() && a.fromRps == 0 && a.toRps == 0)
            r.fail("to_rps", "from_rps and to_rps are both 0; at least one must be > 0");
    }
    if (!counted) r.number("rps", a.rps, NumberRange{0, 1e300, true}, Need::Required);
    r.number("start_ms", a.startMs, kTimeMsNumber);
    std::int64_t first = 0;
    if (r.integer("first_user", first, {1, kMaxUserNumber})) a.firstUser = first;
}
std::string approxCount(double n) {
    return n < 9e18 ? std::to_string(std::llround(n)) : json::formatNumber(n);
}

}  // namespace

void parseCampaigns(const QJsonArray& array, FieldErrors& errors, Scenario& s) {
    if (array.isEmpty()) errors.fail("campaigns", "must not be empty");
    if (array.size() > kMaxCampaigns)
        errors.fail("campaigns", "at most " + std::to_string(kMaxCampaigns) +
                                     " campaigns are allowed, got " + std::to_string(array.size()));
    if (errors.failed()) return;
    s.campaigns.reserve(static_cast<std::size_t>(array.size()));
    std::unordered_map<std::string, qsizetype> seen;
    for (qsizetype i = 0; i < array.size() && !errors.failed(); ++i) {
        const std::string path = indexed("campaigns", i);
        const QJsonValue value = array.at(i);
        if (!value.isObject()) {
            errors.fail(path, "expected an object, got " + json::typeName(value));
            return;
        }
        core::Campaign c;
        parseCampaign(value.toObject(), path, errors, c);
        if (errors.failed()) return;
        const auto [it, fresh] = seen.emplace(c.id, i);
        if (!fresh) {
            errors.fail(path + ".id", "duplicate campaign id " + inQuotes(c.id) + " (also " +
                                          indexed("campaigns", it->second) + ")");
            return;
        }
        s.campaigns.push_back(std::move(c));
    }
}

void parseArrivals(const QJsonArray& array, FieldErrors& errors, Scenario& s) {
    s.arrivals.reserve(static_cast<std::size_t>(array.size()));
    const CampaignIndex campaigns = indexCampaigns(s);
    for (qsizetype i = 0; i < array.size() && !errors.failed(); ++i) {
        const std::string path = indexed("arrivals", i);
        const QJsonValue value = array.at(i);
        if (!value.isObject()) {
            errors.fail(path, "expected an object, got " + json::typeName(value));
            return;
        }
        ArrivalSpec a;
        parseArrival(value.toObject(), path, errors, s, campaigns, a);
        s.arrivals.push_back(std::move(a));
    }
}

void parseClients(const QJsonObject& object, FieldErrors& errors, ClientBehaviour& c) {
    ObjectReader r(
        object, "clients", errors,
        {"duplicate_rate", "retry_after_ms", "retry_rate", "retries", "unverified_rate"});
    r.number("duplicate_rate", c.duplicateRate, kRate);
    r.integer("retry_after_ms", c.retryAfterMs, kTimeMs);
    r.number("retry_rate", c.retryRate, kRate);
    r.integer("retries", c.retries, {0, 100});
    r.number("unverified_rate", c.unverifiedRate, kRate);
}

void parseFaults(const QJsonObject& object, FieldErrors& errors, core::FaultConfig& f) {
    ObjectReader r(object, "faults", errors,
                   {"transient_failure_rate", "permanent_failure_rate", "processing_delay_us",
                    "processing_delay_distribution", "worker_crashes"});
    r.number("transient_failure_rate", f.transientFailureRate, kRate);
    r.number("permanent_failure_rate", f.permanentFailureRate, kRate);
    const double sum = f.transientFailureRate + f.permanentFailureRate;
    if (!r.failed() && sum > 1.0 + 1e-12)
        r.fail("permanent_failure_rate",
               "transient_failure_rate + permanent_failure_rate must be <= 1, got " +
                   json::formatNumber(sum));
    r.integer("processing_delay_us", f.processingDelayUs, kTimeMs);
    r.choice("processing_delay_distribution", f.delayDistribution, core::parseDelayDistribution,
             kDistributions);
    r.integer("worker_crashes", f.workerCrashes, {0, 1000});
}

void parseRun(const QJsonObject& object, FieldErrors& errors, core::RunConfig& run) {
    ObjectReader r(object, "run", errors,
                   {"pipeline", "guard", "transport", "workers", "partitions", "max_attempts",
                    "queue_capacity", "backpressure", "retry_backoff_ms", "retry_backoff_max_ms",
                    "pace", "db_pool"});
    r.choice("pipeline", run.pipeline, core::parsePipeline, kPipelines);
    if (r.string("guard", run.guard) && !guards::findGuard(run.guard))
        r.fail("guard",
               "unknown guard " + inQuotes(run.guard) + " (known: " + guards::guardNames() + ")");
    r.choice("transport", run.transport, core::parseTransport, kTransports);
    r.integer("workers", run.workers, {1, 256});
    r.integer("partitions", run.partitions, {1, 1024});
    r.integer("max_attempts", run.maxAttempts, {1, 100});
    r.integer("queue_capacity", run.queueCapacity, {16, 16777216});
    r.choice("backpressure", run.backpressure, core::parseBackpressure, kBackpressures);
    r.number("retry_backoff_ms", run.retryBackoffMs, kTimeMsNumber);
    r.number("retry_backoff_max_ms", run.retryBackoffMaxMs, kTimeMsNumber);
    if (!r.failed() && run.retryBackoffMaxMs < run.retryBackoffMs)
        r.fail("retry_backoff_max_ms", "must be >= retry_backoff_ms (" +
                                           json::formatNumber(run.retryBackoffMs) + "), got " +
                                           json::formatNumber(run.retryBackoffMaxMs) +
                                           (r.has("retry_backoff_max_ms") ? "" : " (the default)"));
    r.choice("pace", run.pace, core::parsePace, kPaces);
    r.integer("db_pool", run.dbPool, {0, 1024});
}

// Uses the same block sizes as the generator (block_sizes.h), so that an accepted scenario can
// never run out of user numbers.
void checkLimits(const Scenario& s, FieldErrors& errors) {
    double total = 0;
    std::vector<std::int64_t> usedPerCampaign(s.campaigns.size(), 0);
    const CampaignIndex campaigns = indexCampaigns(s);
    for (std::size_t i = 0; i < s.arrivals.size(); ++i) {
        const ArrivalSpec& a = s.arrivals[i];
        const bool counted = a.profile == Profile::Spike || a.profile == Profile::Ramp;
        const auto field = [&](std::string_view key) {
            return indexed("arrivals", static_cast<qsizetype>(i)) + "." + std::string(key);
        };
        const std::string_view sizeKey = counted ? "users" : "rps";
        total += expectedUsers(a);
        if (total > static_cast<double>(kMaxArrivals)) {
            errors.fail(field(sizeKey),
                        "the scenario would make about " + approxCount(total) +
                            " first submissions up to here, more than the limit of " +
                            std::to_string(kMaxArrivals));
            return;
        }
        const auto found = campaigns.find(a.campaign);
        if (found == campaigns.end()) continue;  // already reported by parseArrival
        const std::size_t campaign = found->second;
        const std::int64_t users = maxUsers(a);
        const std::int64_t first = a.firstUser.value_or(1 + usedPerCampaign[campaign]);
        usedPerCampaign[campaign] += users;
        if (first + users > kMaxUserNumber) {
            errors.fail(field(a.firstUser ? "first_user" : sizeKey),
                        "user numbers run out: first user " + std::to_string(first) +
                            (a.firstUser ? "" : " (the default)") + " plus " +
                            (counted ? "" : "up to ") + std::to_string(users) +
                            " users is more than " + std::to_string(kMaxUserNumber));
            return;
        }
    }
    const ClientBehaviour& c = s.clients;
    const double perUser =
        1.0 + c.duplicateRate + (c.retryAfterMs > 0 ? c.retryRate * c.retries : 0.0);
    if (total * perUser > kMaxSubmissions)
        errors.fail("clients",
                    "duplicates and retries would make about " + approxCount(total * perUser) +
                        " submissions, more than the limit of " + approxCount(kMaxSubmissions));
}

}  // namespace stampede::sim::detail
