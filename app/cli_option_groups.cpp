#include "cli_option_groups.h"

#include <CLI/CLI.hpp>

#include <charconv>
#include <cstdlib>

namespace stampede::cli {
namespace {

bool parseInteger(const std::string& text, long long& out) {
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc() && end == text.data() + text.size();
}

bool parseNumber(const std::string& text, double& out) {
    char* end = nullptr;
    out = std::strtod(text.c_str(), &end);
    return !text.empty() && end && *end == '\0';
}

}  // namespace

CLI::Option* addText(CLI::App& app, const std::string& name, std::optional<std::string>& slot,
                     const std::string& valueName, const std::string& help) {
    return app.add_option(name, slot, help)
        ->type_name(valueName)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
}

CLI::Option* addInteger(CLI::App& app, const std::string& name, std::optional<long long>& slot,
                        long long min, long long max, const std::string& help) {
    // The check runs on the text before CLI11 converts it, so the message is ours.
    const CLI::Validator inRange(
        [min, max](std::string& text) {
            long long v = 0;
            if (parseInteger(text, v) && v >= min && v <= max) return std::string();
            return "expected an integer in [" + std::to_string(min) + ", " + std::to_string(max) +
                   "], got '" + text + "'";
        },
        "");
    return app.add_option(name, slot, help)
        ->type_name("N")
        ->check(inRange)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
}

CLI::Option* addNumber(CLI::App& app, const std::string& name, std::optional<double>& slot,
                       bool (*accepts)(double), const std::string& expected,
                       const std::string& valueName, const std::string& help) {
    const CLI::Validator check(
        [accepts, expected](std::string& text) {
            double v = 0;
            if (parseNumber(text, v) && accepts(v)) return std::string();
            return "expected " + expected + ", got '" + text + "'";
        },
        "");
    return app.add_option(name, slot, help)
        ->type_name(valueName)
        ->check(check)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
}

CLI::Option* addSwitch(CLI::App& app, const std::string& name, bool& slot,
                       const std::string& help) {
    return app.add_flag(name, slot, help);
}

CLI::Option* addPositional(CLI::App& app, const std::string& name, std::vector<std::string>& slot,
                           const std::string& help) {
    return app
        .add_option_function<std::string>(
            name, [&slot](const std::string& value) { slot.push_back(value); }, help)
        ->type_name("");
}

CLI::Option* addJsonOutput(CLI::App& app, CliOptions& o, const std::string& what) {
    return addText(app, "--json", o.json, "FILE|-",
                   "write " + what + " as JSON to FILE (-: stdout)");
}

CLI::Option* addQuiet(CLI::App& app, CliOptions& o) {
    return addSwitch(app, "--quiet", o.quiet, "no progress output");
}

CLI::Option* addStore(CLI::App& app, CliOptions& o, const std::string& help) {
    return addText(app, "--store", o.store, "URL",
                   help + "; sqlite:///PATH or mysql://USER@HOST:PORT/DB");
}

CLI::Option* addRunId(CLI::App& app, CliOptions& o, const std::string& help) {
    return addInteger(app, "--run", o.run, 1, 1LL << 62, help)->type_name("ID");
}

void addGuardBackends(CLI::App& app, CliOptions& o) {
    addText(app, "--redis", o.redis, "URL",
            "redis://[USER@]HOST:PORT[/DB] of the redis-* guards (they need one, as the "
            "mysql-* guards need --mysql)");
    addText(app, "--mysql", o.mysql, "URL", "mysql://USER@HOST:PORT/DB of the mysql-* guards");
}

CLI::Option* addKafkaConnection(CLI::App& app, CliOptions& o) {
    CLI::Option* kafka =
        addText(app, "--kafka", o.kafka, "HOST:PORT[,...]", "a Kafka cluster's bootstrap servers");
    addText(app, "--kafka-security", o.kafkaSecurity, "PROTOCOL",
            "plaintext (default), ssl, sasl_ssl or sasl_plaintext");
    addText(app, "--kafka-ca", o.kafkaCa, "CA_FILE", "the CA certificate of an ssl cluster");
    return kafka;
}

CLI::Option* addKafkaTopicPrefix(CLI::App& app, CliOptions& o) {
    return addText(app, "--kafka-topic-prefix", o.kafkaTopicPrefix, "P",
                   "topics P.<run>.requests, .dlt, .results and P.runs (default stampede)");
}

CLI::Option* addKafkaLead(CLI::App& app, CliOptions& o) {
    return addInteger(app, "--kafka-lead", o.kafkaLead, 0, 10'000'000,
                      "producers stay at most N messages ahead of consumers per partition "
                      "(default 25000, 0: no bound); consumers prefetch twice that");
}

void addProfiles(CLI::App& app, CliOptions& o) {
    app.add_option("--profile", o.profileNames,
                   "a connection profile standing for --redis, --mysql or --kafka (repeatable; "
                   "its password from the keychain)")
        ->type_name("NAME")
        ->expected(1)
        ->allow_extra_args(false)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    addProfilesFile(app, o);
}

CLI::Option* addProfilesFile(CLI::App& app, CliOptions& o) {
    return addText(app, "--profiles", o.profilesFile, "FILE",
                   "the profiles file (default $STAMPEDE_PROFILES or "
                   "~/.config/stampede/profiles.json)");
}

CLI::Option* addLiveSystems(CLI::App& app, CliOptions& o) {
    addGuardBackends(app, o);
    CLI::Option* kafka = addKafkaConnection(app, o);
    addProfiles(app, o);
    return kafka;
}

}  // namespace stampede::cli
