#include "backends/kafka/kafka_transport.h"

#include <random>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <cstring>

#include "backends/kafka/kafka_consumer.h"
#include "stampede/backends/kafka/mock_cluster.h"

namespace stampede::backends::kafka {

namespace {
constexpr int kMockBrokers = 3;
constexpr int kConnectTimeoutMs = 5000;
constexpr int kCreateTopicsTimeoutMs = 3000;

void raiseTo(std::atomic<std::int64_t>& value, std::int64_t to) {
    std::int64_t seen = value.load(std::memory_order_relaxed);
    while (to > seen && !value.compare_exchange_weak(seen, to, std::memory_order_relaxed)) {
    }
}

void deliveryReport(rd_kafka_t*, const rd_kafka_message_t* message, void* opaque) {
    static_cast<KafkaTransport*>(opaque)->onDelivery(*message);
}

void errorReport(rd_kafka_t*, int err, const char*, void* opaque) {
    auto* transport = static_cast<KafkaTransport*>(opaque);
    transport->countError();
    if (err == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN) transport->brokersDown();
}

std::int64_t steadyNs() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}
}  // namespace

std::unique_ptr<KafkaTransport> KafkaTransport::open(const KafkaSettings& settings,
                                                     const transport::TransportSpec& spec,
                                                     std::string& error) {
    std::unique_ptr<KafkaTransport> t(new KafkaTransport());
    t->m_settings = settings;
    t->m_mock = settings.mock;
    if (t->m_settings.bootstrap.empty() && !t->m_mock) {
        t->m_mock = MockCluster::start(kMockBrokers, error);
        if (!t->m_mock) return nullptr;
        t->m_ownMock = true;
    }
    if (t->m_settings.bootstrap.empty()) t->m_settings.bootstrap = t->m_mock->bootstrap();
    if (!settings.cluster.empty()) {
        if (spec.consumers > 0) {
            error =
                "a run shared by several ingress processes (--cluster) is decided by `stampede-cli "
                "worker` processes only: give --local-workers 0";
            return nullptr;
        }
        // Any number but 0 (a run of one): two ingress processes drawing the same is a chance
        // of one in four billion.
        t->m_origin = settings.origin;
        std::random_device random;
        while (t->m_origin == 0) t->m_origin = random();
    }
    t->m_topics = RunTopics::forRun(settings.topicPrefix, settings.cluster.empty()
                                                              ? newRunKey(spec.scenarioName)
                                                              : settings.cluster);
    if (!settings.requestsTopic.empty()) {
        t->m_topics.requests = settings.requestsTopic;
        t->m_topics.sharedRequests = true;
    }
    // A name the cluster would refuse is said before anything is created (the prefix is the
    // operator's; the rest is made legal).
    for (const std::string* name : {&t->m_topics.requests, &t->m_topics.results,
                                    &t->m_topics.deadLetters, &t->m_topics.control})
        if (std::string why = topicNameProblem(*name); !why.empty()) {
            error =
                (name == &t->m_topics.requests && t->m_topics.sharedRequests ? "requests topic: "
                 : !settings.cluster.empty()
                     ? "--cluster '" + settings.cluster + "': the run's topic "
                     : "topic prefix '" + settings.topicPrefix + "': the run's topic ") +
                why;
            return nullptr;
        }
    t->m_partitions = std::max(spec.partitions, 1);
    if (!t->connectProducer(error) || !t->createTopics(error)) return nullptr;
    if (t->m_topics.sharedRequests && !t->findStartOffsets(error)) return nullptr;

    const auto partitions = static_cast<std::size_t>(t->m_partitions);
    t->m_produced = std::make_unique<std::atomic<std::int64_t>[]>(partitions);
    t->m_consumed = std::make_unique<std::atomic<std::int64_t>[]>(partitions);
    t->m_delivered = std::make_unique<std::atomic<std::int64_t>[]>(partitions);
    t->m_ackedEnd = std::make_unique<std::atomic<std::int64_t>[]>(partitions);
    t->m_readEnd = std::make_unique<std::atomic<std::int64_t>[]>(partitions);
    t->m_unread.resize(partitions);
    t->m_poller = std::thread([raw = t.get()] { raw->pollProducer(); });
    if (settings.joinGroup && !t->openResultsReader(error)) return nullptr;

    // Static assignment: partition p belongs to consumer p % consumers, as a range assignor
    // would give it; consumers beyond the partition count stay idle, as in a Kafka group.
    // Sharing the work: local consumers join the run's group like any remote worker.
    const int consumers = std::max(spec.consumers, 0);
    for (int c = 0; c < consumers; ++c) {
        std::vector<int> mine;
        for (int p = c; p < t->m_partitions; p += consumers) mine.push_back(p);
        auto consumer = KafkaConsumer::open(t.get(), t->m_settings, t->m_topics, mine, error);
        if (!consumer) return nullptr;
        t->m_consumers.push_back(std::move(consumer));
    }
    return t;
}

