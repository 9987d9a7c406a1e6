#pragma once
// Reading a run's dead-letter topic back (`stampede-cli dlq list --kafka … --topic …`): every
// entry from the topic's start to its end at the time of the call, as the JSON the run wrote.

#include <optional>
#include <string>
#include <vector>

#include "backends/kafka/kafka_common.h"

namespace stampede::backends::kafka {

// nullopt with `error` when the cluster does not answer or the topic does not exist.
std::optional<std::vector<std::string>> readDeadLetterTopic(const KafkaSettings& settings,
                                                            const std::string& topic,
                                                            std::string& error);

}  // namespace stampede::backends::kafka
