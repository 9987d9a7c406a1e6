#pragma once
// The Kafka side of the command line: the settings that --kafka and --kafka-lead make, and the
// `broker` subcommand.

#include "backends/kafka/kafka_common.h"
#include "cli_options.h"

namespace stampede::cli {

backends::kafka::KafkaSettings kafkaSettingsFrom(const CliOptions& options);

}  // namespace stampede::cli
