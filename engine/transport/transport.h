#pragma once
// The queue between the ingress and the workers: the one interface the `inproc` rings and the
// `kafka` backend implement. What only a durable or shared transport does is apart: its loss
// monitor (loss_monitor.h) and its link to other processes (remote_run_link.h). The engine pushes a
// message (a request id, with kReplayBit for a DLQ replay) to a partition and a consumer pops it,
// processes it, and acknowledges it once the request is final. Acknowledgement is what a durable
// transport turns into a committed offset (at-least-once); the in-memory rings need none.

#include <cstddef>
#include <cstdint>

#include "stampede/transport/transport_types.h"

namespace stampede::transport {

class LossMonitor;
class RemoteRunLink;

// What travels besides the message: enough for a worker in another process to decide.
struct Envelope {
    std::uint32_t message = 0;  // request id | kReplayBit
    std::uint16_t campaign = 0;
    std::uint8_t flags = 0;  // core::Request flags at the time of the push
    std::uint64_t user = 0;
};

// One message as a consumer received it. `token` identifies the delivery for ack().
struct Delivery {
    std::uint32_t message = 0;
    std::uint64_t token = 0;
};

class Transport {
public:
    virtual ~Transport() = default;

    virtual int partitions() const = 0;
    virtual int consumers() const = 0;
    // The partition of a key (campaign and user): every message of one user goes to one place.
    int partitionFor(std::uint64_t key) const {
        // splitmix64 finaliser: spreads sequential user numbers evenly over partitions.
        key ^= key >> 30;
        key *= 0xbf58476d1ce4e5b9ULL;
        key ^= key >> 27;
        key *= 0x94d049bb133111ebULL;
        key ^= key >> 31;
        return static_cast<int>(key % static_cast<std::uint64_t>(partitions()));
    }

    // False when the partition cannot take more now (full, or too far ahead of its consumers).
    virtual bool tryPush(int partition, const Envelope& envelope) = 0;
    // Wakes the consumers of `partition` if they sleep. Call once after a batch of pushes.
    virtual void notify(int partition) = 0;
    virtual void notifyAll() = 0;

    // Pops the next message for the consumer (called from that consumer's thread only).
    virtual bool tryPop(int consumer, Delivery& delivery) = 0;
    // Sleeps until there may be work, `timeoutNs` passes, or notifyAll() is called.
    virtual void waitForWork(int consumer, std::int64_t timeoutNs) = 0;
    // The delivery's request is final (or the delivery was a duplicate): it need not come again.
    virtual void acknowledge(int /*consumer*/, std::uint64_t /*token*/) {}
    // True when a message can arrive more than once (redelivery after a rebalance or a loss).
    virtual bool redelivers() const { return false; }
    // Whether the request's message is stored where a crash of this process cannot lose it
    // (Kafka: its delivery was acknowledged). The in-memory rings keep nothing beyond the
    // process: there is nothing more to wait for.
    virtual bool stored(std::uint32_t /*message*/) const { return true; }

    virtual std::size_t depth() const = 0;  // messages waiting (approximate)

    virtual TransportStats stats() const = 0;

    // What only some transports have: null when this one loses nothing / never leaves the
    // process.
    virtual LossMonitor* lossMonitor() { return nullptr; }
    virtual RemoteRunLink* remoteLink() { return nullptr; }
};

}  // namespace stampede::transport
