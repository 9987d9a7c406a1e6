#pragma once
// One door to a dead-letter queue, wherever it lives: the running engine's, a store's (after its
// run's process is gone), or a Kafka run's dead-letter topic. The CLI's `dlq` commands and the
// console's inspector list, filter, replay (with progress, cancel and a typed outcome) and purge
// through it, and never need to know which one they hold.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "stampede/backends/kafka/kafka_settings.h"
#include "stampede/dlq/dead_letter_queue.h"
#include "stampede/engine.h"
#include "stampede/store/store_url.h"

namespace stampede::live {

struct ListedDeadLetter {
    dlq::DeadLetter letter;
    std::int64_t runId = 0;  // the store's run; 0 for the engine's and a topic's
    std::string state;       // "pending", or what became of it ("replayed", "purged", "issued"…)
};

class DeadLetterSource {
public:
    virtual ~DeadLetterSource() = default;
    // Which queue this is, in words for the operator.
    virtual std::string describe() const = 0;
    // The entries that match `filter`: pending ones only, unless `everyState`. The store's and the
    // topic's read a database or a cluster, so a GUI calls this off its thread. nullopt with
    // `error` when the queue cannot be read.
    virtual std::optional<std::vector<ListedDeadLetter>> list(const dlq::DlqFilter& filter,
                                                              bool everyState,
                                                              std::string& error) = 0;
    // Replays `ids` (every pending entry when empty) at `perSecond` (0: as fast as decided) in
    // the background. Null with `error` when it cannot start.
    virtual std::shared_ptr<ReplayJob> replay(const std::vector<core::RequestId>& ids,
                                              double perSecond, std::string& error) = 0;
    // Removes entries for good (every pending one when `ids` is empty); how many, or nullopt with
    // `error` (a topic is never purged).
    virtual std::optional<std::size_t> purge(const std::vector<core::RequestId>& ids,
                                             std::string& error) = 0;
    virtual bool canPurge() const { return true; }
};

// What a dead-letter topic holds, at a glance: its pending entries and the run they came from.
struct TopicOverview {
    std::vector<dlq::DeadLetter> pending;
    std::int64_t entries = 0;
    std::vector<ListedDeadLetter> all;  // every entry, with what became of it
    std::string guard;                  // the run's guard; empty when its entries name none
    std::string sharedKey;  // the run's stock in the guard's backend; empty: it was in-process
};
// Reads `topic` and its replay marks; nullopt with `error` when the cluster does not answer or
// the topic does not exist.
std::optional<TopicOverview> readTopicOverview(const backends::kafka::KafkaSettings& settings,
                                               const std::string& topic, std::string& error);

// The running engine's DLQ (replays go back through its pipeline).
std::unique_ptr<DeadLetterSource> engineDeadLetters(std::shared_ptr<Engine> engine);
// A store's: run `runId`'s, or every run's when 0 (listing and purging only: a replay needs the
// run). Each call opens its own connection on the calling thread.
std::unique_ptr<DeadLetterSource> storedDeadLetters(store::StoreUrl url, std::int64_t runId);
// A Kafka run's dead-letter topic, replayed by user against its shared stock with `guards`
// (live/start_options.h's liveGuardFactory on the operator's systems).
std::unique_ptr<DeadLetterSource> topicDeadLetters(backends::kafka::KafkaSettings settings,
                                                   std::string topic, GuardFactory guards);

}  // namespace stampede::live
