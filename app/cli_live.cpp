#include "cli_live.h"

#include <cstdio>

namespace stampede::cli {

std::optional<live::LiveSystems> liveSystemsOrReport(const CliOptions& o, const char* command) {
    live::LiveFlags flags;
    flags.redis = o.redis;
    flags.mysql = o.mysql;
    flags.kafka = o.kafka;
    flags.kafkaSecurity = o.kafkaSecurity;
    flags.kafkaCa = o.kafkaCa;
    flags.kafkaTopicPrefix = o.kafkaTopicPrefix;
    flags.kafkaTopic = o.kafkaTopic;
    flags.kafkaLead = o.kafkaLead;
    flags.commitIntervalMs = o.commitIntervalMs;
    flags.store = o.store;
    flags.joinGroup = o.localWorkers.has_value();
    flags.cluster = o.cluster;
    flags.profileNames = o.profileNames;
    flags.profilesFile = o.profilesFile;
    std::string error;
    auto systems = live::fromCommandLine(flags, QProcessEnvironment::systemEnvironment(), error);
    if (!systems) std::fprintf(stderr, "stampede-cli %s: %s\n", command, error.c_str());
    return systems;
}

}  // namespace stampede::cli
