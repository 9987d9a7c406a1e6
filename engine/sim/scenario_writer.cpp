// Writing scenarios back as JSON: every field, defaults included, so a saved file documents the
// exact run and reads back equal (parseScenario(toJson(s)) == s).

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <limits>

#include "sim/json_fields.h"
#include "stampede/sim/scenario.h"

namespace stampede::sim {
namespace {

using json::latin1;

QJsonValue text(std::string_view value) {
    return QString::fromUtf8(value.data(), static_cast<qsizetype>(value.size()));
}

void put(QJsonObject& object, std::string_view key, const QJsonValue& value) {
    object.insert(latin1(key), value);
}

void putInt(QJsonObject& object, std::string_view key, std::int64_t value) {
    put(object, key, QJsonValue(static_cast<qint64>(value)));
}

QJsonObject campaignJson(const core::Campaign& c) {
    QJsonObject o;
    put(o, "id", text(c.id));
    put(o, "name", text(c.name));
    putInt(o, "stock", c.stock);
    put(o, "policy", text(core::toString(c.policy)));
    put(o, "requires_verification", c.requiresVerification);
    put(o, "one_issue_per_user", c.oneIssuePerUser);
    putInt(o, "opens_after_ms", c.opensAfterMs);
    if (c.closesAfterMs) putInt(o, "closes_after_ms", *c.closesAfterMs);
    putInt(o, "max_in_flight", c.maxInFlight);
    put(o, "rate_limit_rps", c.rateLimitRps);
    return o;
}

// Only the keys the block's profile uses: the others are errors when read back.
QJsonObject arrivalJson(const ArrivalSpec& a) {
    QJsonObject o;
    put(o, "campaign", text(a.campaign));
    put(o, "profile", text(toString(a.profile)));
    switch (a.profile) {
        case Profile::Ramp:
            put(o, "from_rps", a.fromRps);
            put(o, "to_rps", a.toRps);
            [[fallthrough]];
        case Profile::Spike:
            putInt(o, "users", a.users);
            break;
        case Profile::Constant:
        case Profile::Poisson:
            put(o, "rps", a.rps);
            break;
    }
    put(o, "over_ms", a.overMs);
    put(o, "start_ms", a.startMs);
    if (a.firstUser) putInt(o, "first_user", *a.firstUser);
    return o;
}

QJsonObject clientsJson(const ClientBehaviour& c) {
    QJsonObject o;
    put(o, "duplicate_rate", c.duplicateRate);
    putInt(o, "retry_after_ms", c.retryAfterMs);
    put(o, "retry_rate", c.retryRate);
    putInt(o, "retries", c.retries);
    put(o, "unverified_rate", c.unverifiedRate);
    return o;
}

QJsonObject faultsJson(const core::FaultConfig& f) {
    QJsonObject o;
    put(o, "transient_failure_rate", f.transientFailureRate);
    put(o, "permanent_failure_rate", f.permanentFailureRate);
    putInt(o, "processing_delay_us", f.processingDelayUs);
    put(o, "processing_delay_distribution", text(core::toString(f.delayDistribution)));
    putInt(o, "worker_crashes", f.workerCrashes);
    return o;
}

QJsonObject runJson(const core::RunConfig& r) {
    QJsonObject o;
    put(o, "pipeline", text(core::toString(r.pipeline)));
    put(o, "guard", text(r.guard));
    put(o, "transport", text(core::toString(r.transport)));
    putInt(o, "workers", r.workers);
    putInt(o, "partitions", r.partitions);
    putInt(o, "max_attempts", r.maxAttempts);
    putInt(o, "queue_capacity", r.queueCapacity);
    put(o, "backpressure", text(core::toString(r.backpressure)));
    put(o, "retry_backoff_ms", r.retryBackoffMs);
    put(o, "retry_backoff_max_ms", r.retryBackoffMaxMs);
    put(o, "pace", text(core::toString(r.pace)));
    if (r.dbPool > 0) putInt(o, "db_pool", r.dbPool);
    return o;
}

}  // namespace

std::string toJson(const Scenario& s) {
    QJsonObject top;
    put(top, "name", text(s.name));
    put(top, "description", text(s.description));
    // The parser takes seeds up to 2^63-1; a larger one (only from code) is written as a double
    // and will not read back.
    if (s.seed <= static_cast<std::uint64_t>(std::numeric_limits<qint64>::max()))
        putInt(top, "seed", static_cast<std::int64_t>(s.seed));
    else
        put(top, "seed", static_cast<double>(s.seed));
    QJsonArray campaigns;
    for (const auto& c : s.campaigns) campaigns.append(campaignJson(c));
    put(top, "campaigns", campaigns);
    QJsonArray arrivals;
    for (const auto& a : s.arrivals) arrivals.append(arrivalJson(a));
    put(top, "arrivals", arrivals);
    put(top, "clients", clientsJson(s.clients));
    put(top, "faults", faultsJson(s.faults));
    put(top, "run", runJson(s.run));
    return QJsonDocument(top).toJson(QJsonDocument::Indented).toStdString();
}

}  // namespace stampede::sim
