// stampede-cli serve: the HTTP ingress (seed 002's API and the general form) in front of an engine
// run that takes its requests from clients instead of a scenario's arrivals. The first line on
// stdout is the address it listens on, so scripts and tests can start it on port 0. It serves
// until SIGINT or SIGTERM; then it stops taking requests, lets what was admitted become final and
// prints the run's summary, as `run` does.

#include <QJsonDocument>
#include <QJsonObject>

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <thread>

#include "cli_capture_options.h"
#include "cli_commands.h"
#include "cli_http.h"
#include "cli_live.h"
#include "cli_serve_recorder.h"
#include "cli_signals.h"
#include "stampede/engine.h"
#include "stampede/http/admin_token.h"
#include "stampede/http/http_server.h"
#include "stampede/http/ingress_api.h"
#include "stampede/http/smtp_delivery.h"
#include "stampede/live/outbox_keeper.h"
#include "stampede/live/run_persistence.h"
#include "stampede/live/start_options.h"
#include "stampede/report/summary_json.h"

namespace stampede::cli {
namespace {

int fail(const std::string& message, int code = kExitBadInput) {
    std::fprintf(stderr, "stampede-cli serve: %s\n", message.c_str());
    return code;
}

// Every client holds a descriptor: take what the system allows, not the shell's default 1024.
void raiseDescriptorLimit() {
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
    }
}

void printProgress(const Snapshot& s, const http::HttpServerStats& h) {
    std::fprintf(stderr,
                 "\rserving  %6.1f s  http %lld (4xx %lld, 5xx %lld) open %lld  admitted %lld  "
                 "issued %lld  final %lld ",
                 s.elapsedS, static_cast<long long>(h.requests.load()),
                 static_cast<long long>(h.clientErrors.load()),
                 static_cast<long long>(h.serverErrors.load()),
                 static_cast<long long>(h.connectionsOpen.load()),
                 static_cast<long long>(s.admitted), static_cast<long long>(s.issued),
                 static_cast<long long>(s.finals));
}

QJsonObject httpJson(const http::HttpServer& server, const http::IngressApi& api) {
    const auto& h = server.stats();
    const auto& a = api.stats();
    QJsonObject j;
    j[QStringLiteral("address")] = QString::fromStdString(server.address());
    j[QStringLiteral("port")] = int(server.port());
    j[QStringLiteral("requests")] = qint64(h.requests.load());
    j[QStringLiteral("client_errors")] = qint64(h.clientErrors.load());
    j[QStringLiteral("server_errors")] = qint64(h.serverErrors.load());
    j[QStringLiteral("connections")] = qint64(h.connectionsAccepted.load());
    j[QStringLiteral("connections_refused")] = qint64(h.connectionsRefused.load());
    j[QStringLiteral("timeouts")] = qint64(h.timeouts.load());
    j[QStringLiteral("applied")] = qint64(a.accepted.load());
    j[QStringLiteral("duplicate_applies")] = qint64(a.duplicates.load());
    j[QStringLiteral("not_verified")] = qint64(a.notVerified.load());
    j[QStringLiteral("refused")] = qint64(a.refused.load());
    j[QStringLiteral("codes_sent")] = qint64(a.codesSent.load());
    j[QStringLiteral("verified")] = qint64(a.verified.load());
    j[QStringLiteral("results_posted")] = qint64(a.resultsPosted.load());
    return j;
}

}  // namespace

