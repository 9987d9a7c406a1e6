#pragma once
// What every Kafka piece of Stampede shares: a configuration builder that keeps the first error,
// the settings of a connection, and the wire format of a request message.

#include <librdkafka/rdkafka.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stampede/backends/kafka/kafka_settings.h"
#include "transport/remote_run_link.h"
#include "transport/transport.h"

namespace stampede::backends::kafka {

// A configuration under construction: set() records the first failure instead of throwing.
class Config {
public:
    Config();
    ~Config();
    Config(const Config&) = delete;
    Config& operator=(const Config&) = delete;

    Config& set(std::string_view key, std::string_view value);
    Config& connection(const KafkaSettings& settings);  // bootstrap, security, timeouts
    bool ok() const { return m_error.empty(); }
    const std::string& error() const { return m_error; }
    // Hands the configuration to rd_kafka_new() (which takes ownership on success).
    rd_kafka_t* create(rd_kafka_type_t type, std::string& error);
    rd_kafka_conf_t* raw() { return m_conf; }

private:
    rd_kafka_conf_t* m_conf;
    std::string m_error;
};

// librdkafka logs go nowhere by default (STAMPEDE_KAFKA_DEBUG=1 prints them): what matters is
// counted in the transport's statistics and reported in plain words.
void quietLogs(rd_kafka_conf_t* conf);

// A request on the wire: 20 bytes, little-endian, starting with "SPK1"; or 24, starting with
// "SPK2", when the run is shared by several ingress processes (KafkaSettings::cluster): then it
// carries its ingress's origin, so that each takes back only its own requests' results.
inline constexpr std::size_t kMessageBytes = 20;
inline constexpr std::size_t kMaxMessageBytes = 24;
// Writes the message (origin 0: the 20-byte form) and returns its size.
std::size_t encode(const transport::Envelope& envelope, std::uint32_t origin,
                   unsigned char (&out)[kMaxMessageBytes]);
std::optional<transport::Envelope> decode(const void* data, std::size_t size,
                                          std::uint32_t* origin = nullptr);

// A remote worker's decision on the wire: 16 bytes, little-endian, starting with "SPR1", with
// the request's partition (the ingress credits it against the producers' lead); or 20, starting
// with "SPR2", with the request's origin (RemoteResult::origin non-zero).
inline constexpr std::size_t kResultBytes = 16;
inline constexpr std::size_t kMaxResultBytes = 20;
std::size_t encode(const transport::RemoteResult& result, std::uint16_t worker, int partition,
                   unsigned char (&out)[kMaxResultBytes]);
std::optional<transport::RemoteResult> decodeResult(const void* data, std::size_t size,
                                                    int* partition = nullptr);

// The names a run uses: "<prefix>.<run key>.requests" and so on, and the control topic
// "<prefix>.runs" where runs that share their work with other processes are announced.
struct RunTopics {
    std::string runKey;
    std::string requests, deadLetters, results, group, control;
    // A shared requests topic: where this run's part of each partition begins (by partition).
    bool sharedRequests = false;
    std::vector<std::int64_t> startOffsets;
    std::int64_t startOffset(int partition) const {
        return partition >= 0 && std::size_t(partition) < startOffsets.size()
                   ? startOffsets[std::size_t(partition)]
                   : 0;
    }
    static RunTopics forRun(const std::string& prefix, const std::string& runKey);
};
std::string newRunKey(std::string_view scenarioName);
// Why Kafka would refuse `name` as a topic name (its own rule: letters, digits, '.', '_', '-',
// at most 249 characters, not "." or ".."), or empty when it is legal.
std::string topicNameProblem(std::string_view name);

}  // namespace stampede::backends::kafka
