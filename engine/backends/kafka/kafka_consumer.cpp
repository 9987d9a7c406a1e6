#include "backends/kafka/kafka_consumer.h"

#include <algorithm>
#include <cstring>
#include <tuple>

#include "backends/kafka/kafka_transport.h"

namespace stampede::backends::kafka {

namespace {
constexpr int kBatch = 512;

struct PartitionList {
    rd_kafka_topic_partition_list_t* list;
    explicit PartitionList(int size) : list(rd_kafka_topic_partition_list_new(size)) {}
    ~PartitionList() { rd_kafka_topic_partition_list_destroy(list); }
    PartitionList(const PartitionList&) = delete;
    PartitionList& operator=(const PartitionList&) = delete;
};
}  // namespace

std::unique_ptr<KafkaConsumer> KafkaConsumer::open(KafkaTransport* owner,
                                                   const KafkaSettings& settings,
                                                   const RunTopics& topics,
                                                   const std::vector<int>& partitions,
                                                   std::string& error) {
    std::unique_ptr<KafkaConsumer> c(new KafkaConsumer(owner, topics));
    Config config;
    config.connection(settings)
        .set("group.id", topics.group)
        .set("enable.auto.commit", "true")
        .set("auto.commit.interval.ms", std::to_string(settings.commitIntervalMs))
        .set("enable.auto.offset.store", "false")
        // A position that fell out of the log restarts at the log's start; the jump in offsets
        // that follows is counted as a loss (see take()), never skipped silently.
        .set("auto.offset.reset", "earliest")
        .set("fetch.wait.max.ms", "10")
        // Prefetch more than producers may lead by: a partition whose local queue passes this
        // threshold stops fetching and resumes only after a back-off, which cut a consumer owning
        // two partitions to 140k messages/s (measured; 1.9 M/s with this).
        .set("queued.min.messages",
             std::to_string(std::max<std::int64_t>(100'000, 2 * settings.leadBoundPerPartition)))
        .set("session.timeout.ms", "6000")
        .set("heartbeat.interval.ms", "500")
        .set("enable.partition.eof", "false");
    rd_kafka_conf_set_opaque(config.raw(), c.get());
    if (settings.joinGroup) rd_kafka_conf_set_rebalance_cb(config.raw(), rebalanceCallback);
    c->m_rk = config.create(RD_KAFKA_CONSUMER, error);
    if (!c->m_rk) return nullptr;
    rd_kafka_poll_set_consumer(c->m_rk);
    c->m_queue = rd_kafka_queue_get_consumer(c->m_rk);

    rd_kafka_resp_err_t err;
    if (settings.joinGroup) {
        PartitionList subscription(1);
        rd_kafka_topic_partition_list_add(subscription.list, topics.requests.c_str(),
                                          RD_KAFKA_PARTITION_UA);
        err = rd_kafka_subscribe(c->m_rk, subscription.list);
    } else {
        PartitionList assignment(static_cast<int>(partitions.size()));
        for (int p : partitions) {
            // Offset 0 (or where a shared topic ended when the run began), not "the beginning":
            // a log that already dropped its start is then a reported loss, not a quiet skip.
            rd_kafka_topic_partition_list_add(assignment.list, topics.requests.c_str(), p)->offset =
                topics.startOffset(p);
            c->m_progress[p].lastConsumed = topics.startOffset(p) - 1;
        }
        err = rd_kafka_assign(c->m_rk, assignment.list);
    }
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        error = std::string("Kafka consumer of ") + topics.requests + ": " + rd_kafka_err2str(err);
        return nullptr;
    }
    return c;
}

KafkaConsumer::~KafkaConsumer() {
    if (!m_rk) return;
    if (m_queue) rd_kafka_queue_destroy(m_queue);
    if (m_closeWithoutCluster.load()) {
        rd_kafka_destroy_flags(m_rk, RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
        return;
    }
    storeOffsets();
    rd_kafka_consumer_close(m_rk);  // commits what was stored
    rd_kafka_destroy(m_rk);
}

bool KafkaConsumer::tryPop(transport::Delivery& delivery) {
    transport::Envelope ignored;
    return tryPop(delivery, ignored);
}

bool KafkaConsumer::tryPop(transport::Delivery& delivery, transport::Envelope& envelope,
                           std::uint32_t* origin) {
    if (m_next == m_ready.size()) fill(0);
    if (m_next == m_ready.size()) return false;
    const Ready& ready = m_ready[m_next++];
    delivery = ready.delivery;
    envelope = ready.envelope;
    if (origin) *origin = ready.origin;
    return true;
}

void KafkaConsumer::waitForWork(int timeoutMs) {
    if (m_next != m_ready.size()) return;
    // A batch read waits for its whole timeout unless the batch fills; the first message should
    // end the wait instead, and the rest come without waiting.
    storeOffsets();
    m_ready.clear();
    m_next = 0;
    if (rd_kafka_message_t* first = rd_kafka_consume_queue(m_queue, std::max(timeoutMs, 1))) {
        take(*first);
        rd_kafka_message_destroy(first);
        readBatch(0);
    }
}

void KafkaConsumer::wake() {
    if (m_queue) rd_kafka_queue_yield(m_queue);
}

void KafkaConsumer::fill(int timeoutMs) {
    storeOffsets();
    m_ready.clear();
    m_next = 0;
    readBatch(timeoutMs);
}

void KafkaConsumer::readBatch(int timeoutMs) {
    rd_kafka_message_t* messages[kBatch];
    const ssize_t n = rd_kafka_consume_batch_queue(m_queue, timeoutMs, messages, kBatch);
    for (ssize_t i = 0; i < n; ++i) {
        take(*messages[i]);
        rd_kafka_message_destroy(messages[i]);
    }
}

void KafkaConsumer::take(const rd_kafka_message_t& m) {
    if (m.err) {
        if (m_owner) m_owner->countError();
        if (m.err == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN) m_closeWithoutCluster = true;
        return;
    }
    m_closeWithoutCluster = false;  // the cluster answers again
    auto found = m_progress.find(m.partition);
    if (found == m_progress.end()) return;  // a partition this consumer no longer owns
    Progress& progress = found->second;
    // Offsets of a run's topic have no gaps (no transactions, no compaction): a jump means the
    // log dropped messages before this consumer read them. (On a shared topic some of those
    // may have been other runs'; the run sends its waiting requests again either way.)
    if (m.offset > progress.lastConsumed + 1 && m_owner)
        m_owner->countLost(m.partition, m.offset - progress.lastConsumed - 1);
    progress.lastConsumed = m.offset;
    if (m_owner) m_owner->countReadUpTo(m.partition, m.offset + 1);
    if (m_topics.sharedRequests && !isThisRuns(m)) {
        // Another run's request on the shared topic: passed over, and never holding back the
        // offsets behind it.
        progress.pending.emplace_back(m.offset, true);
        settle(progress);
        return;
    }
    progress.pending.emplace_back(m.offset, false);
    if (m_owner) m_owner->countConsumed(m.partition, 1);
    std::uint32_t origin = 0;
    const auto envelope = decode(m.payload, m.len, &origin);
    const std::uint64_t token = tokenOf(m.partition, m.offset);
    if (!envelope) {  // not ours: skip it, but never hold the offsets behind it
        if (m_owner) m_owner->countError();
        acknowledge(token);
        return;
    }
    m_ready.push_back({{envelope->message, token}, *envelope, origin});
}

void KafkaConsumer::acknowledge(std::uint64_t token) {
    const int partition = static_cast<int>(token >> 48);
    const auto offset = static_cast<std::int64_t>(token & kOffsetMask);
    auto found = m_progress.find(partition);
    if (found == m_progress.end()) return;
    Progress& progress = found->second;
    auto it = std::find_if(progress.pending.begin(), progress.pending.end(),
                           [offset](const auto& p) { return p.first == offset && !p.second; });
    if (it == progress.pending.end()) return;
    it->second = true;
    if (m_owner) m_owner->m_acknowledged.fetch_add(1, std::memory_order_relaxed);
    settle(progress);
}

// What is acknowledged at the front may be stored: the group resumes after it.
void KafkaConsumer::settle(Progress& progress) {
    while (!progress.pending.empty() && progress.pending.front().second) {
        progress.toStore = progress.pending.front().first + 1;
        progress.pending.pop_front();
        progress.dirty = true;
    }
}

bool KafkaConsumer::isThisRuns(const rd_kafka_message_t& m) const {
    const std::string& key = m_topics.runKey;
    return m.key_len == key.size() && std::memcmp(m.key, key.data(), key.size()) == 0;
}

void KafkaConsumer::storeOffsets() {
    int dirty = 0;
    for (const auto& [p, progress] : m_progress) dirty += progress.dirty ? 1 : 0;
    if (dirty == 0) return;
    PartitionList offsets(dirty);
    for (auto& [p, progress] : m_progress) {
        if (!progress.dirty) continue;
        rd_kafka_topic_partition_list_add(offsets.list, m_topics.requests.c_str(), p)->offset =
            progress.toStore;
        progress.dirty = false;
    }
    // A partition revoked meanwhile refuses its offset: its next owner reads it again.
    rd_kafka_offsets_store(m_rk, offsets.list);
}

void KafkaConsumer::rebalanceCallback(rd_kafka_t*, rd_kafka_resp_err_t err,
                                      rd_kafka_topic_partition_list_t* partitions, void* opaque) {
    static_cast<KafkaConsumer*>(opaque)->onRebalance(err, partitions);
}

void KafkaConsumer::onRebalance(rd_kafka_resp_err_t err,
                                rd_kafka_topic_partition_list_t* partitions) {
    if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
        // Start where the group left off; a partition nobody committed starts at offset 0 (the
        // topic is the run's own) or where a shared topic ended when the run began, so any later
        // start is a loss that take() counts.
        rd_kafka_committed(m_rk, partitions, 5000);
        for (int i = 0; i < partitions->cnt; ++i) {
            rd_kafka_topic_partition_t& tp = partitions->elems[i];
            if (tp.offset < 0) tp.offset = m_topics.startOffset(tp.partition);
            Progress fresh;
            fresh.lastConsumed = tp.offset - 1;
            m_progress[tp.partition] = fresh;
        }
        rd_kafka_assign(m_rk, partitions);
        return;
    }
    // Revoked (or an error): keep what is stored, hand the partitions over.
    storeOffsets();
    rd_kafka_commit(m_rk, nullptr, 0);
    for (int i = 0; i < partitions->cnt; ++i) m_progress.erase(partitions->elems[i].partition);
    rd_kafka_assign(m_rk, nullptr);
}

}  // namespace stampede::backends::kafka
