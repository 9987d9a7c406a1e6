#pragma once
// What stampede-cli's subcommands receive: the options given on the command line (parsed by
// cli_command_line.h). Exit codes of the contract: 0 completed, 2 bad input, 1 internal failure.

#include <optional>
#include <string>
#include <vector>

namespace stampede::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitInternal = 1;
inline constexpr int kExitBadInput = 2;

struct CliOptions {
    std::string command;
    std::vector<std::string> positional;
    std::optional<std::string> pipeline, guard, transport, pace, json, csv, report, pdf, store, ids,
        bucket, what, format, out, redis, mysql, kafka, kafkaSecurity, kafkaCa, kafkaTopicPrefix,
        kafkaTopic, topic;
    std::optional<long long> workers, partitions, seed, requests, run, kafkaLead, localWorkers,
        brokers, commitIntervalMs, dbPool;
    std::optional<double> rate, eventSampling, giveUpAfter;
    // Captures: run --record, capture info|convert, replay.
    std::optional<std::string> record, anonymise, scenario, replayRate, campaignFilter, userPattern,
        mapCampaign, onError;
    std::optional<long long> recordMaxBytes, loops, stock;
    std::optional<double> speed, fromMs, toMs;
    bool dryRun = false;
    std::vector<std::string> campaignFrom, userFrom;  // capture mapping rules, in order
    // compare and lesson: the lists whose cross product makes the lanes, or explicit --lane's.
    std::optional<std::string> guardList, pipelineList, transportList, workerList, partitionList,
        paceList;
    std::vector<std::string> lanes;
    bool concurrent = false;
    bool list = false;
    std::vector<std::string> profileNames;  // --profile, repeatable
    std::optional<std::string> profilesFile;
    // serve: the HTTP ingress.
    std::optional<std::string> http, adminTokenFile, metrics, smtp, smtpFrom, cluster;
    std::optional<long long> httpThreads, maxBody;
    std::optional<double> requestTimeout;
    bool rebuild = false;
    bool quiet = false;
};

// The top-level help text: every subcommand, made from their registrations.
std::string usage();

// Writes `text` to `target` ("-" is stdout). False with `error` set when the file cannot be
// written.
bool writeOutput(const std::string& target, const std::string& text, std::string& error);

// Before a long command starts: --json, --csv and --report name files that can be written (an
// existing file that is writable, or a writable folder) and not the same one twice. Nothing is
// created; false after saying which option and why, naming `command`.
bool outputsCanBeWritten(const CliOptions& o, const char* command);

}  // namespace stampede::cli
