#pragma once
// The options of stampede-cli's subcommands, each kind written once and bound into CliOptions:
// typed options checked against their range (the message names the option), and the groups that
// several subcommands share (the live systems, the store, the JSON output). Registering an option
// never reads or changes anything but the CliOptions field it is bound to.

#include <optional>
#include <string>
#include <vector>

#include "cli_options.h"

namespace CLI {
class App;
class Option;
}  // namespace CLI

namespace stampede::cli {

// --NAME VALUE; given twice, the last one counts (as with the hand-written parser before).
CLI::Option* addText(CLI::App& app, const std::string& name, std::optional<std::string>& slot,
                     const std::string& valueName, const std::string& help);
// --NAME N, an integer in [min, max]; anything else is "--NAME: expected an integer in …".
CLI::Option* addInteger(CLI::App& app, const std::string& name, std::optional<long long>& slot,
                        long long min, long long max, const std::string& help);
// --NAME X, a number that `accepts`; anything else is "--NAME: expected <expected>, got '…'".
CLI::Option* addNumber(CLI::App& app, const std::string& name, std::optional<double>& slot,
                       bool (*accepts)(double), const std::string& expected,
                       const std::string& valueName, const std::string& help);
CLI::Option* addSwitch(CLI::App& app, const std::string& name, bool& slot, const std::string& help);
// One positional argument (a word, not an option), appended to `slot` in the order registered.
CLI::Option* addPositional(CLI::App& app, const std::string& name, std::vector<std::string>& slot,
                           const std::string& help);

// The shared groups.
CLI::Option* addJsonOutput(CLI::App& app, CliOptions& o, const std::string& what);
CLI::Option* addQuiet(CLI::App& app, CliOptions& o);
CLI::Option* addStore(CLI::App& app, CliOptions& o, const std::string& help);
CLI::Option* addRunId(CLI::App& app, CliOptions& o, const std::string& help);
// --redis, --mysql: the backends of the live guards.
void addGuardBackends(CLI::App& app, CliOptions& o);
// --kafka, --kafka-security, --kafka-ca: how to reach a cluster. Returns --kafka.
CLI::Option* addKafkaConnection(CLI::App& app, CliOptions& o);
CLI::Option* addKafkaTopicPrefix(CLI::App& app, CliOptions& o);
CLI::Option* addKafkaLead(CLI::App& app, CliOptions& o);
// --profile NAME (repeatable) and --profiles FILE.
void addProfiles(CLI::App& app, CliOptions& o);
CLI::Option* addProfilesFile(CLI::App& app, CliOptions& o);
// Where run, worker and dlq replay find Redis, MySQL and Kafka: the groups above together.
// Returns --kafka.
CLI::Option* addLiveSystems(CLI::App& app, CliOptions& o);

}  // namespace stampede::cli