KafkaTransport::~KafkaTransport() {
    // Without a cluster, closing neither commits nor waits for one: it takes bounded time.
    const bool clusterGone = outageMs() > 0;
    for (auto& consumer : m_consumers)
        if (clusterGone) consumer->closeWithoutCluster();
    m_consumers.clear();  // closing commits the stored offsets
    if (m_producer && clusterGone)
        rd_kafka_purge(m_producer, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
    if (m_producer) rd_kafka_flush(m_producer, clusterGone ? 500 : 5000);
    m_stopping.store(true);
    if (m_poller.joinable()) m_poller.join();
    if (m_resultsThread.joinable()) m_resultsThread.join();
    if (m_resultsReader && clusterGone) {
        rd_kafka_destroy_flags(m_resultsReader, RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
    } else if (m_resultsReader) {
        rd_kafka_consumer_close(m_resultsReader);
        rd_kafka_destroy(m_resultsReader);
    }
    if (m_controlTopic) rd_kafka_topic_destroy(m_controlTopic);
    if (m_requestTopic) rd_kafka_topic_destroy(m_requestTopic);
    if (m_deadLetterTopic) rd_kafka_topic_destroy(m_deadLetterTopic);
    if (m_producer) rd_kafka_destroy(m_producer);
}

bool KafkaTransport::connectProducer(std::string& error) {
    const std::int64_t lead = m_settings.leadBoundPerPartition;
    const std::int64_t buffered = std::clamp<std::int64_t>(
        lead > 0 ? lead * m_partitions * 2 : 1'000'000, 100'000, 10'000'000);
    Config config;
    config.connection(m_settings)
        .set("enable.idempotence", "true")
        .set("acks", "all")
        .set("linger.ms", "2")
        .set("batch.num.messages", "10000")
        .set("queue.buffering.max.messages", std::to_string(buffered))
        .set("queue.buffering.max.kbytes", "1048576")
        .set("message.timeout.ms", std::to_string(m_settings.messageTimeoutMs));
    rd_kafka_conf_set_opaque(config.raw(), this);
    rd_kafka_conf_set_dr_msg_cb(config.raw(), deliveryReport);
    rd_kafka_conf_set_error_cb(config.raw(), errorReport);
    m_producer = config.create(RD_KAFKA_PRODUCER, error);
    if (!m_producer) return false;

    // Reachability, in bounded time: a metadata round trip answers "refused", "timeout", a TLS
    // mismatch or an authentication failure before anything is produced.
    const rd_kafka_metadata_t* metadata = nullptr;
    const rd_kafka_resp_err_t err =
        rd_kafka_metadata(m_producer, 0, nullptr, &metadata, kConnectTimeoutMs);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        error = "Kafka at " + m_settings.bootstrap + " did not answer within " +
                std::to_string(kConnectTimeoutMs / 1000) + " s (" + rd_kafka_err2str(err) +
                "): is a broker listening there, with the same security protocol?";
        return false;
    }
    rd_kafka_metadata_destroy(metadata);
    return true;
}

// The mock cluster creates topics through its own API; a real broker through the Admin API. A
// broker that supports neither (the standalone mock broker) creates them on first use, with its
// default partition count, which the run then uses.
bool KafkaTransport::createTopics(std::string& error) {
    // Topic handles after creation: making one asks for metadata, and a broker that creates
    // topics on first use would then create it with its defaults.
    const auto openHandles = [this] {
        m_requestTopic = rd_kafka_topic_new(m_producer, m_topics.requests.c_str(), nullptr);
        m_deadLetterTopic = rd_kafka_topic_new(m_producer, m_topics.deadLetters.c_str(), nullptr);
        if (m_settings.joinGroup)
            m_controlTopic = rd_kafka_topic_new(m_producer, m_topics.control.c_str(), nullptr);
    };
    if (m_mock) {
        std::string exists;  // the control topic, and a shared requests topic, outlive runs
        if (m_topics.sharedRequests)
            m_mock->createTopic(m_topics.requests, m_partitions, exists);
        else if (!m_mock->createTopic(m_topics.requests, m_partitions, error))
            return false;
        if (!m_mock->createTopic(m_topics.deadLetters, 1, error) ||
            (m_settings.joinGroup && !m_mock->createTopic(m_topics.results, 1, error)))
            return false;
        if (m_settings.joinGroup) m_mock->createTopic(m_topics.control, 1, exists);
        openHandles();
        // A shared topic has the partitions it was made with, maybe by an earlier run.
        return !m_topics.sharedRequests || learnPartitions(false, {}, error);
    }

    const std::pair<const std::string*, int> wanted[] = {{&m_topics.requests, m_partitions},
                                                         {&m_topics.deadLetters, 1},
                                                         {&m_topics.results, 1},
                                                         {&m_topics.control, 1}};
    const int count = m_settings.joinGroup ? 4 : 2;
    rd_kafka_NewTopic_t* newTopics[4];
    char why[512];
    for (int i = 0; i < count; ++i)
        newTopics[i] =
            rd_kafka_NewTopic_new(wanted[i].first->c_str(), wanted[i].second, -1, why, sizeof why);
    // A real controller answers within a second or two; a broker that has no controller to
    // offer (the standalone mock) never does, and topics are then created on first use.
    rd_kafka_AdminOptions_t* options =
        rd_kafka_AdminOptions_new(m_producer, RD_KAFKA_ADMIN_OP_CREATETOPICS);
    rd_kafka_AdminOptions_set_request_timeout(options, kCreateTopicsTimeoutMs, why, sizeof why);
    rd_kafka_queue_t* queue = rd_kafka_queue_new(m_producer);
    rd_kafka_CreateTopics(m_producer, newTopics, static_cast<std::size_t>(count), options, queue);
    rd_kafka_event_t* event = rd_kafka_queue_poll(queue, kCreateTopicsTimeoutMs + 500);
    rd_kafka_AdminOptions_destroy(options);
    std::string adminError;
    bool unsupported = event == nullptr;
    if (event && rd_kafka_event_error(event)) {
        adminError = rd_kafka_event_error_string(event);
        unsupported = true;
    } else if (event) {
        std::size_t answered = 0;
        const auto* result = rd_kafka_event_CreateTopics_result(event);
        const rd_kafka_topic_result_t** results =
            rd_kafka_CreateTopics_result_topics(result, &answered);
        for (std::size_t i = 0; i < answered; ++i) {
            const rd_kafka_resp_err_t e = rd_kafka_topic_result_error(results[i]);
            if (e == RD_KAFKA_RESP_ERR_NO_ERROR || e == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS)
                continue;
            if (e == RD_KAFKA_RESP_ERR_UNSUPPORTED_VERSION ||
                e == RD_KAFKA_RESP_ERR__UNSUPPORTED_FEATURE) {
                unsupported = true;
                continue;
            }
            error = std::string("topic ") + rd_kafka_topic_result_name(results[i]) +
                    " could not be created: " + rd_kafka_topic_result_error_string(results[i]);
        }
    }
    if (event) rd_kafka_event_destroy(event);
    rd_kafka_queue_destroy(queue);
    rd_kafka_NewTopic_destroy_array(newTopics, static_cast<std::size_t>(count));
    if (!error.empty()) return false;
    openHandles();
    return learnPartitions(unsupported, adminError, error);
}

// The partition count the requests topic really has (auto-created topics have the broker's
// default, a shared one what it was made with).
bool KafkaTransport::learnPartitions(bool unsupported, const std::string& adminError,
                                     std::string& error) {
    const rd_kafka_metadata_t* metadata = nullptr;
    const rd_kafka_resp_err_t err =
        rd_kafka_metadata(m_producer, 0, m_requestTopic, &metadata, kConnectTimeoutMs);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR || metadata->topic_cnt != 1 ||
        metadata->topics[0].err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        const rd_kafka_resp_err_t topicErr = err != RD_KAFKA_RESP_ERR_NO_ERROR ? err
                                             : metadata->topic_cnt
                                                 ? metadata->topics[0].err
                                                 : RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART;
        error = "topic " + m_topics.requests +
                " could not be created: " + rd_kafka_err2str(topicErr) +
                (unsupported && !adminError.empty() ? " (" + adminError + ")" : "");
        if (metadata) rd_kafka_metadata_destroy(metadata);
        return false;
    }
    // Alone, the run uses as many as it asked for when the topic has more (a single-consumer
    // run keeps its one ordered partition on a broad shared or auto-created topic). Sharing its
    // work with a group, it uses them all: the group hands every member some of them, and a
    // member given only unused ones would sit idle.
    const int actual = std::max(1, metadata->topics[0].partition_cnt);
    m_partitions = m_settings.joinGroup ? actual : std::min(m_partitions, actual);
    rd_kafka_metadata_destroy(metadata);
    return true;
}

// Where each partition of a shared requests topic ends before this run produces: the run reads
// from there, and what came before belongs to earlier runs.
bool KafkaTransport::findStartOffsets(std::string& error) {
    m_topics.startOffsets.assign(std::size_t(m_partitions), 0);
    for (int p = 0; p < m_partitions; ++p) {
        std::int64_t low = 0, high = 0;
        const rd_kafka_resp_err_t err = rd_kafka_query_watermark_offsets(
            m_producer, m_topics.requests.c_str(), p, &low, &high, kConnectTimeoutMs);
        if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
            error = "requests topic " + m_topics.requests + ": where partition " +
                    std::to_string(p) + " ends could not be read (" + rd_kafka_err2str(err) + ")";
            return false;
        }
        m_topics.startOffsets[std::size_t(p)] = high;
    }
    return true;
}

