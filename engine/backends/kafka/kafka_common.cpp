#include "backends/kafka/kafka_common.h"

#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>

namespace stampede::backends::kafka {

Config::Config() : m_conf(rd_kafka_conf_new()) {
    quietLogs(m_conf);
}

Config::~Config() {
    if (m_conf) rd_kafka_conf_destroy(m_conf);
}

Config& Config::set(std::string_view key, std::string_view value) {
    if (!m_error.empty()) return *this;
    char why[512];
    const std::string k(key), v(value);
    if (rd_kafka_conf_set(m_conf, k.c_str(), v.c_str(), why, sizeof why) != RD_KAFKA_CONF_OK)
        m_error = "Kafka setting " + k + "=" + v + ": " + why;
    return *this;
}

Config& Config::connection(const KafkaSettings& s) {
    set("bootstrap.servers", s.bootstrap);
    set("socket.timeout.ms", std::to_string(s.socketTimeoutMs));
    set("socket.connection.setup.timeout.ms", std::to_string(s.socketTimeoutMs));
    set("reconnect.backoff.ms", "50");
    set("reconnect.backoff.max.ms", "1000");
    if (!s.securityProtocol.empty()) set("security.protocol", s.securityProtocol);
    if (!s.caFile.empty()) set("ssl.ca.location", s.caFile);
    // STAMPEDE_KAFKA_DEBUG=fetch,consumer,... turns on librdkafka's debug contexts too.
    if (const char* contexts = std::getenv("STAMPEDE_KAFKA_DEBUG");
        contexts && std::string_view(contexts) != "1")
        set("debug", contexts);
    return *this;
}

rd_kafka_t* Config::create(rd_kafka_type_t type, std::string& error) {
    if (!m_error.empty()) {
        error = m_error;
        return nullptr;
    }
    char why[512];
    rd_kafka_t* rk = rd_kafka_new(type, m_conf, why, sizeof why);
    if (!rk) {
        error = std::string("Kafka client: ") + why;
        return nullptr;
    }
    m_conf = nullptr;  // owned by rk now
    return rk;
}

namespace {
void logToNowhere(const rd_kafka_t*, int level, const char* facility, const char* message) {
    static const bool debug = std::getenv("STAMPEDE_KAFKA_DEBUG") != nullptr;
    if (debug) std::fprintf(stderr, "kafka %d %s: %s\n", level, facility, message);
}

void putU32(unsigned char* p, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) p[i] = static_cast<unsigned char>(v >> (8 * i));
}
std::uint32_t getU32(const unsigned char* p) {
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v |= std::uint32_t(p[i]) << (8 * i);
    return v;
}
}  // namespace

void quietLogs(rd_kafka_conf_t* conf) {
    rd_kafka_conf_set_log_cb(conf, logToNowhere);
}

std::size_t encode(const transport::Envelope& e, std::uint32_t origin,
                   unsigned char (&out)[kMaxMessageBytes]) {
    std::memcpy(out, origin ? "SPK2" : "SPK1", 4);
    putU32(out + 4, e.message);
    out[8] = static_cast<unsigned char>(e.campaign);
    out[9] = static_cast<unsigned char>(e.campaign >> 8);
    out[10] = e.flags;
    out[11] = 0;
    putU32(out + 12, static_cast<std::uint32_t>(e.user));
    putU32(out + 16, static_cast<std::uint32_t>(e.user >> 32));
    if (!origin) return kMessageBytes;
    putU32(out + 20, origin);
    return kMaxMessageBytes;
}

std::optional<transport::Envelope> decode(const void* data, std::size_t size,
                                          std::uint32_t* origin) {
    const auto* p = static_cast<const unsigned char*>(data);
    const bool v1 = size == kMessageBytes && std::memcmp(p, "SPK1", 4) == 0;
    const bool v2 = size == kMaxMessageBytes && std::memcmp(p, "SPK2", 4) == 0;
    if (!v1 && !v2) return std::nullopt;
    transport::Envelope e;
    e.message = getU32(p + 4);
    e.campaign = static_cast<std::uint16_t>(p[8] | (p[9] << 8));
    e.flags = p[10];
    e.user = getU32(p + 12) | (std::uint64_t(getU32(p + 16)) << 32);
    if (origin) *origin = v2 ? getU32(p + 20) : 0;
    return e;
}

