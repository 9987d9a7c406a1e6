#pragma once
// Replaying a Kafka run's dead-letter topic after the run has ended (`stampede-cli dlq replay
// --kafka … --topic …`, and the console's DLQ inspector on an opened topic).
//
// Every entry names its run ("origin": the guard, the shared stock's key, the campaigns). The
// replay attaches to that stock without resetting it and decides each pending entry again, by
// user: a user who already holds a unit (an earlier replay, a replay during the run) is answered
// "already held" and takes nothing. Each decision is then marked on "<topic>.replays", and an
// entry with a mark is no longer pending. A replayer that dies between a decision and its mark
// leaves the entry pending; the next replay finds the user holding the unit and only marks it.
// So a topic can be replayed any number of times, from any process, and never issues twice.
// Only guards that decide by user can do this; the others are refused, with the reason.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "backends/kafka/kafka_common.h"
#include "guards/decider.h"
#include "stampede/backends/kafka/remote_worker.h"
#include "stampede/dlq/dead_letter_queue.h"
#include "stampede/run_types.h"

namespace stampede::backends::kafka {

// Where the replays of `deadLetterTopic`'s entries are marked.
std::string replayMarksTopic(const std::string& deadLetterTopic);

struct TopicEntry {
    dlq::DeadLetter letter;
    std::string replayed;  // empty while pending; else the mark's outcome ("issued", ...)
};

// A dead-letter topic as a replay sees it: its latest entry per request, in request order, each
// with its mark, and the run the entries came from.
struct TopicDeadLetters {
    std::vector<TopicEntry> entries;
    std::string guard;                   // the run's guard; empty for entries that carry no origin
    std::string sharedKey;               // the run's stock in the guard's backend
    std::vector<std::string> campaigns;  // campaign ids, by index
    bool marksTopicExists = false;
    guards::RetryPolicy retry;  // the run's

    std::int64_t pending() const;
};

// nullopt with `error` when the cluster does not answer or the topic does not exist.
std::optional<TopicDeadLetters> readTopicDeadLetters(const KafkaSettings& settings,
                                                     const std::string& topic, std::string& error);

struct TopicReplayOptions {
    KafkaSettings settings;
    std::string topic;
    RemoteGuardFactory guards;         // the run's guard, by name, on the operator's backend
    std::vector<core::RequestId> ids;  // empty: every pending entry
    double perSecond = 0;              // 0: as fast as the guard answers
};

// Starts the replay in the background; the job reports progress like an engine replay (accepted:
// decided and marked; skipped: asked for but not pending) and can be cancelled.
std::shared_ptr<ReplayJob> replayDeadLetterTopic(TopicReplayOptions options);

}  // namespace stampede::backends::kafka
