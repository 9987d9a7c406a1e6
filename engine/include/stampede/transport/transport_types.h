#pragma once
// What a front end sees of the transports: what a run asks of one, what it reports, and the
// factory a front end passes in (live/start_options.h builds it). The interfaces themselves
// (transport/transport.h, loss_monitor.h, remote_run_link.h) are the engine's inside.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace stampede::transport {

class Transport;

// What the transport did, for the snapshot and the summary's "transport_stats".
struct TransportStats {
    std::string kind;    // "inproc", "kafka"
    std::string detail;  // Kafka: bootstrap servers, topics and group
    std::int64_t produced = 0;
    std::int64_t consumed = 0;
    std::int64_t acknowledged = 0;
    // Copies consumed again (after a rebalance or a broker outage) and dropped because their
    // request was already claimed: consumed == produced + redelivered when nothing is lost.
    std::int64_t redelivered = 0;
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

// Makes the transport of a run by name ("kafka"); null with `error` saying why. The CLI and the
// console pass one that knows the Kafka backend; `inproc` needs none.
using TransportFactory = std::function<std::unique_ptr<Transport>(
    std::string_view name, const TransportSpec& spec, std::string& error)>;

}  // namespace stampede::transport
