#pragma once
// One local consumer of the `kafka` transport: a librdkafka consumer used by one worker thread.
// It pops messages in batches, remembers each delivery's offset, and stores a partition's offset
// only up to the first delivery that is not yet acknowledged (a request still being retried
// holds the offsets after it back), so a restart redelivers, never skips.

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "backends/kafka/kafka_common.h"
#include "transport/transport.h"

namespace stampede::backends::kafka {

class KafkaTransport;

class KafkaConsumer {
public:
    // `partitions`: a static assignment; ignored when the settings join the group instead.
    // `owner` (may be null: a remote worker) counts what is consumed and lost.
    static std::unique_ptr<KafkaConsumer> open(KafkaTransport* owner, const KafkaSettings& settings,
                                               const RunTopics& topics,
                                               const std::vector<int>& partitions,
                                               std::string& error);
    ~KafkaConsumer();
    KafkaConsumer(const KafkaConsumer&) = delete;
    KafkaConsumer& operator=(const KafkaConsumer&) = delete;

    bool tryPop(transport::Delivery& delivery);  // never blocks
    // The same, with what travelled besides the message (for a worker in another process).
    // `origin`, if given: the ingress process the request came from (0 in a run of one).
    bool tryPop(transport::Delivery& delivery, transport::Envelope& envelope,
                std::uint32_t* origin = nullptr);
    void waitForWork(int timeoutMs);  // blocks until messages, the timeout, or wake()
    void acknowledge(std::uint64_t token);
    void wake();  // from any thread
    // The cluster is gone: the destructor neither commits nor leaves the group (which would
    // wait for a broker that does not answer), so closing takes bounded time.
    // (It also does so by itself while its last word from the cluster was "all brokers down".)
    void closeWithoutCluster() { m_closeWithoutCluster = true; }

    static std::uint64_t tokenOf(int partition, std::int64_t offset) {
        return (std::uint64_t(partition) << 48) | (std::uint64_t(offset) & kOffsetMask);
    }

private:
    static constexpr std::uint64_t kOffsetMask = (std::uint64_t(1) << 48) - 1;
    struct Progress {
        std::deque<std::pair<std::int64_t, bool>> pending;  // offset, acknowledged
        std::int64_t lastConsumed = -1;
        std::int64_t toStore = -1;
        bool dirty = false;
    };

    KafkaConsumer(KafkaTransport* owner, RunTopics topics)
        : m_owner(owner), m_topics(std::move(topics)) {}
    void fill(int timeoutMs);       // replaces what is ready with a new batch
    void readBatch(int timeoutMs);  // appends a batch to what is ready
    void take(const rd_kafka_message_t& message);
    void storeOffsets();
    void settle(Progress& progress);
    bool isThisRuns(const rd_kafka_message_t& message) const;  // by its key (shared topic)
    void onRebalance(rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* partitions);
    static void rebalanceCallback(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                                  rd_kafka_topic_partition_list_t* partitions, void* opaque);

    KafkaTransport* m_owner;
    RunTopics m_topics;
    rd_kafka_t* m_rk = nullptr;
    rd_kafka_queue_t* m_queue = nullptr;
    struct Ready {
        transport::Delivery delivery;
        transport::Envelope envelope;
        std::uint32_t origin = 0;
    };
    std::vector<Ready> m_ready;
    std::size_t m_next = 0;
    std::unordered_map<int, Progress> m_progress;  // the worker thread's only
    std::atomic<bool> m_closeWithoutCluster{false};
};

}  // namespace stampede::backends::kafka
