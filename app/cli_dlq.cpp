// `stampede-cli dlq list|purge|replay`: the dead-letter queue as the store keeps it, so it
// survives the process that filled it.

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <chrono>
#include <cstdio>
#include <map>
#include <sstream>
#include <thread>

#include "cli_commands.h"
#include "cli_store.h"
#include "stampede/live/dead_letter_source.h"

namespace stampede::cli {

std::optional<std::vector<core::RequestId>> parseRequestIds(const std::string& text,
                                                            std::string& error) {
    std::vector<core::RequestId> ids;
    std::stringstream in(text);
    std::string item;
    while (std::getline(in, item, ',')) {
        char* end = nullptr;
        const long long v = std::strtoll(item.c_str(), &end, 10);
        if (item.empty() || *end != '\0' || v < 0 || v > 0xFFFFFFFFLL) {
            error = "--ids: '" + item + "' is not a request id";
            return std::nullopt;
        }
        ids.push_back(static_cast<core::RequestId>(v));
    }
    return ids;
}

namespace {

QString qs(const std::string& s) {
    return QString::fromStdString(s);
}

int list(const CliOptions& o, live::DeadLetterSource& source) {
    std::string why;
    const auto listed = source.list({}, false, why);
    if (!listed) {
        std::fprintf(stderr, "stampede-cli dlq list: %s\n", why.c_str());
        return kExitInternal;
    }
    const auto& letters = *listed;
    if (o.json) {
        QJsonArray array;
        for (const auto& s : letters) {
            QJsonObject e;
            e[QStringLiteral("run_id")] = static_cast<qint64>(s.runId);
            e[QStringLiteral("request_id")] = static_cast<qint64>(s.letter.requestId);
            e[QStringLiteral("campaign")] = qs(s.letter.campaignId);
            e[QStringLiteral("user")] = qs(s.letter.userName());
            e[QStringLiteral("reason")] = qs(s.letter.reason);
            e[QStringLiteral("attempts")] = s.letter.attempts;
            e[QStringLiteral("last_error")] = qs(s.letter.lastError());
            e[QStringLiteral("dead_lettered_ms")] =
                static_cast<double>(s.letter.deadLetteredNs) / 1e6;
            e[QStringLiteral("payload")] =
                QJsonDocument::fromJson(QByteArray::fromStdString(s.letter.payload)).object();
            array.append(e);
        }
        std::string error;
        if (!writeOutput(*o.json,
                         QJsonDocument(QJsonObject{{QStringLiteral("dead_letters"), array}})
                             .toJson()
                             .toStdString(),
                         error)) {
            std::fprintf(stderr, "stampede-cli: %s\n", error.c_str());
            return kExitInternal;
        }
        return kExitOk;
    }
    std::printf("%-6s %-10s %-16s %-16s %-20s %-8s %s\n", "run", "request", "campaign", "user",
                "reason", "attempts", "last error");
    for (const auto& s : letters)
        std::printf("%-6lld %-10u %-16s %-16s %-20s %-8d %s\n", static_cast<long long>(s.runId),
                    s.letter.requestId, s.letter.campaignId.c_str(), s.letter.userName().c_str(),
                    s.letter.reason.c_str(), s.letter.attempts, s.letter.lastError().c_str());
    std::printf("%zu pending dead letters\n", letters.size());
    return kExitOk;
}

int purge(const CliOptions& o, live::DeadLetterSource& source) {
    std::vector<core::RequestId> ids;
    std::string error;
    if (o.ids) {
        const auto wanted = parseRequestIds(*o.ids, error);
        if (!wanted) {
            std::fprintf(stderr, "stampede-cli: %s\n", error.c_str());
            return kExitBadInput;
        }
        if (wanted->empty()) {
            std::printf("purged 0 dead letters\n");
            return kExitOk;
        }
        ids = *wanted;
    }
    const auto purged = source.purge(ids, error);
    if (!purged) {
        std::fprintf(stderr, "stampede-cli: %s\n", error.c_str());
        return kExitInternal;
    }
    std::printf("purged %zu dead letters\n", *purged);
    return kExitOk;
}

// Replays the pending dead letters of a stored run (store/stored_replay.h says how it never
// issues twice).
int replay(const CliOptions& o, live::DeadLetterSource& source) {
    if (!o.run) {
        std::fprintf(stderr, "stampede-cli: dlq replay: --run ID is required (see dlq list)\n");
        return kExitBadInput;
    }
    std::string error;
    std::vector<core::RequestId> ids;  // empty: every pending entry
    if (o.ids) {
        const auto wanted = parseRequestIds(*o.ids, error);
        if (!wanted) {
            std::fprintf(stderr, "stampede-cli: dlq replay: %s\n", error.c_str());
            return kExitBadInput;
        }
        if (wanted->empty()) {  // `--ids ""` chose none, which is not "all"
            std::printf("replayed 0 dead letters of run %lld\n", static_cast<long long>(*o.run));
            return kExitOk;
        }
        ids = *wanted;
    }
    auto job = source.replay(ids, o.rate.value_or(0), error);
    if (!job) {
        std::fprintf(stderr, "stampede-cli: dlq replay: %s\n", error.c_str());
        return kExitInternal;
    }
    while (!job->wait(std::chrono::milliseconds(250))) {
        const auto p = job->progress();
        if (!o.quiet)
            std::fprintf(stderr, "\rreplayed %lld of %lld ", static_cast<long long>(p.accepted),
                         static_cast<long long>(p.total));
    }
    const auto p = job->progress();
    const ReplayOutcome& outcome = p.outcome;
    if (!outcome.error.empty()) {
        std::fprintf(stderr, "\nstampede-cli: dlq replay: %s\n", outcome.error.c_str());
        return kExitInternal;
    }
    std::printf("replayed %lld of %lld dead letters of run %lld: %lld issued\n",
                static_cast<long long>(outcome.decided), static_cast<long long>(p.total),
                static_cast<long long>(*o.run), static_cast<long long>(outcome.issued));
    return kExitOk;
}

}  // namespace

int dlqCommand(const CliOptions& o) {
    if (o.positional.size() != 1 ||
        (o.positional[0] != "list" && o.positional[0] != "purge" && o.positional[0] != "replay")) {
        std::fprintf(stderr, "stampede-cli dlq: expected list, purge or replay\n\n%s",
                     usage().c_str());
        return kExitBadInput;
    }
    if (o.kafka) return dlqTopicCommand(o);
    store::StoreUrl url;
    auto db = openStoreOrReport(o, &url);
    if (!db) return kExitBadInput;
    if (o.run && !db->run(*o.run)) {
        std::fprintf(stderr, "stampede-cli dlq %s: --run: the store %s has no run %lld\n",
                     o.positional[0].c_str(), url.toString().c_str(),
                     static_cast<long long>(*o.run));
        return kExitBadInput;
    }
    const auto source = live::storedDeadLetters(url, o.run.value_or(0));
    if (o.positional[0] == "list") return list(o, *source);
    if (o.positional[0] == "purge") return purge(o, *source);
    return replay(o, *source);
}

}  // namespace stampede::cli
