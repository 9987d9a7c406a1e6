#include "stampede/report/summary_json.h"

#include "stampede/report/race_witnesses.h"

#include <QJsonArray>

#include <cstdio>
#include <sstream>

namespace stampede::report {
namespace {

QString qs(std::string_view s) {
    return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size()));
}

double ms(std::uint64_t ns) {
    return static_cast<double>(ns) / 1e6;
}

QJsonObject latencyJson(const metrics::LatencyHistogram& h) {
    QJsonObject o;
    o[QStringLiteral("p50")] = ms(h.percentile(0.50));
    o[QStringLiteral("p95")] = ms(h.percentile(0.95));
    o[QStringLiteral("p99")] = ms(h.percentile(0.99));
    o[QStringLiteral("max")] = ms(h.max());
    o[QStringLiteral("count")] = static_cast<qint64>(h.count());
    return o;
}

QJsonObject statesJson(const StateCounts& states) {
    QJsonObject o;
    for (auto s : core::kAllStates) o[qs(core::toString(s))] = qint64(states[std::size_t(s)]);
    return o;
}

QJsonObject reasonsJson(const ReasonCounts& reasons) {
    QJsonObject o;
    for (int r = 1; r < core::kReasonCount; ++r)
        o[qs(core::toString(core::RejectReason(r)))] = qint64(reasons[std::size_t(r)]);
    return o;
}

}  // namespace

std::vector<std::string> summaryWarnings(const Snapshot& s) {
    std::vector<std::string> out;
    if (s.overIssued > 0)
        out.push_back("OVER-ISSUED: " + std::to_string(s.overIssued) +
                      " issued beyond stock with guard '" + s.run.guard + "'" +
                      (s.run.guardRacesOnPurpose ? " (it races on purpose)" : ""));
    if (s.underIssued > 0)
        out.push_back("UNDER-ISSUED: " + std::to_string(s.underIssued) +
                      " units left while requests were refused as sold out");
    if (s.finals != s.admitted)
        out.push_back("UNFINISHED: " + std::to_string(s.admitted - s.finals) +
                      " admitted requests are not final");
    if (!s.backend.caution.empty()) out.push_back("BACKEND: " + s.backend.caution);
    for (const CampaignSnapshot& c : s.campaigns)
        if (c.stockLost)
            out.push_back("STOCK LOST: campaign '" + c.id + "': its stock is gone from the " +
                          s.backend.kind + " the run decided on; nothing more was decided for it");
    if (s.unreconciled > 0)
        out.push_back("UNRECONCILED: " + std::to_string(s.unreconciled) +
                      " dead letters could not be checked against the guard's ledger (it did not "
                      "answer): a unit may be held for them there; a DLQ replay against the same "
                      "stock finds it");
    if (s.dlqSize > 0)
        out.push_back("DLQ: " + std::to_string(s.dlqSize) +
                      " requests wait in the dead-letter queue");
    if (s.transport.lostMessages > 0)
        out.push_back(
            "TRANSPORT LOSS: " + std::to_string(s.transport.lostMessages) +
            " messages were lost by the log (dropped before they were consumed, or acknowledged "
            "and never written); " +
            std::to_string(s.transport.resent) + " waiting requests were sent again");
    if (s.transport.produceFailures > 0)
        out.push_back("TRANSPORT FAILURES: " + std::to_string(s.transport.produceFailures) +
                      " requests could not be delivered; they went to the DLQ");
    return out;
}