void KafkaTransport::brokersDown() {
    std::int64_t expected = 0;
    m_downSinceNs.compare_exchange_strong(expected, steadyNs(), std::memory_order_relaxed);
}

std::int64_t KafkaTransport::outageMs() const {
    const std::int64_t since = m_downSinceNs.load(std::memory_order_relaxed);
    return since == 0 ? 0 : (steadyNs() - since) / 1'000'000;
}

void KafkaTransport::probeWhileDown(std::chrono::steady_clock::time_point& lastProbe) {
    if (m_downSinceNs.load(std::memory_order_relaxed) == 0) return;
    const auto now = std::chrono::steady_clock::now();
    if (now - lastProbe < std::chrono::seconds(1)) return;
    lastProbe = now;
    const rd_kafka_metadata_t* metadata = nullptr;
    if (rd_kafka_metadata(m_producer, 0, m_requestTopic, &metadata, 500) ==
        RD_KAFKA_RESP_ERR_NO_ERROR) {
        rd_kafka_metadata_destroy(metadata);
        brokersUp();
    }
}

void KafkaTransport::pollProducer() {
    auto lastProbe = std::chrono::steady_clock::time_point();
    while (!m_stopping.load(std::memory_order_relaxed)) {
        rd_kafka_poll(m_producer, 50);
        probeWhileDown(lastProbe);
    }
    rd_kafka_poll(m_producer, 0);
}

