#include "stampede/backends/kafka/mock_cluster.h"

#include <vector>

#include "backends/kafka/kafka_common.h"

namespace stampede::backends::kafka {

std::unique_ptr<MockCluster> MockCluster::start(int brokers, std::string& error) {
    std::unique_ptr<MockCluster> mock(new MockCluster());
    Config config;
    // The cluster lives inside a client handle, which then points at it (and stays idle).
    config.set("test.mock.num.brokers", std::to_string(brokers));
    mock->m_handle = config.create(RD_KAFKA_PRODUCER, error);
    if (!mock->m_handle) return nullptr;
    mock->m_cluster = rd_kafka_handle_mock_cluster(mock->m_handle);
    if (!mock->m_cluster) {
        error = "the embedded Kafka mock cluster could not start (no free loopback port?)";
        return nullptr;
    }
    mock->m_brokers = brokers;
    mock->m_bootstrap = rd_kafka_mock_cluster_bootstraps(mock->m_cluster);
    return mock;
}

MockCluster::~MockCluster() {
    if (m_handle) rd_kafka_destroy(m_handle);  // takes its cluster along
}

bool MockCluster::createTopic(const std::string& name, int partitions, std::string& error) {
    const rd_kafka_resp_err_t err =
        rd_kafka_mock_topic_create(m_cluster, name.c_str(), partitions, 1);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        error = "topic " + name + ": " + rd_kafka_err2str(err);
        return false;
    }
    return true;
}

void MockCluster::setDown(int broker) {
    rd_kafka_mock_broker_set_down(m_cluster, broker);
}
void MockCluster::setUp(int broker) {
    rd_kafka_mock_broker_set_up(m_cluster, broker);
}
void MockCluster::setRtt(int broker, int milliseconds) {
    rd_kafka_mock_broker_set_rtt(m_cluster, broker, milliseconds);
}

void MockCluster::failRequests(int apiKey, int count, rd_kafka_resp_err_t error) {
    const std::vector<rd_kafka_resp_err_t> errors(static_cast<std::size_t>(count), error);
    rd_kafka_mock_push_request_errors_array(m_cluster, static_cast<std::int16_t>(apiKey),
                                            errors.size(), errors.data());
}

void MockCluster::delayRequests(int apiKey, int count, int rttMs) {
    for (int broker = 1; broker <= m_brokers; ++broker)
        for (int i = 0; i < count; ++i)
            rd_kafka_mock_broker_push_request_error_rtts(m_cluster, broker,
                                                         static_cast<std::int16_t>(apiKey), 1,
                                                         RD_KAFKA_RESP_ERR_NO_ERROR, rttMs);
}

}  // namespace stampede::backends::kafka