int serveCommand(const CliOptions& o) {
    catchStopSignals();
    if (!outputsCanBeWritten(o, "serve")) return kExitBadInput;
    const auto systems = liveSystemsOrReport(o, "serve");
    if (!systems) return kExitBadInput;
    std::string error, host;
    std::uint16_t port = 8080;
    if (!parseListenAddress(o.http.value_or("127.0.0.1:8080"), "--http", host, port, error))
        return fail(error);

    // Seed 002's scenario is the default: its API is what this command serves.
    const std::string scenarioPath = o.scenario.value_or(":/simulations/seed-002.json");
    const sim::ScenarioLoad load = sim::loadScenarioFile(scenarioPath);
    if (!load.ok()) return fail(load.error.toString());
    sim::Scenario scenario = *load.scenario;
    if (!applyOverrides(o, scenario, error)) return fail(error);
    live::keepLotteriesOpenUntilStopped(scenario);

    // --admin-token-file as given; else the token kept in the keychain (or, with none, its file).
    std::string tokenWhere;
    std::optional<std::string> token;
    if (o.adminTokenFile) {
        tokenWhere = *o.adminTokenFile;
        token = http::loadAdminToken(tokenWhere, false, error);
    } else if (const auto kept = http::keptAdminToken(error)) {
        tokenWhere = kept->where;
        token = kept->token;
        if (!kept->note.empty())
            std::fprintf(stderr, "stampede-cli serve: %s\n", kept->note.c_str());
    }
    if (!token) return fail(error);
    if (systems->store && !live::checkStore(*systems->store, error)) return fail("store: " + error);

    std::optional<http::SmtpSettings> smtp;
    if (o.smtp) {
        const std::string& url = *o.smtp;
        if (url.rfind("smtp://", 0) != 0 && url.rfind("smtps://", 0) != 0)
            return fail("--smtp: '" + url + "' is not smtp://HOST:PORT or smtps://HOST:PORT");
        smtp.emplace();
        smtp->url = url;
        smtp->password = qEnvironmentVariable("STAMPEDE_SMTP_PASSWORD").toStdString();
        if (o.smtpFrom) smtp->from = *o.smtpFrom;
    } else if (o.smtpFrom) {
        return fail("--smtp-from needs --smtp");
    }

    // --record: created before anything serves, so a file that cannot be written changes nothing.
    std::unique_ptr<ServeRecorder> recorder;
    if (o.record) {
        auto writer = capture::CaptureWriter::create(
            *o.record, writerOptionsFrom(o, "serve " + scenarioPath), error);
        if (!writer) return fail("--record: " + error);
        recorder = std::make_unique<ServeRecorder>(std::move(writer));
    }

    if (o.cluster) {
        if (scenario.run.transport != core::Transport::Kafka)
            return fail(
                "--cluster: the processes of one run meet on Kafka: give --transport kafka");
        if (o.localWorkers.value_or(-1) != 0)
            return fail(
                "--cluster: requests are decided by `stampede-cli worker` processes only, so that "
                "one process's end loses none of them: give --local-workers 0");
    }
    Engine engine;
    StartOptions start = live::startOptionsFor(scenario.run, *systems);
    start.keepOpen = true;  // the requests come from HTTP clients until the operator stops
    start.arrivals = std::make_shared<const std::vector<GivenArrival>>();  // none of its own
    if (const StartResult started = engine.start(scenario, start); !started.ok())
        return fail(scenarioPath + ": " + started.error);
    std::unique_ptr<live::RunPersistence> sink;
    if (systems->store) {
        sink = live::RunPersistence::begin(engine, *systems->store, scenario,
                                           o.eventSampling.value_or(1.0), error);
        if (!sink) {
            engine.stop();
            return fail(error, kExitInternal);
        }
        std::fprintf(stderr, "store: run %lld in %s\n", static_cast<long long>(sink->runId()),
                     sink->url().toString().c_str());
    }

    http::IngressOptions ingress;
    ingress.campaigns = scenario.campaigns;
    ingress.adminToken = *token;
    http::RunMetrics metrics(engine);
    ingress.metrics = &metrics;
    ingress.observer = recorder.get();
    // Over Kafka, 202 means stored in Kafka: a client told "accepted" is not let down by a crash
    // of this process (the in-memory transport has nothing beyond the process to wait for).
    ingress.answerWhenStored = scenario.run.transport == core::Transport::Kafka;
    ingress.origin = systems->kafka.origin;
    http::IngressApi api(engine, ingress);
    // --smtp: the outbox goes out on a thread of its own, never on the decision path.
    std::unique_ptr<http::SmtpDelivery> delivery;
    if (smtp) {
        delivery = std::make_unique<http::SmtpDelivery>(api.outbox(), *smtp);
        delivery->start();
    }
    // --store: the outbox is kept with the run.
    std::unique_ptr<live::OutboxKeeper> outboxKeeper;
    if (sink) {
        outboxKeeper = live::OutboxKeeper::open(sink->url(), sink->runId(), error);
        if (!outboxKeeper)
            std::fprintf(stderr, "stampede-cli serve: the outbox is not stored: %s\n",
                         error.c_str());
    }
    http::HttpLimits limits;
    if (o.requestTimeout)
        limits.requestTimeout = std::chrono::milliseconds(std::int64_t(*o.requestTimeout * 1000));
    if (o.maxBody) limits.maxBody = std::size_t(*o.maxBody);
    http::HttpServer server([&api](const http::HttpRequest& r) { return api.handle(r); }, limits);
    raiseDescriptorLimit();
    // Half the processors by default: the rest is the engine's (its workers, its monitor). On
    // 2 cores one I/O thread served more than two, at a p99 of 4.5 ms instead of 6.6 (wrk -c100).
    const int ioThreads =
        int(o.httpThreads.value_or(std::max(1u, std::thread::hardware_concurrency() / 2)));
    if (!server.start(host, port, ioThreads, error)) {
        engine.stop();
        engine.waitForEnd(std::chrono::seconds(10));
        return fail(error);
    }
    std::printf("listening on http://%s\n", authority(host, server.port()).c_str());
    std::fflush(stdout);
    if (!o.quiet)
        std::fprintf(stderr,
                     "serving %s: %zu campaign(s), pipeline %s, guard %s; admin token in %s; "
                     "Ctrl-C stops\n",
                     scenario.name.c_str(), scenario.campaigns.size(),
                     std::string(core::toString(scenario.run.pipeline)).c_str(),
                     scenario.run.guard.c_str(), tokenWhere.c_str());

    const bool jsonToStdout = o.json && *o.json == "-";
    const bool showProgress = !o.quiet && !jsonToStdout;
    while (!stopSignalled().load()) {
        // The run ends by itself only when it fails (a live system gone for too long).
        if (engine.waitForEnd(std::chrono::milliseconds(250))) break;
        api.postResults();
        // Each poll makes what was taken readable in the capture: a kill loses at most a poll.
        if (recorder) recorder->flush();
        if (outboxKeeper && !outboxKeeper->keep(api.outbox()))
            std::fprintf(stderr, "\nstampede-cli serve: outbox: %s\n",
                         outboxKeeper->error().c_str());
        if (showProgress) printProgress(*engine.snapshot(), server.stats());
    }
    if (showProgress) std::fprintf(stderr, "\r%120s\r", "");
    // No more requests; what was admitted drains to a final state, and its results are posted.
    // Applications still waiting to be stored are answered first, while their connections are.
    api.finishWaitingAnswers();
    server.stop();
    engine.stop();
    while (!engine.waitForEnd(std::chrono::milliseconds(250))) {
    }
    api.postResults();
    if (recorder) {
        if (!recorder->finish("complete"))
            return fail("--record: " + recorder->error(), kExitInternal);
        if (!o.quiet)
            std::fprintf(stderr, "recorded %lld applications in %s%s\n",
                         static_cast<long long>(recorder->records()), o.record->c_str(),
                         recorder->capped() ? " (stopped at --record-max-bytes)" : "");
    }
    // The last results go out too, within a bound: an SMTP server that is gone delays the end by
    // at most this, and what it did not take stays "pending" in the summary.
    if (delivery && !delivery->drain(std::chrono::seconds(15)))
        std::fprintf(stderr, "stampede-cli serve: smtp: not everything was delivered: %s\n",
                     delivery->lastError().c_str());
    if (delivery) delivery->stop();
    if (outboxKeeper && !outboxKeeper->keep(api.outbox()))
        std::fprintf(stderr, "stampede-cli serve: outbox: %s\n", outboxKeeper->error().c_str());
    const auto snapshot = engine.snapshot();
    if (snapshot->finals != snapshot->admitted)
        return fail("internal error: the run ended with unfinished requests", kExitInternal);
    QJsonObject summary = report::summaryJson(*snapshot);
    QJsonObject httpSummary = httpJson(server, api);
    if (delivery) {
        QJsonObject sent;
        sent[QStringLiteral("sent")] = qint64(delivery->stats().sent.load());
        sent[QStringLiteral("failed")] = qint64(delivery->stats().failed.load());
        sent[QStringLiteral("retries")] = qint64(delivery->stats().retries.load());
        httpSummary[QStringLiteral("smtp")] = sent;
    }
    summary[QStringLiteral("http")] = httpSummary;
    std::string text = report::summaryText(*snapshot);
    bool persisted = true;
    if (sink) {
        const auto outcome = sink->finish(*snapshot, summary);
        persisted = outcome.complete;
        if (!persisted) std::fprintf(stderr, "stampede-cli serve: %s\n", outcome.error.c_str());
        text += "store     " + sink->url().toString() + " run " + std::to_string(sink->runId()) +
                ": " + std::to_string(outcome.stats.rowsWritten) + " coupons written\n";
    }
    const auto& h = server.stats();
    char line[256];
    std::snprintf(line, sizeof line,
                  "http      %lld requests (4xx %lld, 5xx %lld) on %lld connections, %lld timed "
                  "out\n",
                  static_cast<long long>(h.requests.load()),
                  static_cast<long long>(h.clientErrors.load()),
                  static_cast<long long>(h.serverErrors.load()),
                  static_cast<long long>(h.connectionsAccepted.load()),
                  static_cast<long long>(h.timeouts.load()));
    text += line;
    if (!o.quiet) std::fputs(text.c_str(), jsonToStdout ? stderr : stdout);
    if (o.json && !writeOutput(*o.json, QJsonDocument(summary).toJson().toStdString(), error))
        return fail(error, kExitInternal);
    if (!persisted) return kExitInternal;
    if (!snapshot->failure.empty()) return fail("run failed: " + snapshot->failure, kExitInternal);
    return kExitOk;
}

}  // namespace stampede::cli