bool KafkaTransport::tryPush(int partition, const transport::Envelope& envelope) {
    const auto p = static_cast<std::size_t>(partition);
    const std::int64_t bound = m_settings.leadBoundPerPartition;
    const std::int64_t lead = m_produced[p].load(std::memory_order_relaxed) -
                              m_consumed[p].load(std::memory_order_relaxed);
    if (bound > 0 && lead >= bound) return false;
    unsigned char payload[kMaxMessageBytes];
    const std::size_t size = encode(envelope, m_origin, payload);
    void* opaque = reinterpret_cast<void*>(std::uintptr_t(envelope.message));
    // On a shared topic the run key goes with each message: other runs pass it over.
    const bool keyed = m_topics.sharedRequests;
    if (rd_kafka_produce(m_requestTopic, partition, RD_KAFKA_MSG_F_COPY, payload, size,
                         keyed ? m_topics.runKey.data() : nullptr,
                         keyed ? m_topics.runKey.size() : 0, opaque) == -1) {
        if (rd_kafka_last_error() == RD_KAFKA_RESP_ERR__QUEUE_FULL) return false;
        // Anything else (a fatal producer error) fails this message for good: the engine
        // compensates it rather than waiting forever.
        std::lock_guard lock(m_failedMutex);
        m_failed.push_back(envelope.message);
        m_failures.fetch_add(1, std::memory_order_relaxed);
        return true;
    }
    m_produced[p].fetch_add(1, std::memory_order_relaxed);
    std::int64_t seen = m_maxLead.load(std::memory_order_relaxed);
    while (lead + 1 > seen && !m_maxLead.compare_exchange_weak(seen, lead + 1)) {
    }
    return true;
}