QJsonObject summaryJson(const Snapshot& s) {
    QJsonObject o;
    o[QStringLiteral("scenario")] = qs(s.run.scenarioName);
    o[QStringLiteral("status")] = qs(toString(s.status));
    o[QStringLiteral("pipeline")] = qs(core::toString(s.run.pipeline));
    o[QStringLiteral("guard")] = qs(s.run.guard);
    o[QStringLiteral("transport")] = qs(core::toString(s.run.transport));
    o[QStringLiteral("workers")] = s.run.workers;
    o[QStringLiteral("partitions")] = s.run.partitions;
    o[QStringLiteral("seed")] = static_cast<qint64>(s.run.seed);
    o[QStringLiteral("requests")] = qint64(s.requests);
    o[QStringLiteral("admitted")] = qint64(s.admitted);
    o[QStringLiteral("duplicates")] = qint64(s.duplicates);
    o[QStringLiteral("stock")] = qint64(s.stock);
    o[QStringLiteral("issued")] = qint64(s.issued);
    o[QStringLiteral("remaining")] = qint64(s.remaining);
    o[QStringLiteral("over_issued")] = qint64(s.overIssued);
    o[QStringLiteral("under_issued")] = qint64(s.underIssued);
    o[QStringLiteral("fairness_inversions")] = qint64(s.fairnessInversions);
    o[QStringLiteral("fairness_inversions_operator")] = qint64(s.operatorInversions);
    o[QStringLiteral("winners_sha256")] = qs(s.winnersSha256);
    o[QStringLiteral("race_witnesses")] = raceWitnessesJson(s);
    o[QStringLiteral("states")] = statesJson(s.states);
    o[QStringLiteral("rejected_by_reason")] = reasonsJson(s.rejected);
    o[QStringLiteral("dlq")] = qint64(s.dlqSize);
    o[QStringLiteral("dead_lettered")] = qint64(s.deadLettered);
    o[QStringLiteral("replayed")] = qint64(s.replayed);
    o[QStringLiteral("retries")] = qint64(s.retries);
    o[QStringLiteral("redeliveries")] = qint64(s.redeliveries);
    o[QStringLiteral("worker_crashes")] = qint64(s.workerCrashes);
    QJsonObject latency;
    latency[QStringLiteral("queue")] = latencyJson(s.queueWait);
    latency[QStringLiteral("processing")] = latencyJson(s.processing);
    latency[QStringLiteral("e2e")] = latencyJson(s.endToEnd);
    o[QStringLiteral("latency_ms")] = latency;
    o[QStringLiteral("throughput_rps")] = s.throughputRps;
    o[QStringLiteral("wall_s")] = s.wallS;

    QJsonArray campaigns;
    for (const auto& c : s.campaigns) {
        QJsonObject co;
        co[QStringLiteral("id")] = qs(c.id);
        co[QStringLiteral("policy")] = qs(core::toString(c.policy));
        co[QStringLiteral("stock")] = qint64(c.stock);
        co[QStringLiteral("issued")] = qint64(c.issued);
        co[QStringLiteral("remaining")] = qint64(c.remaining);
        co[QStringLiteral("stock_lost")] = c.stockLost;
        co[QStringLiteral("requests")] = qint64(c.requests);
        co[QStringLiteral("admitted")] = qint64(c.admitted);
        co[QStringLiteral("duplicates")] = qint64(c.duplicates);
        co[QStringLiteral("over_issued")] = qint64(c.overIssued);
        co[QStringLiteral("under_issued")] = qint64(c.underIssued);
        co[QStringLiteral("fairness_inversions")] = qint64(c.fairnessInversions);
        co[QStringLiteral("fairness_inversions_operator")] = qint64(c.operatorInversions);
        co[QStringLiteral("winners_sha256")] = qs(c.winnersSha256);
        co[QStringLiteral("states")] = statesJson(c.states);
        co[QStringLiteral("rejected_by_reason")] = reasonsJson(c.rejected);
        if (c.policy == core::Policy::Lottery)
            co[QStringLiteral("lottery_seed")] = QString::number(c.lotterySeed);
        campaigns.append(co);
    }
    o[QStringLiteral("campaigns")] = campaigns;
    if (!s.backend.kind.empty())
        o[QStringLiteral("backend")] = QJsonObject{
            {QStringLiteral("kind"), qs(s.backend.kind)},
            {QStringLiteral("round_trips"), qint64(s.backend.roundTrips)},
            {QStringLiteral("errors"), qint64(s.backend.errors)},
            {QStringLiteral("reconnects"), qint64(s.backend.reconnects)},
            {QStringLiteral("round_trip_p95_ms"), s.backend.roundTripP95Ms},
            {QStringLiteral("pool_wait_p95_ms"), s.backend.waitP95Ms},
            {QStringLiteral("pool"),
             QJsonObject{
                 {QStringLiteral("connections"), s.backend.connections},
                 {QStringLiteral("busy"), s.backend.busy},
                 {QStringLiteral("idle"), std::max(0, s.backend.connections - s.backend.busy)},
                 {QStringLiteral("busy_peak"), s.backend.busyPeak},
                 {QStringLiteral("waiting"), s.backend.waiting},
                 {QStringLiteral("waiting_peak"), s.backend.waitingPeak}}},
            {QStringLiteral("detail"), qs(s.backend.detail)},
            {QStringLiteral("caution"),
             s.backend.caution.empty() ? QJsonValue(QJsonValue::Null) : qs(s.backend.caution)}};
    if (const transport::TransportStats& t = s.transport; !t.kind.empty())
        o[QStringLiteral("transport_stats")] =
            QJsonObject{{QStringLiteral("kind"), qs(t.kind)},
                        {QStringLiteral("detail"), qs(t.detail)},
                        {QStringLiteral("produced"), qint64(t.produced)},
                        {QStringLiteral("consumed"), qint64(t.consumed)},
                        {QStringLiteral("acknowledged"), qint64(t.acknowledged)},
                        {QStringLiteral("redelivered"), qint64(t.redelivered)},
                        {QStringLiteral("produce_failures"), qint64(t.produceFailures)},
                        {QStringLiteral("lost_messages"), qint64(t.lostMessages)},
                        {QStringLiteral("resent"), qint64(t.resent)},
                        {QStringLiteral("max_lead"), qint64(t.maxLead)},
                        {QStringLiteral("lead_bound"), qint64(t.leadBound)},
                        {QStringLiteral("errors"), qint64(t.errors)}};
    QJsonArray warnings;
    for (const auto& w : summaryWarnings(s)) warnings.append(qs(w));
    o[QStringLiteral("warnings")] = warnings;
    // Why the run could not decide everything it admitted: a run with one failed.
    o[QStringLiteral("reconciled")] = qint64(s.reconciled);
    o[QStringLiteral("unreconciled")] = qint64(s.unreconciled);
    o[QStringLiteral("error")] = s.failure.empty() ? QJsonValue(QJsonValue::Null) : qs(s.failure);
    return o;
}

