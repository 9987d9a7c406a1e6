#include "backends/kafka/dead_letter_replay.h"

#include "transport/run_announcement.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <random>
#include <thread>

#include "backends/kafka/dead_letter_topic.h"
#include "dlq/background_replay_job.h"
#include "stampede/backends/kafka/mock_cluster.h"
#include "stampede/guards/guard_registry.h"

namespace stampede::backends::kafka {

namespace {

using Clock = std::chrono::steady_clock;

// The guards that keep a record of which users took a unit, for the refusal below.
std::string byUserGuardNames() {
    std::string out;
    for (const guards::GuardInfo& g : guards::knownGuards()) {
        if (!g.decidesByUser) continue;
        if (!out.empty()) out += ", ";
        out += g.name;
    }
    return out;
}

QJsonObject parseObject(const std::string& text) {
    return QJsonDocument::fromJson(QByteArray::fromStdString(text)).object();
}

// The run's description, as the entries carry it (the announcement's JSON).
void readOrigin(const QJsonObject& origin, TopicDeadLetters& out) {
    const auto run = transport::RunAnnouncement::fromJson(origin);
    out.guard = run.guard;
    out.sharedKey = run.sharedKey;
    out.campaigns.clear();
    for (const auto& c : run.campaigns) out.campaigns.push_back(c.id);
    out.retry = run.retryPolicy();
}

// The marks topic, made before the first mark: a real broker may not create topics on first
// use. A broker without the Admin API (the standalone mock) creates it when it is produced to.
void createMarksTopic(rd_kafka_t* producer, const KafkaSettings& settings,
                      const std::string& topic) {
    std::string ignored;  // "already exists" is the usual answer, and not a failure
    if (settings.mock) {
        settings.mock->createTopic(topic, 1, ignored);
        return;
    }
    char why[512];
    rd_kafka_NewTopic_t* newTopic = rd_kafka_NewTopic_new(topic.c_str(), 1, -1, why, sizeof why);
    rd_kafka_AdminOptions_t* options = rd_kafka_AdminOptions_new(producer, RD_KAFKA_ADMIN_OP_ANY);
    rd_kafka_AdminOptions_set_request_timeout(options, 3000, why, sizeof why);
    rd_kafka_queue_t* queue = rd_kafka_queue_new(producer);
    rd_kafka_CreateTopics(producer, &newTopic, 1, options, queue);
    if (rd_kafka_event_t* event = rd_kafka_queue_poll(queue, 3500)) rd_kafka_event_destroy(event);
    rd_kafka_queue_destroy(queue);
    rd_kafka_AdminOptions_destroy(options);
    rd_kafka_NewTopic_destroy(newTopic);
}

class TopicReplayJob final : public dlq::BackgroundReplayJob {
public:
    explicit TopicReplayJob(TopicReplayOptions options) : m_options(std::move(options)) {
        launch();
    }
    ~TopicReplayJob() override { joinWork(); }

private:
    // The entries this replay decides: the pending ones asked for.
    std::vector<const TopicEntry*> choose(const TopicDeadLetters& topic) {
        std::vector<const TopicEntry*> chosen;
        std::int64_t skipped = 0;
        for (const TopicEntry& e : topic.entries) {
            const auto& ids = m_options.ids;
            const bool asked =
                ids.empty() || std::find(ids.begin(), ids.end(), e.letter.requestId) != ids.end();
            if (asked && e.replayed.empty())
                chosen.push_back(&e);
            else if (asked && !ids.empty())
                ++skipped;  // asked for by id, but replayed already
        }
        if (!m_options.ids.empty())  // asked for but not in the topic at all
            skipped += std::int64_t(m_options.ids.size()) - std::int64_t(chosen.size()) - skipped;
        update([&](Progress& p, ReplayOutcome&) {
            p.total = std::int64_t(chosen.size());
            p.skipped = std::max<std::int64_t>(0, skipped);
        });
        return chosen;
    }