std::size_t encode(const transport::RemoteResult& result, std::uint16_t worker, int partition,
                   unsigned char (&out)[kMaxResultBytes]) {
    std::memcpy(out, result.origin ? "SPR2" : "SPR1", 4);
    putU32(out + 4, result.message);
    out[8] = static_cast<unsigned char>(result.outcome);
    out[9] = result.attempts;
    out[10] = static_cast<unsigned char>(worker);
    out[11] = static_cast<unsigned char>(worker >> 8);
    out[12] = static_cast<unsigned char>(partition);
    out[13] = static_cast<unsigned char>(partition >> 8);
    out[14] = out[15] = 0;
    if (!result.origin) return kResultBytes;
    putU32(out + 16, result.origin);
    return kMaxResultBytes;
}

std::optional<transport::RemoteResult> decodeResult(const void* data, std::size_t size,
                                                    int* partition) {
    const auto* p = static_cast<const unsigned char*>(data);
    const bool v1 = size == kResultBytes && std::memcmp(p, "SPR1", 4) == 0;
    const bool v2 = size == kMaxResultBytes && std::memcmp(p, "SPR2", 4) == 0;
    if ((!v1 && !v2) || p[8] > 3) return std::nullopt;
    transport::RemoteResult r;
    r.message = getU32(p + 4);
    r.outcome = static_cast<transport::RemoteOutcome>(p[8]);
    r.attempts = p[9];
    if (partition) *partition = p[12] | (p[13] << 8);
    r.origin = v2 ? getU32(p + 16) : 0;
    return r;
}

RunTopics RunTopics::forRun(const std::string& prefix, const std::string& runKey) {
    const std::string base = prefix + "." + runKey;
    RunTopics t;
    t.runKey = runKey;
    t.requests = base + ".requests";
    t.deadLetters = base + ".dlt";
    t.results = base + ".results";
    t.group = base;
    t.control = prefix + ".runs";
    return t;
}

std::string topicNameProblem(std::string_view name) {
    const auto legal = [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
    };
    if (name.empty() || name == "." || name == "..")
        return "'" + std::string(name) + "' cannot be a Kafka topic name";
    if (name.size() > 249)
        return "'" + std::string(name) + "' is longer than Kafka's 249 characters for a topic";
    for (char c : name)
        if (!legal(c))
            return "'" + std::string(name) +
                   "' is not a legal Kafka topic name (letters, digits, '.', '_' and '-' only)";
    return {};
}

std::string newRunKey(std::string_view scenarioName) {
    // Topic names allow [a-zA-Z0-9._-]: anything else in the scenario's name becomes '-'.
    std::string key;
    for (char c : scenarioName) {
        const bool keep = std::isalnum(static_cast<unsigned char>(c)) || c == '_';
        if (keep)
            key += c;
        else if (!key.empty() && key.back() != '-')
            key += '-';
        if (key.size() >= 24) break;
    }
    while (!key.empty() && key.back() == '-') key.pop_back();
    if (key.empty()) key = "run";
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::system_clock::now().time_since_epoch())
                        .count();
    // Two processes may start the same scenario in the same millisecond: a random tail keeps
    // their topics, groups and message keys apart.
    static constexpr char kHex[] = "0123456789abcdef";
    std::random_device entropy;
    std::string tail;
    for (std::uint32_t bits = entropy(), i = 0; i < 6; ++i, bits >>= 4) tail += kHex[bits & 15];
    return key + "." + std::to_string(ms) + "-" + tail;
}

}  // namespace stampede::backends::kafka
