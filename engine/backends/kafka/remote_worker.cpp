#include "stampede/backends/kafka/remote_worker.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <chrono>
#include <map>
#include <random>
#include <set>
#include <thread>
#include <vector>

#include "backends/kafka/kafka_consumer.h"
#include "guards/decider.h"
#include "stampede/core/request.h"
#include "transport/run_announcement.h"

namespace stampede::backends::kafka {

namespace {
using Clock = std::chrono::steady_clock;
constexpr std::uint32_t kReplayBit = 0x80000000u;

struct Announcement {
    RunTopics topics;
    std::string guard, sharedKey;
    int campaigns = 0;
    guards::RetryPolicy retry;  // the run's
};

// Reads the control topic: runs announced and runs ended, in order.
class ControlReader {
public:
    bool open(const KafkaSettings& settings, const std::string& topic, std::string& error) {
        Config config;
        config.connection(settings)
            .set("group.id", "stampede-worker-control")
            .set("enable.auto.commit", "false")
            .set("enable.partition.eof", "true")
            .set("fetch.wait.max.ms", "50");
        m_rk = config.create(RD_KAFKA_CONSUMER, error);
        if (!m_rk) return false;
        const rd_kafka_metadata_t* metadata = nullptr;
        if (const rd_kafka_resp_err_t err = rd_kafka_metadata(m_rk, 0, nullptr, &metadata, 5000);
            err != RD_KAFKA_RESP_ERR_NO_ERROR) {
            error = "Kafka at " + settings.bootstrap + " did not answer within 5 s (" +
                    rd_kafka_err2str(err) + ")";
            return false;
        }
        rd_kafka_metadata_destroy(metadata);
        rd_kafka_poll_set_consumer(m_rk);
        rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(1);
        rd_kafka_topic_partition_list_add(list, topic.c_str(), 0)->offset =
            RD_KAFKA_OFFSET_BEGINNING;
        rd_kafka_assign(m_rk, list);
        rd_kafka_topic_partition_list_destroy(list);
        return true;
    }
    ~ControlReader() {
        // It commits nothing and belongs to no group: nothing to wait for a cluster about.
        if (m_rk) rd_kafka_destroy_flags(m_rk, RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
    }
    // Reads what is there now; true once the end of the topic was seen at least once.
    bool poll(int timeoutMs) {
        while (rd_kafka_message_t* m = rd_kafka_consumer_poll(m_rk, timeoutMs)) {
            timeoutMs = 0;
            if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
                m_caughtUp = true;
            } else if (!m->err) {
                const QJsonObject o =
                    QJsonDocument::fromJson(
                        QByteArray(static_cast<const char*>(m->payload), qsizetype(m->len)))
                        .object();
                const std::string key = o.value(QStringLiteral("run_key")).toString().toStdString();
                const qint64 origin = o.value(QStringLiteral("origin")).toInteger();
                if (o.value(QStringLiteral("state")).toString() == QStringLiteral("ended")) {
                    m_origins[key].erase(origin);
                } else {
                    m_origins[key].insert(origin);
                    m_running[key] = o, m_order.push_back(key);
                }
            }
            rd_kafka_message_destroy(m);
        }
        return m_caughtUp;
    }
    // A run shared by several ingress processes ends when the last of them has ended (one that
    // was killed never says so: its workers work on, as they would for a run of one).
    bool ended(const std::string& key) const {
        const auto it = m_origins.find(key);
        return it == m_origins.end() || it->second.empty();
    }
    // The most recent run announced and not ended.
    std::optional<QJsonObject> current() const {
        for (auto it = m_order.rbegin(); it != m_order.rend(); ++it)
            if (!ended(*it)) return m_running.at(*it);
        return std::nullopt;
    }

private:
    rd_kafka_t* m_rk = nullptr;
    bool m_caughtUp = false;
    std::map<std::string, QJsonObject> m_running;
    std::map<std::string, std::set<qint64>> m_origins;  // by run: its ingresses still running
    std::vector<std::string> m_order;
};

Announcement parse(const QJsonObject& o, const std::string& prefix) {
    Announcement a;
    a.topics =
        RunTopics::forRun(prefix, o.value(QStringLiteral("run_key")).toString().toStdString());
    a.topics.requests = o.value(QStringLiteral("requests_topic")).toString().toStdString();
    a.topics.results = o.value(QStringLiteral("results_topic")).toString().toStdString();
    a.topics.group = o.value(QStringLiteral("group")).toString().toStdString();
    a.topics.sharedRequests = o.value(QStringLiteral("shared_requests")).toBool(false);
    for (const QJsonValue& offset : o.value(QStringLiteral("start_offsets")).toArray())
        a.topics.startOffsets.push_back(offset.toInteger());
    const auto run = transport::RunAnnouncement::fromJson(o);  // the run's own part
    a.guard = run.guard;
    a.sharedKey = run.sharedKey;
    a.campaigns = int(run.campaigns.size());
    a.retry = run.retryPolicy();
    return a;
}

// A result waiting for its delivery report: then its request's offset may be stored.
struct PendingResult {
    std::uint64_t token;
    unsigned char bytes[kMaxResultBytes];
    std::size_t size = 0;
};

struct ResultSink {
    KafkaConsumer* consumer = nullptr;
    std::vector<PendingResult*> failed;  // delivery failed: send again
    // The cluster is gone (librdkafka: all brokers down) until a probe or a delivery says
    // otherwise. A decision made then could not be reported: the worker decides nothing.
    bool clusterDown = false;
    Clock::time_point lastProbe;
};

void producerError(rd_kafka_t*, int err, const char*, void* opaque) {
    if (err == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN)
        static_cast<ResultSink*>(opaque)->clusterDown = true;
}

// While the cluster is down, asks it for its metadata once a second.
void probeCluster(rd_kafka_t* producer, ResultSink& sink) {
    if (!sink.clusterDown || Clock::now() - sink.lastProbe < std::chrono::seconds(1)) return;
    sink.lastProbe = Clock::now();
    const rd_kafka_metadata_t* metadata = nullptr;
    if (rd_kafka_metadata(producer, 0, nullptr, &metadata, 500) == RD_KAFKA_RESP_ERR_NO_ERROR) {
        rd_kafka_metadata_destroy(metadata);
        sink.clusterDown = false;
    }
}

void resultDelivered(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
    auto* sink = static_cast<ResultSink*>(opaque);
    auto* pending = static_cast<PendingResult*>(m->_private);
    if (m->err) {
        sink->failed.push_back(pending);
        return;
    }
    sink->clusterDown = false;
    sink->consumer->acknowledge(pending->token);
    delete pending;
}
}  // namespace

bool runRemoteWorker(const RemoteWorkerOptions& options, const std::atomic<bool>& stop,
                     RemoteWorkerReport& report, std::string& error) {
    const KafkaSettings& settings = options.settings;
    ControlReader control;
    if (!control.open(settings, settings.topicPrefix + ".runs", error)) return false;
    std::optional<QJsonObject> found;
    const auto giveUp = Clock::now() + options.waitForRun;
    while (!stop.load() && Clock::now() < giveUp) {
        if (control.poll(200) && (found = control.current())) break;
    }
    if (!found) {
        error = "no run in progress was announced on " + settings.bootstrap + " (topic " +
                settings.topicPrefix + ".runs) within " +
                std::to_string(options.waitForRun.count()) + " s";
        return false;
    }
    const Announcement run = parse(*found, settings.topicPrefix);
    report.runKey = run.topics.runKey;
    report.guard = run.guard;

    std::unique_ptr<guards::Guard> guard = options.guards(run.guard, error);
    if (!guard) return false;
    if (!guard->attach(run.sharedKey, run.campaigns, 1, error)) return false;

    KafkaSettings group = settings;
    group.joinGroup = true;
    auto consumer = KafkaConsumer::open(nullptr, group, run.topics, {}, error);
    if (!consumer) return false;

    ResultSink sink{consumer.get(), {}, false, {}};
    Config config;
    config.connection(settings).set("enable.idempotence", "true").set("linger.ms", "2");
    rd_kafka_conf_set_opaque(config.raw(), &sink);
    rd_kafka_conf_set_dr_msg_cb(config.raw(), resultDelivered);
    rd_kafka_conf_set_error_cb(config.raw(), producerError);
    rd_kafka_t* producer = config.create(RD_KAFKA_PRODUCER, error);
    if (!producer) return false;
    rd_kafka_topic_t* results = rd_kafka_topic_new(producer, run.topics.results.c_str(), nullptr);

    auto send = [&](PendingResult* pending) {
        while (rd_kafka_produce(results, 0, RD_KAFKA_MSG_F_COPY, pending->bytes, pending->size,
                                nullptr, 0, pending) == -1) {
            if (stop.load()) {
                delete pending;
                return;
            }
            rd_kafka_poll(producer, 10);  // the local queue is full: let it drain
        }
    };
    // The run's own decider and retry policy, on the run's shared stock; by user, since a
    // message can come twice.
    const guards::Decider decider(*guard, run.retry, /*byUser=*/true);
    std::mt19937_64 jitter(std::random_device{}());
    // `before`: answered by a decision made earlier for this user (a copy delivered again).
    auto decide = [&](const transport::Envelope& e, std::uint8_t& attempts, bool& before) {
        using transport::RemoteOutcome;
        int made = 1;
        const guards::Verdict verdict = decider.decideBlocking(
            {e.campaign, 0, e.user, e.flags}, jitter, made, [&] { return stop.load(); });
        attempts = static_cast<std::uint8_t>(made);
        report.retries += made - 1;
        switch (verdict) {
            case guards::Verdict::Issued:
                return RemoteOutcome::Succeeded;
            case guards::Verdict::IssuedBefore:
                before = true;  // a copy's answer: not a unit of its own
                return RemoteOutcome::Succeeded;
            case guards::Verdict::SoldOut:
                return RemoteOutcome::SoldOut;
            case guards::Verdict::LotteryLost:
                return RemoteOutcome::LotteryLost;
            case guards::Verdict::Unavailable:
            case guards::Verdict::StockLost:  // the run reads the loss from the stock itself
                break;
        }
        return RemoteOutcome::Failed;
    };

    auto lastProgress = Clock::now();
    auto quietSince = Clock::now();
    bool ending = false;
    while (!stop.load()) {
        transport::Delivery delivery;
        transport::Envelope envelope;
        rd_kafka_poll(producer, 0);
        probeCluster(producer, sink);
        if (sink.clusterDown) {
            // What was fetched before stays unacknowledged: redelivered once the cluster is
            // back, or settled by the run if it gives up first.
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
            continue;
        }
        std::uint32_t origin = 0;
        if (consumer->tryPop(delivery, envelope, &origin)) {
            quietSince = Clock::now();
            std::uint8_t attempts = 1;
            bool before = false;
            transport::RemoteResult result{envelope.message, decide(envelope, attempts, before),
                                           attempts, origin};
            switch (result.outcome) {
                case transport::RemoteOutcome::Succeeded:
                    ++(before ? report.issuedBefore : report.succeeded);
                    break;
                case transport::RemoteOutcome::SoldOut:
                    ++report.soldOut;
                    break;
                case transport::RemoteOutcome::LotteryLost:
                    ++report.lotteryLost;
                    break;
                case transport::RemoteOutcome::Failed:
                    ++report.failed;
                    break;
            }
            ++report.processed;
            auto* pending = new PendingResult{delivery.token, {}, 0};
            pending->size = encode(result, options.workerId, static_cast<int>(delivery.token >> 48),
                                   pending->bytes);
            send(pending);
            rd_kafka_poll(producer, 0);
        } else {
            rd_kafka_poll(producer, 0);
            consumer->waitForWork(50);
        }
        for (std::vector<PendingResult*> again = std::exchange(sink.failed, {});
             PendingResult * p : again)
            send(p);
        if (Clock::now() - lastProgress >= std::chrono::seconds(1)) {
            lastProgress = Clock::now();
            control.poll(0);
            ending = ending || control.ended(run.topics.runKey);
            if (options.progress) options.progress(report);
        }
        // The run ended at the ingress: every request is final there, so nothing more comes.
        if (ending && Clock::now() - quietSince >= std::chrono::milliseconds(500)) break;
    }
    // Stopped by a signal, the worker ends within a few seconds: results that cannot reach
    // the cluster by then are dropped (the run reconciles them with the guard's ledger), and
    // without a cluster the consumer neither commits nor leaves its group.
    const bool delivered =
        rd_kafka_flush(producer, stop.load() ? 1000 : 5000) == RD_KAFKA_RESP_ERR_NO_ERROR;
    if (!delivered) {
        rd_kafka_purge(producer, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
        consumer->closeWithoutCluster();
    }
    rd_kafka_poll(producer, 0);
    consumer.reset();  // stores and commits what was delivered
    rd_kafka_topic_destroy(results);
    rd_kafka_destroy(producer);
    for (PendingResult* p : sink.failed) delete p;
    return true;
}

}  // namespace stampede::backends::kafka
