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
#include "store/write_behind_sink.h"

namespace stampede::cli {
namespace {

QString qs(const std::string& s) {
    return QString::fromStdString(s);
}

std::string userOf(const dlq::DeadLetter& l) {
    return QJsonDocument::fromJson(QByteArray::fromStdString(l.payload))
        .object()
        .value(QStringLiteral("user"))
        .toString()
        .toStdString();
}

bool verifiedOf(const dlq::DeadLetter& l) {
    return QJsonDocument::fromJson(QByteArray::fromStdString(l.payload))
        .object()
        .value(QStringLiteral("verified"))
        .toBool(true);
}

int list(const CliOptions& o, store::Store& db) {
    const auto letters = db.deadLetters(o.run ? std::optional<std::int64_t>(*o.run) : std::nullopt);
    if (o.json) {
        QJsonArray array;
        for (const auto& s : letters) {
            QJsonObject e;
            e[QStringLiteral("run_id")] = static_cast<qint64>(s.runId);
            e[QStringLiteral("request_id")] = static_cast<qint64>(s.letter.requestId);
            e[QStringLiteral("campaign")] = qs(s.letter.campaignId);
            e[QStringLiteral("user")] = qs(userOf(s.letter));
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
                    s.letter.requestId, s.letter.campaignId.c_str(), userOf(s.letter).c_str(),
                    s.letter.reason.c_str(), s.letter.attempts, s.letter.lastError().c_str());
    std::printf("%zu pending dead letters\n", letters.size());
    return kExitOk;
}

int purge(const CliOptions& o, store::Store& db) {
    std::vector<store::StoredDeadLetter> letters =
        db.deadLetters(o.run ? std::optional<std::int64_t>(*o.run) : std::nullopt);
    if (o.ids) {
        std::vector<long long> wanted;
        std::stringstream in(*o.ids);
        std::string item;
        while (std::getline(in, item, ',')) {
            char* end = nullptr;
            const long long v = std::strtoll(item.c_str(), &end, 10);
            if (item.empty() || *end != '\0' || v < 0) {
                std::fprintf(stderr, "stampede-cli: --ids: '%s' is not a request id\n",
                             item.c_str());
                return kExitBadInput;
            }
            wanted.push_back(v);
        }
        std::erase_if(letters, [&](const auto& s) {
            return std::find(wanted.begin(), wanted.end(),
                             static_cast<long long>(s.letter.requestId)) == wanted.end();
        });
    }
    std::map<std::int64_t, std::vector<core::RequestId>> byRun;
    for (const auto& s : letters) byRun[s.runId].push_back(s.letter.requestId);
    for (const auto& [runId, ids] : byRun)
        if (!db.setReplayState(runId, ids, "purged")) {
            std::fprintf(stderr, "stampede-cli: %s\n", db.lastError().c_str());
            return kExitInternal;
        }
    std::printf("purged %zu dead letters\n", letters.size());
    return kExitOk;
}

// Replays the pending dead letters of a stored run: a fresh engine with that run's campaigns and
// what stock they have left takes each request again; coupons go to the same run in the store,
// whose UNIQUE (run, campaign, user) makes a second issue impossible.
int replay(const CliOptions& o, store::Store& db, const store::StoreUrl& url) {
    if (!o.run) {
        std::fprintf(stderr, "stampede-cli: dlq replay: --run ID is required (see dlq list)\n");
        return kExitBadInput;
    }
    const std::int64_t runId = *o.run;
    const auto stored = db.campaigns(runId);
    if (stored.empty()) {
        std::fprintf(stderr, "stampede-cli: dlq replay: the store has no run %lld\n",
                     static_cast<long long>(runId));
        return kExitBadInput;
    }
    const auto letters = db.deadLetters(runId);
    sim::Scenario scenario;
    scenario.name = "replay of run " + std::to_string(runId);
    for (const auto& s : stored) {
        core::Campaign c = s.campaign;
        c.stock = std::max<std::int64_t>(0, c.stock - s.issued);
        c.opensAfterMs = 0;
        c.closesAfterMs.reset();  // an operator's replay comes after the window, on purpose
        c.policy = core::Policy::FirstCome;  // a lottery winner that failed is owed its coupon
        scenario.campaigns.push_back(c);
    }
    scenario.run.pipeline = core::Pipeline::Sync;
    scenario.run.workers = 1;
    Engine engine;
    StartOptions open;
    open.keepOpen = true;
    if (const auto started = engine.start(scenario, open); !started.ok()) {
        std::fprintf(stderr, "stampede-cli: dlq replay: %s\n", started.error.c_str());
        return kExitInternal;
    }
    store::WriteBehindSink sink(engine, url, runId);
    sink.start();
    const double rate = o.rate.value_or(0);
    const auto start = std::chrono::steady_clock::now();
    std::vector<core::RequestId> done;
    std::int64_t issued = 0;
    for (std::size_t i = 0; i < letters.size(); ++i) {
        if (rate > 0)
            std::this_thread::sleep_until(
                start +
                std::chrono::nanoseconds(static_cast<std::int64_t>(double(i) * 1e9 / rate)));
        const auto& l = letters[i].letter;
        const SubmitResult r = engine.submit({l.campaignId, userOf(l), verifiedOf(l)});
        if (r.outcome == SubmitResult::Outcome::Refused) {
            std::fprintf(stderr, "stampede-cli: dlq replay: request %u: %s\n", l.requestId,
                         r.error.c_str());
            continue;
        }
        issued += r.state == core::RequestState::Succeeded ? 1 : 0;
        done.push_back(l.requestId);
    }
    engine.stop();
    engine.waitForEnd(std::chrono::seconds(30));
    sink.stop();
    if (!db.setReplayState(runId, done, "replayed")) {
        std::fprintf(stderr, "stampede-cli: %s\n", db.lastError().c_str());
        return kExitInternal;
    }
    std::printf("replayed %zu of %zu dead letters of run %lld: %lld issued, %lld stored\n",
                done.size(), letters.size(), static_cast<long long>(runId),
                static_cast<long long>(issued), static_cast<long long>(sink.stats().rowsWritten));
    return sink.stats().error.empty() ? kExitOk : kExitInternal;
}

}  // namespace

int dlqCommand(const CliOptions& o) {
    if (o.positional.size() != 1 ||
        (o.positional[0] != "list" && o.positional[0] != "purge" && o.positional[0] != "replay")) {
        std::fprintf(stderr, "stampede-cli dlq: expected list, purge or replay\n\n%s",
                     usage().c_str());
        return kExitBadInput;
    }
    store::StoreUrl url;
    auto db = openStoreOrReport(o, &url);
    if (!db) return kExitBadInput;
    if (o.positional[0] == "list") return list(o, *db);
    if (o.positional[0] == "purge") return purge(o, *db);
    return replay(o, *db, url);
}

}  // namespace stampede::cli