void KafkaTransport::onDelivery(const rd_kafka_message_t& message) {
    if (message.err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        if (m_downSinceNs.load(std::memory_order_relaxed) != 0) brokersUp();
        if (message.rkt == m_requestTopic && message.partition >= 0 &&
            message.partition < m_partitions) {
            const auto p = static_cast<std::size_t>(message.partition);
            m_delivered[p].fetch_add(1, std::memory_order_relaxed);
            raiseTo(m_ackedEnd[p], message.offset + 1);
            m_stored.mark(
                static_cast<std::uint32_t>(reinterpret_cast<std::uintptr_t>(message._private)));
        }
        return;
    }
    if (message.rkt != m_requestTopic) {
        countError();  // a dead letter that did not reach its topic: the store still has it
        return;
    }
    std::lock_guard lock(m_failedMutex);
    m_failed.push_back(
        static_cast<std::uint32_t>(reinterpret_cast<std::uintptr_t>(message._private)));
    m_failures.fetch_add(1, std::memory_order_relaxed);
}

void KafkaTransport::takeFailedPushes(std::vector<std::uint32_t>& out) {
    std::lock_guard lock(m_failedMutex);
    out.insert(out.end(), m_failed.begin(), m_failed.end());
    m_failed.clear();
}

void KafkaTransport::notifyAll() {
    for (auto& c : m_consumers) c->wake();
}

bool KafkaTransport::tryPop(int consumer, transport::Delivery& delivery) {
    return m_consumers[static_cast<std::size_t>(consumer)]->tryPop(delivery);
}

void KafkaTransport::waitForWork(int consumer, std::int64_t timeoutNs) {
    m_consumers[static_cast<std::size_t>(consumer)]->waitForWork(
        static_cast<int>(timeoutNs / 1'000'000));
}

void KafkaTransport::acknowledge(int consumer, std::uint64_t token) {
    m_consumers[static_cast<std::size_t>(consumer)]->acknowledge(token);
}

std::size_t KafkaTransport::depth() const {
    std::int64_t total = 0;
    for (int p = 0; p < m_partitions; ++p)
        total += std::max<std::int64_t>(
            0, m_produced[std::size_t(p)].load() - m_consumed[std::size_t(p)].load());
    return static_cast<std::size_t>(total);
}

void KafkaTransport::countConsumed(int partition, std::int64_t n) {
    if (partition >= 0 && partition < m_partitions)
        m_consumed[std::size_t(partition)].fetch_add(n, std::memory_order_relaxed);
}

void KafkaTransport::countReadUpTo(int partition, std::int64_t end) {
    if (partition >= 0 && partition < m_partitions) raiseTo(m_readEnd[std::size_t(partition)], end);
}