std::string summaryText(const Snapshot& s) {
    std::ostringstream out;
    char line[256];
    out << "scenario  " << s.run.scenarioName << "\n";
    out << "run       " << core::toString(s.run.pipeline) << " / " << s.run.guard << " / "
        << core::toString(s.run.transport) << ", " << s.run.workers << " workers, "
        << s.run.partitions << " partitions, seed " << s.run.seed << "\n";
    std::snprintf(line, sizeof line,
                  "requests  %lld (admitted %lld, duplicates %lld) in %.3f s, %.0f req/s\n",
                  static_cast<long long>(s.requests), static_cast<long long>(s.admitted),
                  static_cast<long long>(s.duplicates), s.wallS, s.throughputRps);
    out << line;
    std::snprintf(line, sizeof line,
                  "stock     %lld, issued %lld, over-issued %lld, under-issued %lld, fairness "
                  "inversions %lld\n",
                  static_cast<long long>(s.stock), static_cast<long long>(s.issued),
                  static_cast<long long>(s.overIssued), static_cast<long long>(s.underIssued),
                  static_cast<long long>(s.fairnessInversions));
    out << line;
    out << "states   ";
    for (auto st : core::kAllStates)
        out << " " << core::toString(st) << "=" << s.states[std::size_t(st)];
    out << "\nrejected ";
    for (int r = 1; r < core::kReasonCount; ++r)
        out << " " << core::toString(core::RejectReason(r)) << "=" << s.rejected[std::size_t(r)];
    std::snprintf(line, sizeof line,
                  "\nlatency   e2e p50 %.3f ms, p95 %.3f ms, p99 %.3f ms, max %.3f ms; queue p95 "
                  "%.3f ms; processing p95 %.3f ms\n",
                  ms(s.endToEnd.percentile(0.5)), ms(s.endToEnd.percentile(0.95)),
                  ms(s.endToEnd.percentile(0.99)), ms(s.endToEnd.max()),
                  ms(s.queueWait.percentile(0.95)), ms(s.processing.percentile(0.95)));
    out << line;
    out << "dlq       " << s.dlqSize << " (retries " << s.retries << ", redeliveries "
        << s.redeliveries << ")\n";
    if (s.reconciled > 0)
        out << "reconciled " << s.reconciled
            << " dead letters found issued in the guard's ledger (their answer was lost)\n";
    out << "winners   sha256 " << s.winnersSha256 << "\n";
    for (const guards::RaceWitness& w : s.raceWitnesses)
        out << "RACE      " << raceWitnessText(s, w) << "\n";
    for (const auto& w : summaryWarnings(s)) out << "WARNING   " << w << "\n";
    if (!s.failure.empty()) out << "ERROR     " << s.failure << "\n";
    return out.str();
}

}  // namespace stampede::report
