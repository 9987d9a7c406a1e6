#include "stampede/report/race_witnesses.h"

#include <QJsonObject>

#include <cstdio>

namespace stampede::report {
namespace {

double ms(std::int64_t ns) {
    return static_cast<double>(ns) / 1e6;
}

QJsonObject decisionJson(const guards::RaceDecision& d) {
    return {{d.atIngress ? QStringLiteral("feeder") : QStringLiteral("worker"), d.worker},
            {QStringLiteral("read_at_ms"), ms(d.readNs)},
            {QStringLiteral("read"), qint64(d.valueRead)},
            {QStringLiteral("wrote_at_ms"), ms(d.writeNs)},
            {QStringLiteral("wrote"), qint64(d.valueWritten)}};
}

std::string decider(const guards::RaceDecision& d) {
    return (d.atIngress ? "feeder " : "worker ") + std::to_string(d.worker);
}

std::string campaignId(const Snapshot& s, int campaign) {
    if (campaign >= 0 && std::size_t(campaign) < s.campaigns.size())
        return s.campaigns[std::size_t(campaign)].id;
    return std::to_string(campaign);
}

}  // namespace

QJsonArray raceWitnessesJson(const Snapshot& s) {
    QJsonArray out;
    for (const guards::RaceWitness& w : s.raceWitnesses)
        out.append(QJsonObject{
            {QStringLiteral("campaign"), QString::fromStdString(campaignId(s, w.campaign))},
            {QStringLiteral("first"), decisionJson(w.first)},
            {QStringLiteral("second"), decisionJson(w.second)}});
    return out;
}

std::string raceWitnessText(const Snapshot& s, const guards::RaceWitness& w) {
    const bool lostUpdate = w.first.valueWritten == w.second.valueWritten;
    char line[320];
    std::snprintf(
        line, sizeof line,
        "%s: %s and %s both read %lld (at %.3f and %.3f ms) before either "
        "wrote; they wrote %lld and %lld (at %.3f and %.3f ms): %s",
        campaignId(s, w.campaign).c_str(), decider(w.first).c_str(), decider(w.second).c_str(),
        static_cast<long long>(w.first.valueRead), ms(w.first.readNs), ms(w.second.readNs),
        static_cast<long long>(w.first.valueWritten), static_cast<long long>(w.second.valueWritten),
        ms(w.first.writeNs), ms(w.second.writeNs),
        lostUpdate ? "one unit issued twice" : "the count went below zero");
    return line;
}

}  // namespace stampede::report