void KafkaTransport::findAcknowledgedButUnread() {
    const auto now = std::chrono::steady_clock::now();
    for (int p = 0; p < m_partitions; ++p) {
        const auto i = static_cast<std::size_t>(p);
        const std::int64_t delivered = m_delivered[i].load();
        const std::int64_t consumed = m_consumed[i].load();
        Unread& seen = m_unread[i];
        // Still to be read, or nothing missing: no loss.
        if (delivered <= consumed || m_readEnd[i].load() < m_ackedEnd[i].load()) {
            seen = Unread{};
            continue;
        }
        // The same figures for 2 s: a delivery report racing its message's read has settled.
        if (seen.delivered != delivered || seen.consumed != consumed) {
            seen = Unread{delivered, consumed, now};
            continue;
        }
        if (now - seen.since < std::chrono::seconds(2)) continue;
        countLost(p, delivered - consumed);
        seen = Unread{};
    }
}

void KafkaTransport::countLost(int partition, std::int64_t n) {
    countConsumed(partition, n);  // lost messages no longer hold the producers back
    m_lost.fetch_add(n);
    m_lostUntaken.fetch_add(n);
}

std::int64_t KafkaTransport::takeLostMessages() {
    // Consumers in other processes read partitions this process does not see read.
    if (!m_settings.joinGroup) findAcknowledgedButUnread();
    return m_lostUntaken.exchange(0);
}

void KafkaTransport::publishDeadLetter(std::uint32_t requestId, const std::string& json) {
    const std::string key = std::to_string(requestId);
    if (rd_kafka_produce(m_deadLetterTopic, RD_KAFKA_PARTITION_UA, RD_KAFKA_MSG_F_COPY,
                         const_cast<char*>(json.data()), json.size(), key.data(), key.size(),
                         nullptr) == -1)
        countError();
}

transport::TransportStats KafkaTransport::stats() const {
    transport::TransportStats s;
    s.kind = "kafka";
    s.detail = "bootstrap " + m_settings.bootstrap + (m_ownMock ? " (embedded mock cluster)" : "") +
               "; topic " + m_topics.requests + " (" + std::to_string(m_partitions) +
               " partitions" + (m_topics.sharedRequests ? ", shared" : "") + "); dead letters " +
               m_topics.deadLetters + "; group " + m_topics.group;
    for (int p = 0; p < m_partitions; ++p) {
        s.produced += m_produced[std::size_t(p)].load(std::memory_order_relaxed);
        s.consumed += m_consumed[std::size_t(p)].load(std::memory_order_relaxed);
    }
    s.consumed -= m_lost.load();
    s.acknowledged = m_acknowledged.load();
    s.produceFailures = m_failures.load();
    s.lostMessages = m_lost.load();
    s.resent = m_resent.load();
    s.maxLead = m_maxLead.load();
    s.leadBound = m_settings.leadBoundPerPartition;
    s.errors = m_errors.load();
    return s;
}

// The results topic, read from its start by the ingress: every remote decision comes back here.
bool KafkaTransport::openResultsReader(std::string& error) {
    Config config;
    config.connection(m_settings)
        .set("group.id", m_topics.group + ".results")
        .set("enable.auto.commit", "false")
        .set("fetch.wait.max.ms", "10")
        .set("enable.partition.eof", "false");
    m_resultsReader = config.create(RD_KAFKA_CONSUMER, error);
    if (!m_resultsReader) return false;
    rd_kafka_poll_set_consumer(m_resultsReader);
    rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(list, m_topics.results.c_str(), 0)->offset = 0;
    const rd_kafka_resp_err_t err = rd_kafka_assign(m_resultsReader, list);
    rd_kafka_topic_partition_list_destroy(list);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        error = "results topic " + m_topics.results + ": " + rd_kafka_err2str(err);
        return false;
    }
    m_resultsThread = std::thread([this] { readResults(); });
    return true;
}

