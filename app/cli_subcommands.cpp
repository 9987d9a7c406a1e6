// The subcommands of stampede-cli and the options each takes: exactly the CliOptions fields its
// code reads, so anything else is refused. One registration function per subcommand; a new
// subcommand is one more line in registerSubcommands().

#include <CLI/CLI.hpp>

#include <cstdint>
#include <limits>

#include "cli_command_line.h"
#include "cli_commands.h"
#include "cli_option_groups.h"
#include "stampede/core/run_config.h"
#include "stampede/guards/guard_registry.h"

namespace stampede::cli {
namespace {

bool isPositive(double v) {
    return v > 0 && v <= 86'400;
}

bool isShare(double v) {
    return v >= 0 && v <= 1;
}
bool isRate(double v) {
    return v >= 0 && v < 1e9;
}

CLI::Option* addRate(CLI::App& app, CliOptions& o) {
    return addNumber(app, "--rate", o.rate, isRate, "a number of entries per second >= 0",
                     "PER_SECOND", "replay at most this many entries a second (0: no limit)");
}

CLI::Option* addIds(CLI::App& app, CliOptions& o, const std::string& help) {
    return addText(app, "--ids", o.ids, "ID,...", help);
}

// A dlq action works on the store's DLQ, or with --kafka on a Kafka run's dead-letter topic:
// the two are exclusive, and --run (a stored run) does not apply to a topic.
CLI::Option* addDeadLetterSource(CLI::App& action, CliOptions& o) {
    CLI::Option* store =
        addStore(action, o, "the store holding the DLQ (default: the embedded one)");
    CLI::Option* run = addRunId(action, o, "only this stored run's dead letters");
    CLI::Option* kafka = addKafkaConnection(action, o);
    addText(action, "--topic", o.topic, "DLT",
            "with --kafka: the run's dead-letter topic (its summary's transport_stats)")
        ->needs(kafka);
    store->excludes(kafka);
    run->excludes(kafka);
    return kafka;
}

std::string runFooter() {
    return "pipelines: sync, decide-at-ingress, decide-in-worker\n"
           "guards: " +
           guards::guardNames() +
           " (redis-* with --redis, mysql-* with --mysql; stampede-cli guards says more)";
}

// --record FILE and what shapes the file; run and replay both record.
void addRecording(CLI::App& app, CliOptions& o, const std::string& what) {
    addText(app, "--record", o.record, "FILE",
            "record " + what + " as a Stampede NDJSON capture (.gz: gzip)");
    addInteger(app, "--record-max-bytes", o.recordMaxBytes, 1, 1LL << 50,
               "stop recording before the file passes N bytes (it still ends cleanly)");
    addText(app, "--anonymise", o.anonymise, "KEY",
            "record users as keyed hashes (the same user, the same name under one KEY)");
}

// The configuration a run plays through, over the scenario's: run, replay and serve take it.
void addRunConfiguration(CLI::App& app, CliOptions& o) {
    addText(app, "--pipeline", o.pipeline, "P", "where the issue decision happens");
    addText(app, "--guard", o.guard, "G", "how stock is protected");
    addText(app, "--transport", o.transport, "T", "inproc or kafka");
    addInteger(app, "--workers", o.workers, 1, 256, "workers (default: the scenario's)");
    addInteger(app, "--partitions", o.partitions, 1, 1024, "partitions (default: the scenario's)");
    addInteger(app, "--db-pool", o.dbPool, 0, 1024,
               "the mysql-* guards' connection pool: at most N decisions hold a connection, the "
               "others wait (default: the scenario's; 0: one per worker)");
}

void registerRun(CommandLine& cl) {
    CliOptions& o = cl.options();
    CLI::App& run = cl.addCommand(
        "run", "play a scenario through one configuration and print its summary", runCommand);
    run.footer(runFooter());
    addPositional(run, "SCENARIO", o.positional, "the scenario file (JSON)")->required();
    addRunConfiguration(run, o);
    addText(run, "--pace", o.pace, "realtime|asap",
            "arrivals at their times, or as fast as they are taken");
    // The scenario file's limit too.
    addInteger(run, "--seed", o.seed, 0, std::numeric_limits<std::int64_t>::max(),
               "the random seed (default: the scenario's)");
    addStore(run, o, "persist the run (coupons, events, dead letters) in this store");
    addNumber(run, "--event-sampling", o.eventSampling, isShare, "a share in [0, 1]", "SHARE",
              "with --store: the share of request events stored (default 1)");
    addLiveSystems(run, o);
    addKafkaTopicPrefix(run, o);
    addText(run, "--kafka-topic", o.kafkaTopic, "T",
            "one requests topic shared by runs, each reading its own part from where T ended");
    addKafkaLead(run, o);
    addInteger(run, "--local-workers", o.localWorkers, 0, 256,
               "with --transport kafka: workers in this process (0: only `stampede-cli worker`s)");
    addNumber(run, "--give-up-after", o.giveUpAfter, isPositive, "seconds in (0, 86400]", "SECONDS",
              "a Kafka cluster, Redis or MySQL unreachable this long ends the run: what it has not "
              "decided goes "
              "to the DLQ and the run fails (default 30)");
    addRecording(run, o, "the arrivals");
    addText(run, "--metrics", o.metrics, "HOST:PORT",
            "serve GET /metrics (Prometheus) here while the run runs (port 0: a free one)");
    addJsonOutput(run, o, "the run summary");
    addQuiet(run, o);
}

CLI::Option* addCaptureFormat(CLI::App& app, CliOptions& o) {
    addText(app, "--on-error", o.onError, "stop|skip",
            "at a bad record: stop with its place (default), or count it and go on");
    const char* kinds =
        "path:N (N-th path segment), body:FIELD (a.b nested), header:NAME, query:NAME or "
        "regex:RE (its first group); repeatable, tried in order; default: the seed APIs' rules";
    app.add_option("--campaign-from", o.campaignFrom,
                   std::string("where an imported request names its campaign: ") + kinds)
        ->type_name("RULE");
    app.add_option("--user-from", o.userFrom,
                   std::string("where an imported request names its user: ") + kinds)
        ->type_name("RULE");
    return addText(app, "--format", o.format, "auto|ndjson|gor|har|access-log|alb|k6",
                   "the capture's format (default auto: told by its first line)");
}

void registerCapture(CommandLine& cl) {
    CliOptions& o = cl.options();
    CLI::App& capture = cl.addCommand(
        "capture", "traffic captures: what one holds, or any of them as Stampede NDJSON",
        captureCommand);
    capture.require_subcommand(1);
    CLI::App& info = CommandLine::addAction(
        capture, "info",
        "format, requests, time span, campaigns, users, duplicates, peak rates, unmatched");
    addPositional(info, "FILE", o.positional, "the capture")->required();
    addCaptureFormat(info, o);
    addJsonOutput(info, o, "the figures");
    CLI::App& convert =
        CommandLine::addAction(capture, "convert", "write a capture as Stampede NDJSON");
    addPositional(convert, "IN", o.positional, "the capture to read")->required();
    addPositional(convert, "OUT", o.positional, "the NDJSON file to write (.gz: gzip)")->required();
    addCaptureFormat(convert, o);
    addInteger(convert, "--record-max-bytes", o.recordMaxBytes, 1, 1LL << 50,
               "stop before OUT passes N bytes (it still ends cleanly)");
    addText(convert, "--anonymise", o.anonymise, "KEY", "users as keyed hashes");
}

bool isSpeed(double v) {
    return v > 0 && v <= 1e6;
}
bool isOffset(double v) {
    return v >= 0 && v < 1e12;
}

void registerReplay(CommandLine& cl) {
    CliOptions& o = cl.options();
    CLI::App& replay = cl.addCommand(
        "replay", "play a capture's requests through one configuration by the engine's submit()",
        replayCommand);
    replay.footer(runFooter());
    addPositional(replay, "CAPTURE", o.positional, "the capture file")->required();
    addCaptureFormat(replay, o);
    addNumber(replay, "--speed", o.speed, isSpeed, "a factor > 0", "X",
              "the original timing, X times faster (default 1)");
    addText(replay, "--rate", o.replayRate, "R|max",
            "R requests a second instead of the original timing; max: as fast as taken");
    addInteger(replay, "--loop", o.loops, 1, 1'000'000, "play the capture N times (default 1)");
    addText(replay, "--campaign", o.campaignFilter, "C,...", "only these campaigns' requests");
    addText(replay, "--user", o.userPattern, "REGEX", "only users matching REGEX");
    addNumber(replay, "--from-ms", o.fromMs, isOffset, "milliseconds >= 0", "MS",
              "only requests at or after MS into the capture");
    addNumber(replay, "--to-ms", o.toMs, isOffset, "milliseconds >= 0", "MS",
              "only requests before MS into the capture");
    addText(replay, "--map-campaign", o.mapCampaign, "OLD=NEW,...",
            "send OLD's requests to campaign NEW");
    addSwitch(replay, "--dry-run", o.dryRun,
              "send nothing: how many requests, over how long, at what peak rate");
    addText(replay, "--scenario", o.scenario, "FILE",
            "the campaigns and run defaults (its arrivals are not played)");
    addInteger(replay, "--stock", o.stock, 0, 1LL << 40,
               "without --scenario: each of the capture's campaigns with N units");
    addRecording(replay, o, "what is sent");
    addStore(replay, o, "persist the replayed run (coupons, events, dead letters) in this store");
    addNumber(replay, "--event-sampling", o.eventSampling, isShare, "a share in [0, 1]", "SHARE",
              "with --store: the share of request events stored (default 1)");
    addRunConfiguration(replay, o);
    addInteger(replay, "--seed", o.seed, 0, std::numeric_limits<std::int64_t>::max(),
               "the random seed (default: the scenario's)");
    addLiveSystems(replay, o);
    addKafkaTopicPrefix(replay, o);
    addKafkaLead(replay, o);
    addJsonOutput(replay, o, "the run summary with its `replay` figures");
    addQuiet(replay, o);
}

void registerBench(CommandLine& cl) {
    CliOptions& o = cl.options();
    CLI::App& bench = cl.addCommand(
        "bench", "a spike through the full engine next to the raw floor, and their ratio",
        benchCommand);
    addInteger(bench, "--requests", o.requests, 1, 100'000'000, "users in the spike (1000000)");
    addInteger(bench, "--workers", o.workers, 1, 256, "workers (default: cores - 1)");
    addJsonOutput(bench, o, "the figures");
}

void registerDlq(CommandLine& cl) {
    CliOptions& o = cl.options();
    CLI::App& dlq = cl.addCommand(
        "dlq", "the dead-letter queue: the store's, or a Kafka run's dead-letter topic",
        dlqCommand);
    dlq.require_subcommand(1);

    CLI::App& list = CommandLine::addAction(dlq, "list", "the pending dead letters");
    addDeadLetterSource(list, o);
    addJsonOutput(list, o, "them");

    CLI::App& replay = CommandLine::addAction(
        dlq, "replay", "decide the pending dead letters again (never issuing twice)");
    addDeadLetterSource(replay, o);
    addIds(replay, o, "only these request ids (default: every pending one)");
    addRate(replay, o);
    addGuardBackends(replay, o);
    addProfiles(replay, o);
    addJsonOutput(replay, o, "the outcome");
    addQuiet(replay, o);

    CLI::App& purge = CommandLine::addAction(dlq, "purge", "mark the store's dead letters purged");
    addDeadLetterSource(purge, o);
    addIds(purge, o, "only these request ids");
}

void registerAggregate(CommandLine& cl) {
    CliOptions& o = cl.options();
    CLI::App& aggregate =
        cl.addCommand("aggregate", "the batch aggregation of stored runs' events into statistics",
                      aggregateCommand);
    addStore(aggregate, o, "the store (default: the embedded one)");
    addRunId(aggregate, o, "only this run (default: every run)");
    addText(aggregate, "--bucket", o.bucket, "second|minute", "the bucket size (default second)");
    addSwitch(aggregate, "--rebuild", o.rebuild, "drop what was aggregated and start over");
    addQuiet(aggregate, o);
}

void registerExport(CommandLine& cl) {
    CliOptions& o = cl.options();
    CLI::App& exporter = cl.addCommand(
        "export", "the analytics export of a store's events or statistics", exportCommand);
    addStore(exporter, o, "the store (default: the embedded one)");
    addRunId(exporter, o, "only this run (default: every run)");
    addText(exporter, "--what", o.what, "events|stats", "what to export (required)");
    addText(exporter, "--format", o.format, "csv|ndjson", "the format (default csv)");
    addText(exporter, "--out", o.out, "FILE|-", "where to write (default -: stdout)");
}

void registerBroker(CommandLine& cl) {
    CliOptions& o = cl.options();
    CLI::App& broker = cl.addCommand(
        "broker",
        "a standalone mock Kafka cluster: prints its bootstrap address first, serves until "
        "interrupted",
        brokerCommand);
    addInteger(broker, "--brokers", o.brokers, 1, 9, "brokers in the cluster (default 3)");
}

void registerWorker(CommandLine& cl) {
    CliOptions& o = cl.options();
    CLI::App& worker = cl.addCommand(
        "worker", "join the Kafka run in progress and decide its requests until it ends",
        workerCommand);
    addLiveSystems(worker, o);
    addKafkaTopicPrefix(worker, o);
    addKafkaLead(worker, o);
    addInteger(worker, "--commit-interval", o.commitIntervalMs, 10, 3'600'000,
               "commit the offsets of what was decided every MS milliseconds (default 500); after "
               "a crash, what was decided since the last commit is decided again by the others");
    addJsonOutput(worker, o, "the report (processed, succeeded, ...)");
    addQuiet(worker, o);
}

void registerProfiles(CommandLine& cl) {
    CliOptions& o = cl.options();
    CLI::App& profiles = cl.addCommand(
        "profiles", "connection profiles (passwords in the system keychain); default: list",
        profilesCommand);
    profiles.require_subcommand(0, 1);
    addProfilesFile(profiles, o);
    addProfilesFile(CommandLine::addAction(profiles, "list", "every profile"), o);
    const auto named = [&](const std::string& action, const std::string& description) {
        CLI::App& app = CommandLine::addAction(profiles, action, description);
        addPositional(app, "NAME", o.positional, "the profile's name")->required();
        addProfilesFile(app, o);
    };
    named("test", "connect and answer in plain words");
    named("set-password", "store the password read from one line of stdin");
    named("delete-password", "remove the password from the keychain");
}

void registerGuards(CommandLine& cl) {
    CliOptions& o = cl.options();
    addJsonOutput(
        cl.addCommand("guards", "every guard: name, family, what it needs", guardsCommand), o,
        "the guards");
}

}  // namespace

// What compare and lesson share: the live systems the lanes use, and how the lanes run.
void addComparisonOptions(CLI::App& app, CliOptions& o) {
    addSwitch(app, "--concurrent", o.concurrent,
              "run the lanes at once (they share the machine; the result says so)");
    addLiveSystems(app, o);
    addKafkaTopicPrefix(app, o);
    addNumber(app, "--give-up-after", o.giveUpAfter, isPositive, "seconds in (0, 86400]", "SECONDS",
              "a lane whose live system is unreachable this long ends with an error");
    addQuiet(app, o);
    addText(app, "--csv", o.csv, "FILE|-",
            "write the final table (one row per lane) as CSV to FILE (-: stdout)");
    addText(app, "--report", o.report, "FILE.html",
            "write a self-contained HTML report (table, charts, race witnesses, machine)");
    addText(app, "--pdf", o.pdf, "FILE.pdf", "write the same report as a PDF (A4 landscape)");
}

void registerCompare(CommandLine& cl) {
    CliOptions& o = cl.options();
    CLI::App& compare = cl.addCommand(
        "compare",
        "play one scenario through 2 to 12 configurations (lanes), each with the identical "
        "arrivals, and print them side by side",
        compareCommand);
    compare.footer(
        "lanes: the cross product of the lists (each unset list: the scenario's own "
        "value), or each --lane\n" +
        runFooter());
    addPositional(compare, "SCENARIO", o.positional, "the scenario file (JSON)")->required();
    addText(compare, "--guards", o.guardList, "G,...", "one lane per guard");
    addText(compare, "--pipelines", o.pipelineList, "P,...", "one lane per pipeline");
    addText(compare, "--transports", o.transportList, "T,...", "inproc and/or kafka");
    addText(compare, "--workers", o.workerList, "N,...", "one lane per worker count");
    addText(compare, "--partitions", o.partitionList, "N,...", "one lane per partition count");
    addText(compare, "--pace", o.paceList, "realtime|asap,...", "one lane per pace");
    compare
        .add_option("--lane", o.lanes,
                    "an explicit lane, KEY=VALUE,... of guard, pipeline, transport, workers, "
                    "partitions, pace, pool, name (repeatable; not with the lists)")
        ->type_name("SPEC")
        ->expected(1)
        ->allow_extra_args(false)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    addInteger(compare, "--seed", o.seed, 0, std::numeric_limits<std::int64_t>::max(),
               "the random seed of every lane (default: the scenario's)");
    addComparisonOptions(compare, o);
    addJsonOutput(compare, o, "{\"lanes\": [SUMMARY, ...]}");
}

void registerLesson(CommandLine& cl) {
    CliOptions& o = cl.options();
    CLI::App& lesson = cl.addCommand(
        "lesson",
        "run a lesson (a comparison with its expected findings) and check each finding: exit 3 "
        "when one does not hold",
        lessonCommand);
    addPositional(lesson, "NAME|FILE", o.positional, "a shipped lesson's name, or a lesson file");
    addSwitch(lesson, "--list", o.list, "the shipped lessons, with their titles");
    addComparisonOptions(lesson, o);
    addJsonOutput(lesson, o, "the lanes and each finding with whether it holds");
}

void registerServe(CommandLine& cl) {
    CliOptions& o = cl.options();
    CLI::App& serve = cl.addCommand(
        "serve", "an HTTP API in front of a run (seed 002's and /api/campaigns/{id}/apply)",
        serveCommand);
    serve.footer(runFooter());
    addText(serve, "--http", o.http, "HOST:PORT",
            "where to listen (default 127.0.0.1:8080; port 0: a free one, printed first)");
    addInteger(serve, "--http-threads", o.httpThreads, 1, 64,
               "HTTP I/O threads (default: half the processors, at least 1)");
    addText(serve, "--scenario", o.scenario, "FILE",
            "the campaigns and run settings (its arrivals are not played; default: seed-002)");
    addText(serve, "--admin-token-file", o.adminTokenFile, "FILE",
            "the admin endpoints' bearer token (default: made once, kept in "
            "~/.config/stampede/admin-token)");
    addText(serve, "--smtp", o.smtp, "smtp://[USER@]HOST:PORT",
            "deliver the outbox (codes, results) to this SMTP server (password from "
            "STAMPEDE_SMTP_PASSWORD; default: the outbox only)");
    addText(serve, "--smtp-from", o.smtpFrom, "ADDRESS",
            "the sender of those messages (default stampede@localhost)");
    addInteger(serve, "--max-body", o.maxBody, 1, 1LL << 30,
               "larger request bodies are answered 413 (default 65536 bytes)");
    addNumber(serve, "--request-timeout", o.requestTimeout, isPositive, "seconds in (0, 86400]",
              "SECONDS", "a request must arrive whole within this (default 10; slower: 408)");
    addRunConfiguration(serve, o);
    addInteger(serve, "--local-workers", o.localWorkers, 0, 256,
               "with --transport kafka: workers in this process (0: only `stampede-cli worker`s)");
    addText(serve, "--cluster", o.cluster, "NAME",
            "one run shared by every serve given NAME (behind a load balancer): with --transport "
            "kafka, --local-workers 0 and a redis guard, its stock is set by the first to start "
            "and joined by the others; `stampede-cli worker`s decide for all of them");
    addStore(serve, o, "persist the run (coupons, events, dead letters) in this store");
    addNumber(serve, "--event-sampling", o.eventSampling, isShare, "a share in [0, 1]", "SHARE",
              "with --store: the share of request events stored (default 1)");
    addLiveSystems(serve, o);
    addKafkaTopicPrefix(serve, o);
    addKafkaLead(serve, o);
    addRecording(serve, o, "every application taken over HTTP");
    addJsonOutput(serve, o, "the run summary with its `http` figures, at the end");
    addQuiet(serve, o);
}

void registerSubcommands(CommandLine& cl) {
    registerRun(cl);
    registerCompare(cl);
    registerLesson(cl);
    registerBench(cl);
    registerDlq(cl);
    registerAggregate(cl);
    registerExport(cl);
    registerBroker(cl);
    registerWorker(cl);
    registerProfiles(cl);
    registerGuards(cl);
    registerCapture(cl);
    registerReplay(cl);
    registerServe(cl);
}

}  // namespace stampede::cli
