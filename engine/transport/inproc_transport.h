#pragma once
// The `inproc` transport: partitioned bounded queues in memory, consumed by a fixed set of
// consumers as a Kafka consumer group would (each partition belongs to one consumer when there
// are at least as many partitions as consumers; otherwise consumers share partitions). Idle
// consumers sleep; producers ring only the doorbells of consumers that are asleep.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "transport/bounded_queue.h"
#include "transport/transport.h"

namespace stampede::transport {

class InprocTransport final : public Transport {
public:
    InprocTransport(int partitions, std::size_t capacityPerPartition, int consumers);

    int partitions() const override { return static_cast<int>(m_queues.size()); }
    int consumers() const override { return static_cast<int>(m_consumers.size()); }

    bool tryPush(int partition, const Envelope& envelope) override {
        return m_queues[static_cast<std::size_t>(partition)]->tryPush(envelope.message);
    }
    void notify(int partition) override;
    void notifyAll() override;

    // Pushes up to `n` messages to `partition` at once; how many went (0: the partition is full).
    std::size_t tryPushBatch(int partition, const std::uint32_t* messages, std::size_t n) {
        return m_queues[static_cast<std::size_t>(partition)]->tryPushBatch(messages, n);
    }

    // Pops the next message of one of the consumer's partitions, round robin between them.
    bool tryPop(int consumer, Delivery& delivery) override;
    // Pops up to `max` messages of one partition of the consumer's (round robin); how many.
    std::size_t tryPopBatch(int consumer, std::uint32_t* messages, std::size_t max);
    // Sleeps until a producer rings, `timeoutNs` passes, or notifyAll() is called.
    void waitForWork(int consumer, std::int64_t timeoutNs) override;

    std::size_t depth() const override;  // messages waiting in all partitions (approximate)
    TransportStats stats() const override;
    std::size_t depth(int partition) const {
        return m_queues[static_cast<std::size_t>(partition)]->sizeApprox();
    }

private:
    struct Consumer {
        std::vector<int> partitions;
        std::size_t next = 0;
        std::atomic<bool> sleeping{false};
        std::mutex mutex;
        std::condition_variable wake;
    };
    std::vector<std::unique_ptr<BoundedQueue>> m_queues;
    std::vector<std::unique_ptr<Consumer>> m_consumers;
    std::vector<std::vector<int>> m_consumersOfPartition;
};

}  // namespace stampede::transport
