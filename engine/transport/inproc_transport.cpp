#include "transport/inproc_transport.h"

#include <chrono>

namespace stampede::transport {

InprocTransport::InprocTransport(int partitions, std::size_t capacityPerPartition, int consumers) {
    partitions = partitions < 1 ? 1 : partitions;
    consumers = consumers < 1 ? 1 : consumers;
    for (int p = 0; p < partitions; ++p)
        m_queues.push_back(std::make_unique<BoundedQueue>(capacityPerPartition));
    m_consumersOfPartition.resize(static_cast<std::size_t>(partitions));
    for (int c = 0; c < consumers; ++c) m_consumers.push_back(std::make_unique<Consumer>());
    if (consumers <= partitions) {
        for (int p = 0; p < partitions; ++p) {
            m_consumers[static_cast<std::size_t>(p % consumers)]->partitions.push_back(p);
            m_consumersOfPartition[static_cast<std::size_t>(p)].push_back(p % consumers);
        }
    } else {
        for (int c = 0; c < consumers; ++c) {
            m_consumers[static_cast<std::size_t>(c)]->partitions.push_back(c % partitions);
            m_consumersOfPartition[static_cast<std::size_t>(c % partitions)].push_back(c);
        }
    }
}

void InprocTransport::notify(int partition) {
    // Pairs with the fence in waitForWork: either the consumer sees the message, or we see it
    // asleep and wake it.
    std::atomic_thread_fence(std::memory_order_seq_cst);
    for (int c : m_consumersOfPartition[static_cast<std::size_t>(partition)]) {
        Consumer& consumer = *m_consumers[static_cast<std::size_t>(c)];
        if (consumer.sleeping.load(std::memory_order_relaxed)) {
            {
                std::lock_guard lock(consumer.mutex);
                consumer.sleeping.store(false, std::memory_order_relaxed);
            }
            consumer.wake.notify_one();
        }
    }
}

void InprocTransport::notifyAll() {
    for (auto& consumer : m_consumers) {
        {
            std::lock_guard lock(consumer->mutex);
            consumer->sleeping.store(false, std::memory_order_relaxed);
        }
        consumer->wake.notify_one();
    }
}

bool InprocTransport::tryPop(int consumerIndex, Delivery& delivery) {
    Consumer& consumer = *m_consumers[static_cast<std::size_t>(consumerIndex)];
    const std::size_t n = consumer.partitions.size();
    for (std::size_t i = 0; i < n; ++i) {
        const int p = consumer.partitions[(consumer.next + i) % n];
        if (m_queues[static_cast<std::size_t>(p)]->tryPop(delivery.message)) {
            consumer.next = (consumer.next + i + 1) % n;
            return true;
        }
    }
    return false;
}

std::size_t InprocTransport::tryPopBatch(int consumerIndex, std::uint32_t* messages,
                                         std::size_t max) {
    Consumer& consumer = *m_consumers[static_cast<std::size_t>(consumerIndex)];
    const std::size_t n = consumer.partitions.size();
    for (std::size_t i = 0; i < n; ++i) {
        const int p = consumer.partitions[(consumer.next + i) % n];
        if (const std::size_t k =
                m_queues[static_cast<std::size_t>(p)]->tryPopBatch(messages, max)) {
            consumer.next = (consumer.next + i + 1) % n;
            return k;
        }
    }
    return 0;
}

void InprocTransport::waitForWork(int consumerIndex, std::int64_t timeoutNs) {
    Consumer& consumer = *m_consumers[static_cast<std::size_t>(consumerIndex)];
    std::unique_lock lock(consumer.mutex);
    consumer.sleeping.store(true, std::memory_order_relaxed);
    std::atomic_thread_fence(std::memory_order_seq_cst);
    for (int p : consumer.partitions) {
        if (m_queues[static_cast<std::size_t>(p)]->sizeApprox() > 0) {
            consumer.sleeping.store(false, std::memory_order_relaxed);
            return;
        }
    }
    consumer.wake.wait_for(lock, std::chrono::nanoseconds(timeoutNs),
                           [&] { return !consumer.sleeping.load(std::memory_order_relaxed); });
    consumer.sleeping.store(false, std::memory_order_relaxed);
}

std::size_t InprocTransport::depth() const {
    std::size_t total = 0;
    for (const auto& q : m_queues) total += q->sizeApprox();
    return total;
}

TransportStats InprocTransport::stats() const {
    TransportStats s;
    s.kind = "inproc";
    return s;
}

}  // namespace stampede::transport