    // The run's guard on the operator's backend, attached to the run's stock; null with the
    // reason as the outcome's error.
    std::unique_ptr<guards::Guard> attachGuard(const TopicDeadLetters& topic) {
        const std::string& t = m_options.topic;
        if (topic.guard.empty()) {
            finish("the entries of " + t +
                   " do not name their run's guard (they were written by an older Stampede); "
                   "they can be read, not replayed");
            return nullptr;
        }
        if (topic.sharedKey.empty()) {
            finish("the run of " + t + " used guard '" + topic.guard +
                   "', whose stock lived in that run's process and ended with it; replay its "
                   "dead letters from the store instead (stampede-cli dlq replay --store … "
                   "--run …)");
            return nullptr;
        }
        if (!m_options.guards) {
            finish("no backend was given for guard '" + topic.guard + "'");
            return nullptr;
        }
        std::string error;
        std::unique_ptr<guards::Guard> guard = m_options.guards(topic.guard, error);
        if (!guard) {
            finish(error);
            return nullptr;
        }
        if (!guard->decidesByUser()) {
            finish("guard '" + topic.guard +
                   "' keeps no record of which users took a unit, so a replay after the run "
                   "could issue twice; only guards that decide by user (" +
                   byUserGuardNames() + ") are replayed from a topic");
            return nullptr;
        }
        if (!guard->attach(topic.sharedKey, int(topic.campaigns.size()), 1, error)) {
            finish(error);
            return nullptr;
        }
        return guard;
    }

    // One entry's decision, retried while the backend is unavailable (the run's own rules).
    std::string decide(guards::Guard& guard, const TopicDeadLetters& topic,
                       const dlq::DeadLetter& letter, std::mt19937_64& jitter) {
        const auto at =
            std::find(topic.campaigns.begin(), topic.campaigns.end(), letter.campaignId);
        if (at == topic.campaigns.end()) return {};  // not the run's: left pending, counted failed
        const int campaign = int(at - topic.campaigns.begin());
        // The run's decider and retry policy; a unit the user already holds (an earlier replay,
        // or an attempt that timed out but was carried out) is never taken again.
        const guards::Decider decider(guard, topic.retry, /*byUser=*/true);
        int attempts = 0;
        bool held = false;
        const guards::Verdict verdict = decider.decideBlocking(
            {campaign, 0, letter.user, 0}, jitter, attempts, [this] { return cancelled(); },
            [&]() -> std::optional<guards::Verdict> {
                const auto holds = guard.holdsUnit(campaign, letter.user);
                held = holds && *holds;
                return held ? std::optional(guards::Verdict::Issued) : std::nullopt;
            });
        if (held) return "already held";
        switch (verdict) {
            case guards::Verdict::Issued:
                return "issued";
            case guards::Verdict::IssuedBefore:
                return "already held";
            case guards::Verdict::SoldOut:
                return "sold out";
            case guards::Verdict::LotteryLost:
            case guards::Verdict::Unavailable:
            case guards::Verdict::StockLost:
                break;
        }
        return {};
    }

    static void delivered(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
        if (m->err) static_cast<std::atomic<std::int64_t>*>(opaque)->fetch_add(1);
    }

