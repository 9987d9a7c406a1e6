#pragma once
// librdkafka's built-in mock cluster: real Kafka protocol on loopback listeners, in this
// process. The embedded default for `--transport kafka`, the standalone `stampede-cli broker`,
// and the tests' way to set brokers down, slow them or make requests fail.

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <memory>
#include <string>

namespace stampede::backends::kafka {

class MockCluster {
public:
    static std::unique_ptr<MockCluster> start(int brokers, std::string& error);
    ~MockCluster();
    MockCluster(const MockCluster&) = delete;
    MockCluster& operator=(const MockCluster&) = delete;

    const std::string& bootstrap() const { return m_bootstrap; }
    int brokers() const { return m_brokers; }
    bool createTopic(const std::string& name, int partitions, std::string& error);

    // Faults, by broker id (1..brokers) or -1 for all of them.
    void setDown(int broker);
    void setUp(int broker);
    void setRtt(int broker, int milliseconds);
    // The next `count` requests of a kind (Kafka API key: 0 Produce, 1 Fetch, 8 OffsetCommit)
    // fail with `error`.
    void failRequests(int apiKey, int count, rd_kafka_resp_err_t error);
    // The next `count` requests of a kind to every broker answer `rttMs` late (without error).
    void delayRequests(int apiKey, int count, int rttMs);

private:
    MockCluster() = default;
    rd_kafka_t* m_handle = nullptr;  // the cluster lives as long as this handle
    rd_kafka_mock_cluster_t* m_cluster = nullptr;
    std::string m_bootstrap;
    int m_brokers = 0;
};

}  // namespace stampede::backends::kafka
