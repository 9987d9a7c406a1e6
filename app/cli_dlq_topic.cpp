// `stampede-cli dlq list|replay --kafka … --topic …`: a Kafka run's dead-letter topic after the
// run, read back with the marks of its replays, and replayed against the run's shared stock
// (backends/kafka/dead_letter_replay.h says why that never issues twice).

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <chrono>
#include <cstdio>

#include "cli_commands.h"
#include "cli_live.h"
#include "stampede/live/dead_letter_source.h"
#include "stampede/live/start_options.h"

namespace stampede::cli {
namespace {

QString qs(const std::string& s) {
    return QString::fromStdString(s);
}

int fail(const char* what, const std::string& error, int status = kExitBadInput) {
    std::fprintf(stderr, "stampede-cli dlq %s: %s\n", what, error.c_str());
    return status;
}

int listTopic(const CliOptions& o, const live::LiveSystems& systems) {
    std::string error;
    const auto topic = live::readTopicOverview(systems.kafka, *o.topic, error);
    if (!topic) return fail("list", error);
    const auto stateText = [](const live::ListedDeadLetter& e) {
        return e.state == "pending" ? QJsonValue(QJsonValue::Null) : QJsonValue(qs(e.state));
    };
    if (o.json) {
        QJsonArray array;
        for (const live::ListedDeadLetter& e : topic->all) {
            QJsonObject j =
                QJsonDocument::fromJson(QByteArray::fromStdString(dlq::toJson(e.letter))).object();
            j[QStringLiteral("replayed")] = stateText(e);
            array.append(j);
        }
        const QJsonObject doc{{QStringLiteral("topic"), qs(*o.topic)},
                              {QStringLiteral("guard"), qs(topic->guard)},
                              {QStringLiteral("pending"), qint64(topic->pending.size())},
                              {QStringLiteral("dead_letters"), array}};
        if (!writeOutput(*o.json, QJsonDocument(doc).toJson().toStdString(), error))
            return fail("list", error, kExitInternal);
        return kExitOk;
    }
    std::printf("%-10s %-14s %-12s %-22s %8s  %-13s %s\n", "request", "campaign", "user", "reason",
                "attempts", "replayed", "last error");
    for (const live::ListedDeadLetter& e : topic->all)
        std::printf("%-10u %-14s %-12s %-22s %8d  %-13s %s\n", e.letter.requestId,
                    e.letter.campaignId.c_str(), e.letter.userName().c_str(),
                    e.letter.reason.c_str(), e.letter.attempts, e.state.c_str(),
                    e.letter.lastError().c_str());
    std::printf("%zu dead letters in %s, %zu pending\n", topic->all.size(), o.topic->c_str(),
                topic->pending.size());
    return kExitOk;
}

int replayTopic(const CliOptions& o, const live::LiveSystems& systems) {
    std::string error;
    std::vector<core::RequestId> ids;
    if (o.ids) {
        const auto parsed = parseRequestIds(*o.ids, error);
        if (!parsed) return fail("replay", error);
        ids = *parsed;
    }
    const auto source =
        live::topicDeadLetters(systems.kafka, *o.topic, live::liveGuardFactory(systems));
    auto job = source->replay(ids, o.rate.value_or(0), error);
    if (!job) return fail("replay", error);
    while (!job->wait(std::chrono::milliseconds(250))) {
        const auto p = job->progress();
        if (!o.quiet)
            std::fprintf(stderr, "\rreplayed %lld of %lld ", static_cast<long long>(p.sent),
                         static_cast<long long>(p.total));
    }
    const auto p = job->progress();
    const ReplayOutcome& out = p.outcome;
    if (!o.quiet && p.total > 0) std::fputc('\n', stderr);
    // Nothing decided: the replay could not start (the topic, the guard, its backend).
    if (!out.error.empty() && p.sent == 0) return fail("replay", out.error);
    if (o.json) {
        const QJsonObject j{{QStringLiteral("topic"), qs(*o.topic)},
                            {QStringLiteral("guard"), qs(out.guard)},
                            {QStringLiteral("pending_before"), qint64(p.total)},
                            {QStringLiteral("replayed"), qint64(p.accepted)},
                            {QStringLiteral("issued"), qint64(out.issued)},
                            {QStringLiteral("already_held"), qint64(out.alreadyHeld)},
                            {QStringLiteral("sold_out"), qint64(out.soldOut)},
                            {QStringLiteral("failed"), qint64(out.failed)},
                            {QStringLiteral("skipped"), qint64(p.skipped)},
                            {QStringLiteral("error"), qs(out.error)}};
        if (!writeOutput(*o.json, QJsonDocument(j).toJson().toStdString(), error))
            return fail("replay", error, kExitInternal);
    }
    if (o.json && *o.json == "-") {
        // the JSON is the output
    } else if (p.total == 0) {
        std::printf("nothing pending in %s%s\n", o.topic->c_str(),
                    p.skipped ? " among the ids given" : "");
    } else {
        std::printf(
            "replayed %lld of %lld pending dead letters of %s (guard %s): %lld issued, %lld "
            "already held, %lld sold out, %lld failed and still pending\n",
            static_cast<long long>(p.accepted), static_cast<long long>(p.total), o.topic->c_str(),
            out.guard.c_str(), static_cast<long long>(out.issued),
            static_cast<long long>(out.alreadyHeld), static_cast<long long>(out.soldOut),
            static_cast<long long>(out.failed));
    }
    if (!out.error.empty()) return fail("replay", out.error, kExitInternal);
    if (out.failed > 0)
        return fail("replay",
                    std::to_string(out.failed) +
                        " entries could not be decided (the backend stayed unavailable); "
                        "they stay pending: replay again",
                    kExitInternal);
    return kExitOk;
}

}  // namespace

int dlqTopicCommand(const CliOptions& o) {
    const std::string& what = o.positional[0];
    const auto systems = liveSystemsOrReport(o, "dlq");
    if (!systems) return kExitBadInput;
    if (!o.topic)
        return fail(what.c_str(),
                    "--kafka needs --topic DLT (the run's dead-letter topic, in its summary's "
                    "transport_stats)");
    if (what == "list") return listTopic(o, *systems);
    if (what == "replay") return replayTopic(o, *systems);
    std::string error;
    live::topicDeadLetters(systems->kafka, *o.topic, {})->purge({}, error);
    return fail(what.c_str(), error);
}

}  // namespace stampede::cli
