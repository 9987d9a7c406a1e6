#pragma once
// The `kafka` transport: requests travel through a Kafka topic of the run (one partition per
// run partition) from an idempotent producer (acks=all) to consumers of the run's group, which
// store a message's offset only once its request is final (at-least-once; a redelivered copy is
// absorbed because only one consumer can claim a queued request). Requests that end in the DLQ
// are also written to the run's dead-letter topic.
//
// Bounded lead: a producer may run at most `leadBoundPerPartition` messages ahead of the
// consumers of a partition, because a log that drops old messages (the mock cluster keeps about
// 100,000 per partition) would otherwise lose them. If an offset still falls out of range, the
// consumer reports the loss, skips to the log's start, and the engine sends again what waits.

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "backends/kafka/kafka_common.h"
#include "transport/delivered_set.h"
#include "transport/loss_monitor.h"
#include "transport/remote_run_link.h"
#include "transport/transport.h"

namespace stampede::backends::kafka {

class KafkaConsumer;

// The queue on Kafka topics, with the two things only a durable, shared transport has: a loss
// monitor (failed deliveries, offsets out of range) and the link to workers in other processes.
class KafkaTransport final : public transport::Transport,
                             public transport::LossMonitor,
                             public transport::RemoteRunLink {
public:
    // Connects (or starts the embedded mock cluster), creates the run's topics and the local
    // consumers. Null with `error` in plain words when Kafka cannot be reached in time.
    static std::unique_ptr<KafkaTransport> open(const KafkaSettings& settings,
                                                const transport::TransportSpec& spec,
                                                std::string& error);
    ~KafkaTransport() override;

    int partitions() const override { return m_partitions; }
    int consumers() const override { return static_cast<int>(m_consumers.size()); }
    bool tryPush(int partition, const transport::Envelope& envelope) override;
    void notify(int) override {}
    void notifyAll() override;
    bool tryPop(int consumer, transport::Delivery& delivery) override;
    void waitForWork(int consumer, std::int64_t timeoutNs) override;
    void acknowledge(int consumer, std::uint64_t token) override;
    bool redelivers() const override { return true; }
    bool stored(std::uint32_t message) const override { return m_stored.contains(message); }
    std::size_t depth() const override;
    transport::TransportStats stats() const override;
    transport::LossMonitor* lossMonitor() override { return this; }
    transport::RemoteRunLink* remoteLink() override { return this; }

    void takeFailedPushes(std::vector<std::uint32_t>& out) override;
    std::int64_t takeLostMessages() override;
    void publishDeadLetter(std::uint32_t requestId, const std::string& json) override;
    void countResent(std::int64_t n) override { m_resent.fetch_add(n); }
    std::int64_t outageMs() const override;
    std::string systemName() const override { return "Kafka at " + m_settings.bootstrap; }
    bool sharesWork() const override { return m_settings.joinGroup; }
    void announceRun(const std::string& json) override;
    void announceEnd() override;
    void takeRemoteResults(std::vector<transport::RemoteResult>& out) override;

    const RunTopics& topics() const { return m_topics; }
    std::uint32_t origin() const { return m_origin; }
    const std::string& bootstrap() const { return m_settings.bootstrap; }

    // Called by the consumers and the producer's delivery reports.
    void countConsumed(int partition, std::int64_t n);
    void countLost(int partition, std::int64_t n);
    // The consumer of `partition` has read every offset below `end`.
    void countReadUpTo(int partition, std::int64_t end);
    void countError() { m_errors.fetch_add(1, std::memory_order_relaxed); }
    // librdkafka said every broker is down: the outage starts now, unless it started before.
    void brokersDown();
    // The cluster answered (a delivery, a probe): the outage, if any, is over.
    void brokersUp() { m_downSinceNs.store(0, std::memory_order_relaxed); }
    void onDelivery(const rd_kafka_message_t& message);

private:
    KafkaTransport() = default;
    bool createTopics(std::string& error);
    bool learnPartitions(bool createUnsupported, const std::string& adminError, std::string& error);
    bool findStartOffsets(std::string& error);
    bool connectProducer(std::string& error);
    void pollProducer();
    // While the brokers are down, asks the cluster for its metadata once a second: the answer
    // ends the outage (librdkafka says when brokers go down, not when they come back).
    void probeWhileDown(std::chrono::steady_clock::time_point& lastProbe);
    void readResults();
    bool openResultsReader(std::string& error);
    // Messages the brokers acknowledged that the consumers, having read past the last
    // acknowledged offset, never got: lost by the log (seen with librdkafka's mock cluster after
    // failed Produce requests). Counted as lost, so the waiting requests are sent again.
    void findAcknowledgedButUnread();

    KafkaSettings m_settings;
    std::uint32_t m_origin = 0;
    transport::DeliveredSet m_stored;  // requests whose message the brokers acknowledged  // this
                                       // ingress process in a shared run (0: a run of one)
    std::shared_ptr<MockCluster> m_mock;  // the embedded cluster, or the caller's
    bool m_ownMock = false;
    RunTopics m_topics;
    int m_partitions = 1;
    rd_kafka_t* m_producer = nullptr;
    rd_kafka_topic_t* m_requestTopic = nullptr;
    rd_kafka_topic_t* m_deadLetterTopic = nullptr;
    rd_kafka_topic_t* m_controlTopic = nullptr;
    rd_kafka_t* m_resultsReader = nullptr;  // the results topic, when workers elsewhere share
    std::thread m_resultsThread;
    std::mutex m_remoteMutex;
    std::vector<transport::RemoteResult> m_remote;
    std::thread m_poller;
    std::atomic<bool> m_stopping{false};
    std::vector<std::unique_ptr<KafkaConsumer>> m_consumers;

    // Per partition: produced and consumed counts, for the lead bound.
    std::unique_ptr<std::atomic<std::int64_t>[]> m_produced;
    std::unique_ptr<std::atomic<std::int64_t>[]> m_consumed;
    // Per partition: deliveries acknowledged, the offset after the last one acknowledged, the
    // offset after the last one read.
    std::unique_ptr<std::atomic<std::int64_t>[]> m_delivered, m_ackedEnd, m_readEnd;
    struct Unread {  // what findAcknowledgedButUnread() saw last (the monitor's thread only)
        std::int64_t delivered = -1, consumed = -1;
        std::chrono::steady_clock::time_point since;
    };
    std::vector<Unread> m_unread;
    std::atomic<std::int64_t> m_maxLead{0};
    std::atomic<std::int64_t> m_acknowledged{0};
    std::atomic<std::int64_t> m_failures{0};
    std::atomic<std::int64_t> m_lost{0}, m_lostUntaken{0};
    std::atomic<std::int64_t> m_resent{0};
    std::atomic<std::int64_t> m_errors{0};
    std::atomic<std::int64_t> m_downSinceNs{0};  // steady clock; 0: the cluster answers
    std::mutex m_failedMutex;
    std::vector<std::uint32_t> m_failed;
    friend class KafkaConsumer;
};

// The factory the CLI and the console hand to the engine.
transport::TransportFactory makeKafkaTransportFactory(KafkaSettings settings);

}  // namespace stampede::backends::kafka
