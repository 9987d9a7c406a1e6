#pragma once
// A worker in another process (`stampede-cli worker`): finds the run in progress on a Kafka
// cluster (announced on the control topic), joins its consumer group, decides each request with
// the run's shared guard (Redis or MySQL, attached to the run's stock, never reset), and sends
// every decision back on the run's results topic. A message's offset is stored only once its
// decision is delivered, so a worker killed mid-run loses nothing: the group gives its
// partitions to the others, which decide the redelivered requests again (by user, so nobody
// takes a second unit).

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "stampede/backends/kafka/kafka_settings.h"
#include "stampede/guards/guard.h"

namespace stampede::backends::kafka {

struct RemoteWorkerReport {
    std::string runKey;
    std::string guard;
    std::int64_t processed = 0;  // decisions sent back
    // succeeded: units this worker took. issuedBefore: copies of requests decided before (by
    // this or another worker) answered with that decision, so the workers' succeeded add up to
    // what the guard issued.
    std::int64_t succeeded = 0, issuedBefore = 0, soldOut = 0, lotteryLost = 0, failed = 0;
    std::int64_t retries = 0;
};

using RemoteGuardFactory =
    std::function<std::unique_ptr<guards::Guard>(std::string_view name, std::string& error)>;

struct RemoteWorkerOptions {
    KafkaSettings settings;
    RemoteGuardFactory guards;
    std::chrono::seconds waitForRun{60};  // how long to wait for a run to be announced
    std::uint16_t workerId = 0;
    // Called about once a second with the report so far (for progress lines).
    std::function<void(const RemoteWorkerReport&)> progress;
};

// Runs until the run ends or `stop` is set. False with `error` when no run could be joined.
bool runRemoteWorker(const RemoteWorkerOptions& options, const std::atomic<bool>& stop,
                     RemoteWorkerReport& report, std::string& error);

}  // namespace stampede::backends::kafka
