#pragma once
// The three dimensions of a run (pipeline, guard, transport) and the knobs that go with them.
// Plain data shared by the scenario format, the engine and the CLI.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace stampede::core {

enum class Pipeline : std::uint8_t { Sync, DecideAtIngress, DecideInWorker };
enum class Transport : std::uint8_t { Inproc, Kafka };
enum class Backpressure : std::uint8_t { Block, Shed };  // a full queue waits, or sheds OVERLOADED
enum class Pace : std::uint8_t { Realtime, Asap };  // arrivals at their times, or as fast as taken
enum class DelayDistribution : std::uint8_t { Fixed, Uniform, Exponential };

std::string_view toString(Pipeline p);      // "sync" | "decide-at-ingress" | "decide-in-worker"
std::string_view toString(Transport t);     // "inproc" | "kafka"
std::string_view toString(Backpressure b);  // "block" | "shed"
std::string_view toString(Pace p);          // "realtime" | "asap"
std::string_view toString(DelayDistribution d);  // "fixed" | "uniform" | "exponential"
std::optional<Pipeline> parsePipeline(std::string_view text);
std::optional<Transport> parseTransport(std::string_view text);
std::optional<Backpressure> parseBackpressure(std::string_view text);
std::optional<Pace> parsePace(std::string_view text);
std::optional<DelayDistribution> parseDelayDistribution(std::string_view text);

// The guards' names live in guards/guard_registry.h, with their families and what they need.

struct RunConfig {
    Pipeline pipeline = Pipeline::DecideInWorker;
    std::string guard = "atomic";
    Transport transport = Transport::Inproc;
    int workers = 4;
    int partitions = 4;
    int maxAttempts = 3;
    std::int64_t queueCapacity = 65536;  // per partition
    Backpressure backpressure = Backpressure::Block;
    double retryBackoffMs = 2;       // first retry waits up to this (full jitter)
    double retryBackoffMaxMs = 200;  // cap of the exponential backoff
    Pace pace = Pace::Realtime;
    // The mysql-* guards' connection pool (HikariCP's maximumPoolSize): at most this many
    // decisions hold a connection at once, the others wait for one. 0: one per worker, no wait.
    int dbPool = 0;
};

struct FaultConfig {
    double transientFailureRate = 0;     // per processing attempt
    double permanentFailureRate = 0;     // per processing attempt
    std::int64_t processingDelayUs = 0;  // mean of the distribution
    DelayDistribution delayDistribution = DelayDistribution::Fixed;
    int workerCrashes = 0;  // spread evenly over the run
};

}  // namespace stampede::core
