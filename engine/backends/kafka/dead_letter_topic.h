#pragma once
// Reading a run's dead-letter topic back (`stampede-cli dlq list --kafka … --topic …`): every
// entry from the topic's start to its end at the time of the call, as the JSON the run wrote.
// The replays of its entries are marked on a topic of their own (dead_letter_replay.h).

#include <optional>
#include <string>
#include <vector>

#include "backends/kafka/kafka_common.h"

namespace stampede::backends::kafka {

// Every message of `topic`, from its start to where it ends at the time of the call. nullopt
// with `error` when the cluster does not answer or the topic does not exist; with
// `missingIsEmpty`, a topic that does not exist is simply empty (and `exists`, if given, says
// which it was).
std::optional<std::vector<std::string>> readWholeTopic(const KafkaSettings& settings,
                                                       const std::string& topic, std::string& error,
                                                       bool missingIsEmpty = false,
                                                       bool* exists = nullptr);

inline std::optional<std::vector<std::string>> readDeadLetterTopic(const KafkaSettings& settings,
                                                                   const std::string& topic,
                                                                   std::string& error) {
    return readWholeTopic(settings, topic, error);
}

}  // namespace stampede::backends::kafka
