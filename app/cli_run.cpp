// `stampede-cli run SCENARIO`: load, apply the command line's overrides, run to the end, and
// print the summary (human text, and JSON with --json).

#include <QJsonDocument>

#include <cstdio>

#include "cli_capture_options.h"
#include "cli_commands.h"
#include "cli_http.h"
#include "cli_live.h"
#include "cli_signals.h"
#include "stampede/capture/run_recorder.h"
#include "stampede/engine.h"
#include "stampede/guards/guard_registry.h"
#include "stampede/live/run_persistence.h"
#include "stampede/live/start_options.h"
#include "stampede/report/summary_json.h"

namespace stampede::cli {

bool applyOverrides(const CliOptions& o, sim::Scenario& s, std::string& error) {
    if (o.pipeline) {
        const auto p = core::parsePipeline(*o.pipeline);
        if (!p) {
            error = "--pipeline: unknown pipeline '" + *o.pipeline +
                    "' (known: sync, decide-at-ingress, decide-in-worker)";
            return false;
        }
        s.run.pipeline = *p;
    }
    if (o.guard) {
        if (!guards::findGuard(*o.guard)) {
            error = "--guard: unknown guard '" + *o.guard + "' (known: " + guards::guardNames() +
                    "; 'stampede-cli guards' describes them)";
            return false;
        }
        s.run.guard = *o.guard;
    }
    if (o.transport) {
        const auto t = core::parseTransport(*o.transport);
        if (!t) {
            error = "--transport: unknown transport '" + *o.transport + "' (known: inproc, kafka)";
            return false;
        }
        s.run.transport = *t;
    }
    if (o.pace) {
        const auto p = core::parsePace(*o.pace);
        if (!p) {
            error = "--pace: unknown pace '" + *o.pace + "' (known: realtime, asap)";
            return false;
        }
        s.run.pace = *p;
    }
    if (o.workers) s.run.workers = static_cast<int>(*o.workers);
    if (o.localWorkers) {
        if (s.run.transport != core::Transport::Kafka) {
            error = "--local-workers: workers in other processes need --transport kafka";
            return false;
        }
        s.run.workers = static_cast<int>(*o.localWorkers);  // 0: only workers elsewhere
    }
    if (o.partitions) s.run.partitions = static_cast<int>(*o.partitions);
    if (o.dbPool) s.run.dbPool = static_cast<int>(*o.dbPool);
    if (o.seed) s.seed = static_cast<std::uint64_t>(*o.seed);
    return true;
}

namespace {

void printProgress(const Snapshot& s, const live::RunPersistence* sink) {
    std::fprintf(
        stderr, "\r%-9s %6.1f s  fed %lld/%lld  issued %lld/%lld  final %lld/%lld  dlq %lld ",
        std::string(toString(s.status)).c_str(), s.elapsedS, static_cast<long long>(s.arrivalsFed),
        static_cast<long long>(s.arrivalsTotal), static_cast<long long>(s.issued),
        static_cast<long long>(s.stock), static_cast<long long>(s.finals),
        static_cast<long long>(s.admitted), static_cast<long long>(s.dlqSize));
    // With a store, what is committed: a coupon reported persisted here survives a kill -9.
    if (sink) std::fprintf(stderr, " persisted %lld ", static_cast<long long>(sink->rowsWritten()));
}

}  // namespace

// A --redis or --mysql the chosen guard does not use is said, not silently dropped: the operator
// may believe the run's stock is in that server.
static void warnUnusedBackends(const CliOptions& o, const std::string& guard) {
    const guards::GuardInfo* info = guards::findGuard(guard);
    if (!info) return;  // the engine refuses an unknown guard with its own message
    const auto note = [&guard](const char* flag, const char* used) {
        std::fprintf(stderr,
                     "stampede-cli run: note: %s is not used: guard '%s' does not keep its stock "
                     "there (%s use it)\n",
                     flag, guard.c_str(), used);
    };
    if (o.redis && info->family != guards::GuardFamily::Redis)
        note("--redis", "the redis-* guards");
    if (o.mysql && info->family != guards::GuardFamily::MySql)
        note("--mysql", "the mysql-* guards");
}

int runCommand(const CliOptions& o) {
    // From the start: a signal while the run connects to its systems stops it once started.
    catchStopSignals();
    if (!outputsCanBeWritten(o, "run")) return kExitBadInput;
    const auto systems = liveSystemsOrReport(o, "run");
    if (!systems) return kExitBadInput;
    if (o.positional.size() != 1) {
        std::fprintf(stderr, "stampede-cli run: expected exactly one SCENARIO file\n\n%s",
                     usage().c_str());
        return kExitBadInput;
    }
    const sim::ScenarioLoad load = sim::loadScenarioFile(o.positional.front());
    if (!load.ok()) {
        std::fprintf(stderr, "stampede-cli: %s\n", load.error.toString().c_str());
        return kExitBadInput;
    }
    sim::Scenario scenario = *load.scenario;
    std::string error;
    if (!applyOverrides(o, scenario, error)) {
        std::fprintf(stderr, "stampede-cli: %s\n", error.c_str());
        return kExitBadInput;
    }

    warnUnusedBackends(o, scenario.run.guard);

    // The store is checked before anything runs: a bad URL, an unreachable server, a wrong
    // password or a corrupt file is bad input, and nothing has happened yet.
    if (systems->store && !live::checkStore(*systems->store, error)) {
        std::fprintf(stderr, "stampede-cli: store: %s\n", error.c_str());
        return kExitBadInput;
    }

    // --record: created before the run starts, so a file that cannot be written changes nothing.
    std::unique_ptr<capture::RunRecorder> recorder;
    if (o.record) {
        recorder = capture::RunRecorder::create(
            *o.record, scenario, writerOptionsFrom(o, "run " + o.positional.front()), error);
        if (!recorder) {
            std::fprintf(stderr, "stampede-cli: --record: %s\n", error.c_str());
            return kExitBadInput;
        }
    }

    Engine engine;
    StartOptions options = live::startOptionsFor(scenario.run, *systems);
    if (o.giveUpAfter)
        options.outageBound = std::chrono::milliseconds(std::int64_t(*o.giveUpAfter * 1000));
    const StartResult started = engine.start(scenario, options);
    if (!started.ok()) {
        std::fprintf(stderr, "stampede-cli: %s: %s\n", o.positional.front().c_str(),
                     started.error.c_str());
        if (recorder) {  // nothing ran, so nothing is left recorded
            recorder.reset();
            std::remove(o.record->c_str());
        }
        return kExitBadInput;
    }
    // Said before the run too (the summary repeats it): the operator can still stop and fix it.
    if (const std::string caution = engine.snapshot()->backend.caution; !caution.empty())
        std::fprintf(stderr, "stampede-cli: warning: %s\n", caution.c_str());
    // --metrics: Prometheus scrapes the run while it runs (and its last state until it ends).
    http::RunMetrics metrics(engine);
    std::unique_ptr<http::HttpServer> metricsServer;
    if (o.metrics) {
        metricsServer = startMetricsServer(metrics, *o.metrics, error);
        if (!metricsServer) {
            std::fprintf(stderr, "stampede-cli: --metrics: %s\n", error.c_str());
            engine.stop();
            engine.waitForEnd(std::chrono::seconds(30));
            return kExitBadInput;
        }
        std::fprintf(stderr, "metrics: http://%s/metrics\n",
                     authority(metricsServer->address(), metricsServer->port()).c_str());
    }
    if (const auto t = engine.snapshot()->transport; !t.kind.empty() && !o.quiet)
        std::fprintf(stderr, "transport: %s\n", t.detail.c_str());
    std::unique_ptr<live::RunPersistence> sink;
    if (systems->store) {
        sink = live::RunPersistence::begin(engine, *systems->store, scenario,
                                           o.eventSampling.value_or(1.0), error);
        if (!sink) {
            std::fprintf(stderr, "stampede-cli: %s\n", error.c_str());
            engine.stop();
            return kExitInternal;
        }
        std::fprintf(stderr, "store: run %lld in %s\n", static_cast<long long>(sink->runId()),
                     sink->url().toString().c_str());
    }
    const bool jsonToStdout = o.json && *o.json == "-";
    const bool showProgress = !o.quiet && !jsonToStdout;
    bool stopping = false;
    while (!engine.waitForEnd(std::chrono::milliseconds(250))) {
        if (stopSignalled().load() && !stopping) {
            std::fprintf(stderr,
                         "\nstopping: no more arrivals; what was admitted has 5 s to be decided, "
                         "then goes to the DLQ (a second signal ends at once)\n");
            engine.stop();
            stopping = true;
        }
        if (showProgress) printProgress(*engine.snapshot(), sink.get());
        // Each poll makes what was fed readable in the capture: a kill loses at most a poll.
        if (recorder) recorder->recordUpTo(engine.snapshot()->arrivalsFed);
    }
    const auto snapshot = engine.snapshot();
    if (recorder) {
        recorder->recordUpTo(snapshot->arrivalsFed);
        if (!recorder->finish(stopping ? "interrupted" : "complete")) {
            std::fprintf(stderr, "stampede-cli: --record: %s: %s\n", o.record->c_str(),
                         recorder->error().c_str());
            return kExitInternal;
        }
        if (!o.quiet)
            std::fprintf(stderr, "recorded %lld arrivals in %s%s\n",
                         static_cast<long long>(recorder->records()), o.record->c_str(),
                         recorder->capped() ? " (stopped at --record-max-bytes)" : "");
    }
    if (showProgress) std::fprintf(stderr, "\r%110s\r", "");
    if (!snapshot || snapshot->finals != snapshot->admitted) {
        std::fprintf(stderr,
                     "stampede-cli: internal error: the run ended with unfinished requests\n");
        return kExitInternal;
    }
    QJsonObject summary = report::summaryJson(*snapshot);
    bool persisted = true;
    std::string text = report::summaryText(*snapshot);
    if (sink) {
        const live::RunPersistence::Outcome outcome = sink->finish(*snapshot, summary);
        persisted = outcome.complete;
        if (!persisted) std::fprintf(stderr, "stampede-cli: %s\n", outcome.error.c_str());
        text += "store     " + sink->url().toString() + " run " + std::to_string(sink->runId()) +
                ": " + std::to_string(outcome.stats.rowsWritten) + " coupons written, lag max " +
                QString::number(outcome.stats.lagMsMax, 'f', 1).toStdString() + " ms\n";
    }
    if (!o.quiet) std::fputs(text.c_str(), jsonToStdout ? stderr : stdout);
    if (!persisted) return kExitInternal;
    if (o.json) {
        const QByteArray json = QJsonDocument(summary).toJson();
        if (!writeOutput(*o.json, json.toStdString(), error)) {
            std::fprintf(stderr, "stampede-cli: %s\n", error.c_str());
            return kExitInternal;
        }
    }
    // A run that could not decide everything it admitted failed, whatever else it did.
    if (!snapshot->failure.empty()) {
        std::fprintf(stderr, "stampede-cli: run failed: %s\n", snapshot->failure.c_str());
        return kExitInternal;
    }
    return kExitOk;
}

}  // namespace stampede::cli
