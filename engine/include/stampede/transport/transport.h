#pragma once
// The queue between the ingress and the workers: the one interface the `inproc` rings and the
// `kafka` backend implement. The engine pushes a message (a request id, with kReplayBit for a DLQ
// replay) to a partition and a consumer pops it, processes it, and acknowledges it once the
// request is final. Acknowledgement is what a durable transport turns into a committed offset
// (at-least-once); the in-memory rings need none.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace stampede::transport {

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

// A decision made by a worker in another process, as it came back to the ingress.
enum class RemoteOutcome : std::uint8_t { Succeeded, SoldOut, LotteryLost, Failed };
struct RemoteResult {
    std::uint32_t message = 0;  // request id | kReplayBit
    RemoteOutcome outcome = RemoteOutcome::Failed;
    std::uint8_t attempts = 1;
};

// What the transport did, for the snapshot and the summary's "transport_stats".
struct TransportStats {
    std::string kind;    // "inproc", "kafka"
    std::string detail;  // Kafka: bootstrap servers, topics and group
    std::int64_t produced = 0;
    std::int64_t consumed = 0;
    std::int64_t acknowledged = 0;
    std::int64_t produceFailures = 0;  // delivery reports that failed: compensated by the engine
    std::int64_t lostMessages = 0;     // offsets that fell out of range: a detected loss
    std::int64_t resent = 0;           // requests the engine sent again after a loss
    std::int64_t maxLead = 0;          // most messages produced and not yet consumed, any partition
    std::int64_t leadBound = 0;        // the bound on that lead (0: none)
    std::int64_t errors = 0;           // transport errors seen (broker down, timeouts)
};

// What a run asks of its transport.
struct TransportSpec {
    int partitions = 1;
    int consumers = 1;  // local consumers (the run's workers)
    std::size_t capacityPerPartition = 4096;
    std::string scenarioName;
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

    virtual std::size_t depth() const = 0;  // messages waiting (approximate)

    // Messages whose delivery failed for good since the last call (the engine compensates).
    virtual void takeFailedPushes(std::vector<std::uint32_t>& /*out*/) {}
    // Messages lost (offsets out of range) since the last call: the engine sends again what is
    // still waiting.
    virtual std::int64_t takeLostMessages() { return 0; }
    // A request ended in the DLQ: durable transports keep a dead-letter topic of them.
    virtual void publishDeadLetter(std::uint32_t /*requestId*/, const std::string& /*json*/) {}
    // The engine sent `n` requests again after a loss.
    virtual void countResent(std::int64_t /*n*/) {}

    // Workers in other processes: the run is announced (what they need to join it, as JSON)
    // when it starts and again when it ends; their decisions come back through here.
    virtual bool sharesWork() const { return false; }
    virtual void announceRun(const std::string& /*json*/) {}
    virtual void announceEnd() {}
    virtual void takeRemoteResults(std::vector<RemoteResult>& /*out*/) {}
    virtual TransportStats stats() const = 0;
};

// Makes the transport of a run by name ("kafka"); null with `error` saying why. The CLI and the
// console pass one that knows the Kafka backend; `inproc` needs none.
using TransportFactory = std::function<std::unique_ptr<Transport>(
    std::string_view name, const TransportSpec& spec, std::string& error)>;

}  // namespace stampede::transport
