#pragma once
// Command-line parsing for stampede-cli: flags become a CliOptions or a usage error naming the
// flag. Exit codes of the contract: 0 completed, 2 bad input, 1 internal failure.

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
    std::optional<std::string> pipeline, guard, transport, pace, json, store, ids, bucket, what,
        format, out, redis, mysql, kafka, kafkaSecurity, kafkaCa, kafkaTopicPrefix, kafkaTopic,
        topic;
    std::optional<long long> workers, partitions, seed, requests, run, kafkaLead, localWorkers,
        brokers;
    std::optional<double> rate, eventSampling;
    std::vector<std::string> profileNames;  // --profile, repeatable
    std::optional<std::string> profilesFile;
    bool rebuild = false;
    bool quiet = false;
};

// Parses argv; on error returns nullopt and sets `error` to a message naming the flag.
std::optional<CliOptions> parseCli(int argc, char** argv, std::string& error);
std::string usage();

// Writes `text` to `target` ("-" is stdout). False with `error` set when the file cannot be
// written.
bool writeOutput(const std::string& target, const std::string& text, std::string& error);

}  // namespace stampede::cli