void KafkaTransport::readResults() {
    rd_kafka_queue_t* queue = rd_kafka_queue_get_consumer(m_resultsReader);
    rd_kafka_message_t* messages[512];
    std::vector<transport::RemoteResult> batch;
    while (!m_stopping.load(std::memory_order_relaxed)) {
        const ssize_t n = rd_kafka_consume_batch_queue(queue, 100, messages, 512);
        batch.clear();
        for (ssize_t i = 0; i < n; ++i) {
            const rd_kafka_message_t& m = *messages[i];
            int partition = -1;
            if (m.err) {
                countError();
            } else if (const auto result = decodeResult(m.payload, m.len, &partition);
                       result && result->origin == m_origin) {
                // Another ingress process's result (a shared run) is its own to take.
                batch.push_back(*result);
                countConsumed(partition, 1);  // a remote consumer took it: the lead shrinks
            }
            rd_kafka_message_destroy(messages[i]);
        }
        if (!batch.empty()) {
            std::lock_guard lock(m_remoteMutex);
            m_remote.insert(m_remote.end(), batch.begin(), batch.end());
        }
    }
    rd_kafka_queue_destroy(queue);
}

void KafkaTransport::takeRemoteResults(std::vector<transport::RemoteResult>& out) {
    std::lock_guard lock(m_remoteMutex);
    out.insert(out.end(), m_remote.begin(), m_remote.end());
    m_remote.clear();
}

// What a worker elsewhere needs to join: the run's topics and group, and the engine's own part
// (guard, shared stock key, campaigns, retry rules).
void KafkaTransport::announceRun(const std::string& json) {
    QJsonObject o = QJsonDocument::fromJson(QByteArray::fromStdString(json)).object();
    o[QStringLiteral("run_key")] = QString::fromStdString(m_topics.runKey);
    o[QStringLiteral("state")] = QStringLiteral("running");
    o[QStringLiteral("origin")] = qint64(m_origin);  // a shared run ends when all its origins do
    o[QStringLiteral("requests_topic")] = QString::fromStdString(m_topics.requests);
    o[QStringLiteral("results_topic")] = QString::fromStdString(m_topics.results);
    o[QStringLiteral("dead_letter_topic")] = QString::fromStdString(m_topics.deadLetters);
    o[QStringLiteral("group")] = QString::fromStdString(m_topics.group);
    if (m_topics.sharedRequests) {
        QJsonArray starts;
        for (const std::int64_t offset : m_topics.startOffsets) starts.append(qint64(offset));
        o[QStringLiteral("shared_requests")] = true;
        o[QStringLiteral("start_offsets")] = starts;
    }
    const QByteArray text = QJsonDocument(o).toJson(QJsonDocument::Compact);
    rd_kafka_produce(m_controlTopic, 0, RD_KAFKA_MSG_F_COPY, const_cast<char*>(text.data()),
                     static_cast<std::size_t>(text.size()), m_topics.runKey.data(),
                     m_topics.runKey.size(), nullptr);
    rd_kafka_flush(m_producer, outageMs() > 0 ? 500 : 5000);  // bounded without a cluster
}

void KafkaTransport::announceEnd() {
    const QJsonObject o{{QStringLiteral("run_key"), QString::fromStdString(m_topics.runKey)},
                        {QStringLiteral("state"), QStringLiteral("ended")},
                        {QStringLiteral("origin"), qint64(m_origin)}};
    const QByteArray text = QJsonDocument(o).toJson(QJsonDocument::Compact);
    rd_kafka_produce(m_controlTopic, 0, RD_KAFKA_MSG_F_COPY, const_cast<char*>(text.data()),
                     static_cast<std::size_t>(text.size()), m_topics.runKey.data(),
                     m_topics.runKey.size(), nullptr);
    rd_kafka_flush(m_producer, outageMs() > 0 ? 500 : 5000);  // bounded without a cluster
}

transport::TransportFactory makeKafkaTransportFactory(KafkaSettings settings) {
    return [settings](std::string_view name, const transport::TransportSpec& spec,
                      std::string& error) -> std::unique_ptr<transport::Transport> {
        if (name != "kafka") {
            error = "unknown transport '" + std::string(name) + "'";
            return nullptr;
        }
        return KafkaTransport::open(settings, spec, error);
    };
}

}  // namespace stampede::backends::kafka