    void work() override {
        std::string error;
        const auto topic = readTopicDeadLetters(m_options.settings, m_options.topic, error);
        if (!topic) return finish(error);
        update([&](Progress&, ReplayOutcome& o) { o.guard = topic->guard; });
        const std::vector<const TopicEntry*> chosen = choose(*topic);
        if (chosen.empty()) return finish();
        std::unique_ptr<guards::Guard> guard = attachGuard(*topic);
        if (!guard) return;

        std::atomic<std::int64_t> undelivered{0};
        Config config;
        config.connection(m_options.settings)
            .set("enable.idempotence", "true")
            .set("acks", "all")
            .set("linger.ms", "5");
        rd_kafka_conf_set_opaque(config.raw(), &undelivered);
        rd_kafka_conf_set_dr_msg_cb(config.raw(), delivered);
        rd_kafka_t* producer = config.create(RD_KAFKA_PRODUCER, error);
        if (!producer) return finish(error);
        const std::string marksTopic = replayMarksTopic(m_options.topic);
        if (!topic->marksTopicExists) createMarksTopic(producer, m_options.settings, marksTopic);
        rd_kafka_topic_t* marks = rd_kafka_topic_new(producer, marksTopic.c_str(), nullptr);

        std::mt19937_64 jitter(std::random_device{}());
        const auto start = Clock::now();
        for (std::size_t i = 0; i < chosen.size() && !cancelled(); ++i) {
            if (m_options.perSecond > 0)
                std::this_thread::sleep_until(start + std::chrono::nanoseconds(std::int64_t(
                                                          double(i) * 1e9 / m_options.perSecond)));
            const dlq::DeadLetter& letter = chosen[i]->letter;
            const std::string outcome = decide(*guard, *topic, letter, jitter);
            if (!outcome.empty()) mark(producer, marks, letter, outcome);
            rd_kafka_poll(producer, 0);
            update([&](Progress& p, ReplayOutcome& o) {
                ++p.sent;
                if (outcome.empty())
                    ++o.failed;
                else {
                    ++p.accepted;
                    ++o.decided;
                }
                o.issued += outcome == "issued";
                o.alreadyHeld += outcome == "already held";
                o.soldOut += outcome == "sold out";
            });
        }
        const rd_kafka_resp_err_t flushed = rd_kafka_flush(producer, 10'000);
        rd_kafka_topic_destroy(marks);
        rd_kafka_destroy(producer);
        if (flushed != RD_KAFKA_RESP_ERR_NO_ERROR || undelivered.load() > 0)
            return finish("marks not delivered to " + marksTopic +
                          "; their entries stay pending, and replaying them again takes "
                          "nothing twice");
        finish();
    }

    void mark(rd_kafka_t* producer, rd_kafka_topic_t* topic, const dlq::DeadLetter& letter,
              const std::string& outcome) {
        const qint64 now = std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
        const QByteArray text =
            QJsonDocument(
                QJsonObject{{QStringLiteral("request_id"), qint64(letter.requestId)},
                            {QStringLiteral("campaign"), QString::fromStdString(letter.campaignId)},
                            {QStringLiteral("user_id"), qint64(letter.user)},
                            {QStringLiteral("outcome"), QString::fromStdString(outcome)},
                            {QStringLiteral("replayed_at_ms"), now}})
                .toJson(QJsonDocument::Compact);
        const std::string key = std::to_string(letter.requestId);
        while (rd_kafka_produce(topic, RD_KAFKA_PARTITION_UA, RD_KAFKA_MSG_F_COPY,
                                const_cast<char*>(text.data()), std::size_t(text.size()),
                                key.data(), key.size(), nullptr) == -1)
            rd_kafka_poll(producer, 10);
    }

    TopicReplayOptions m_options;
};

}  // namespace

std::string replayMarksTopic(const std::string& deadLetterTopic) {
    return deadLetterTopic + ".replays";
}

std::int64_t TopicDeadLetters::pending() const {
    return std::count_if(entries.begin(), entries.end(),
                         [](const TopicEntry& e) { return e.replayed.empty(); });
}

std::optional<TopicDeadLetters> readTopicDeadLetters(const KafkaSettings& settings,
                                                     const std::string& topic, std::string& error) {
    const auto letters = readWholeTopic(settings, topic, error);
    if (!letters) return std::nullopt;
    TopicDeadLetters out;
    const auto marks =
        readWholeTopic(settings, replayMarksTopic(topic), error, true, &out.marksTopicExists);
    if (!marks) return std::nullopt;
    // A request dead-lettered again after a replay during its run has a later entry: it wins.
    std::map<core::RequestId, TopicEntry> latest;
    for (const std::string& text : *letters) {
        auto letter = dlq::fromJson(text);
        if (!letter) continue;
        const QJsonObject origin = parseObject(text).value(QStringLiteral("origin")).toObject();
        if (!origin.isEmpty()) readOrigin(origin, out);
        latest[letter->requestId] = TopicEntry{std::move(*letter), {}};
    }
    for (const std::string& text : *marks) {
        const QJsonObject o = parseObject(text);
        // Only a whole mark counts: anything else on that topic leaves its entry pending.
        if (!o.value(QStringLiteral("request_id")).isDouble() ||
            o.value(QStringLiteral("outcome")).toString().isEmpty())
            continue;
        const auto id = core::RequestId(o.value(QStringLiteral("request_id")).toInteger());
        if (auto it = latest.find(id); it != latest.end())
            it->second.replayed = o.value(QStringLiteral("outcome")).toString().toStdString();
    }
    for (auto& [id, entry] : latest) out.entries.push_back(std::move(entry));
    return out;
}

std::shared_ptr<ReplayJob> replayDeadLetterTopic(TopicReplayOptions options) {
    return std::make_shared<TopicReplayJob>(std::move(options));
}

}  // namespace stampede::backends::kafka
