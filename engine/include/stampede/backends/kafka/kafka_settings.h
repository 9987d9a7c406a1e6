#pragma once
// Where and how to reach Kafka, as plain data (no librdkafka): the wiring layer (live/) builds it
// from the command line, the environment or a profile, and the Kafka pieces take it.

#include <cstdint>
#include <memory>
#include <string>

namespace stampede::backends::kafka {

class MockCluster;

// Where and how to reach Kafka. An empty bootstrap means the embedded mock cluster.
struct KafkaSettings {
    std::string bootstrap;
    std::string securityProtocol;  // empty: plaintext; "ssl", "sasl_ssl", ...
    std::string caFile;
    std::string topicPrefix = "stampede";
    // One requests topic shared by every run (empty: each run gets "<prefix>.<run>.requests").
    // A run then reads it from where it ended when the run began, and its messages carry the run
    // key, so other runs' messages on it are passed over.
    std::string requestsTopic;
    // Producers may run this far ahead of consumers on any partition (0: no bound). The mock
    // cluster keeps only about 100,000 messages per partition, so the default stays well inside.
    std::int64_t leadBoundPerPartition = 25'000;
    std::int64_t messageTimeoutMs = 30'000;  // a delivery that fails for this long is reported
    int socketTimeoutMs = 10'000;
    // How often a consumer commits the offsets of what it has decided. A consumer killed between
    // two commits has its uncommitted messages decided again by whoever takes its partitions
    // (absorbed: decisions are idempotent by request and by user), so a longer interval trades
    // fewer commits for more redelivery after a crash.
    int commitIntervalMs = 500;
    // Consumers join the run's group with subscribe() (so workers in other processes share the
    // partitions) instead of taking a static assignment.
    bool joinGroup = false;
    // A run shared by several ingress processes (`serve --cluster NAME` behind a load balancer):
    // each uses the topics, the group and the results of the run named NAME, tags its requests
    // with an origin of its own and takes back only their results; workers elsewhere decide
    // them all (no local consumers). Empty: a run of its own.
    std::string cluster;
    std::uint32_t origin = 0;  // this process in that run (0 with a cluster: one is drawn)
    // A mock cluster owned by the caller (tests): topics are created through it.
    std::shared_ptr<MockCluster> mock;
};

}  // namespace stampede::backends::kafka
