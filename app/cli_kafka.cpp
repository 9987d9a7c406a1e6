// `stampede-cli broker`: librdkafka's mock cluster served standalone, so several Stampede
// processes (and kcat) can share one Kafka without an installed broker. The bootstrap address is
// the first line of the output; it serves until SIGINT or SIGTERM.

#include "cli_kafka.h"

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <thread>

#include "backends/kafka/mock_cluster.h"
#include "cli_commands.h"

namespace stampede::cli {

namespace {
std::atomic<bool> g_brokerStop{false};
void onBrokerSignal(int) { g_brokerStop.store(true); }
}  // namespace

backends::kafka::KafkaSettings kafkaSettingsFrom(const CliOptions& o) {
    backends::kafka::KafkaSettings settings;
    if (o.kafka) settings.bootstrap = *o.kafka;
    if (o.kafkaLead) settings.leadBoundPerPartition = *o.kafkaLead;
    if (o.localWorkers) settings.joinGroup = true;
    return settings;
}

int brokerCommand(const CliOptions& o) {
    std::string error;
    const int brokers = static_cast<int>(o.brokers.value_or(3));
    auto mock = backends::kafka::MockCluster::start(brokers, error);
    if (!mock) {
        std::fprintf(stderr, "stampede-cli broker: %s\n", error.c_str());
        return kExitInternal;
    }
    std::signal(SIGINT, onBrokerSignal);
    std::signal(SIGTERM, onBrokerSignal);
    std::printf("%s\n", mock->bootstrap().c_str());
    std::fflush(stdout);
    std::fprintf(stderr,
                 "mock Kafka cluster: %d brokers at %s (topics are created on first use);\n"
                 "Ctrl+C stops it. Its log keeps about 100,000 messages per partition.\n",
                 brokers, mock->bootstrap().c_str());
    while (!g_brokerStop.load()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    return kExitOk;
}

}  // namespace stampede::cli
