#include <algorithm>
#include <map>

#include "backends/kafka/dead_letter_replay.h"
#include "stampede/live/dead_letter_source.h"
#include "stampede/store/store.h"
#include "store/stored_replay.h"

namespace stampede::live {
namespace {

class EngineDeadLetters final : public DeadLetterSource {
public:
    explicit EngineDeadLetters(std::shared_ptr<Engine> engine) : m_engine(std::move(engine)) {}
    std::string describe() const override { return "this run"; }
    std::optional<std::vector<ListedDeadLetter>> list(const dlq::DlqFilter& filter, bool,
                                                      std::string&) override {
        std::vector<ListedDeadLetter> out;
        for (auto& letter : m_engine->listDlq(filter))
            out.push_back({std::move(letter), 0, "pending"});
        return out;
    }
    std::shared_ptr<ReplayJob> replay(const std::vector<core::RequestId>& ids, double perSecond,
                                      std::string& error) override {
        auto job = m_engine->replayDlq(ids, perSecond);
        if (!job) error = "no run to replay into";
        return job;
    }
    std::optional<std::size_t> purge(const std::vector<core::RequestId>& ids,
                                     std::string&) override {
        return m_engine->purgeDlq(ids);
    }

private:
    std::shared_ptr<Engine> m_engine;
};

class StoredDeadLetters final : public DeadLetterSource {
public:
    StoredDeadLetters(store::StoreUrl url, std::int64_t runId)
        : m_url(std::move(url)), m_runId(runId) {}
    std::string describe() const override {
        return (m_runId ? "run " + std::to_string(m_runId) : std::string("every run")) + " in " +
               m_url.toString();
    }
    std::optional<std::vector<ListedDeadLetter>> list(const dlq::DlqFilter& filter, bool everyState,
                                                      std::string& error) override {
        auto db = store::Store::open(m_url, error);
        if (!db) return std::nullopt;
        std::vector<ListedDeadLetter> out;
        for (auto& s : db->deadLetters(run(), filter, everyState))
            out.push_back({std::move(s.letter), s.runId, s.replayState});
        return out;
    }
    std::shared_ptr<ReplayJob> replay(const std::vector<core::RequestId>& ids, double perSecond,
                                      std::string& error) override {
        if (m_runId == 0) {
            error = "a replay needs the run whose dead letters it replays";
            return nullptr;
        }
        return store::replayStoredDeadLetters(m_url, m_runId, ids, perSecond);
    }
    std::optional<std::size_t> purge(const std::vector<core::RequestId>& ids,
                                     std::string& error) override {
        auto db = store::Store::open(m_url, error);
        if (!db) return std::nullopt;
        std::map<std::int64_t, std::vector<core::RequestId>> byRun;
        std::size_t n = 0;
        for (const auto& s : db->deadLetters(run()))
            if (ids.empty() || std::find(ids.begin(), ids.end(), s.letter.requestId) != ids.end()) {
                byRun[s.runId].push_back(s.letter.requestId);
                ++n;
            }
        for (const auto& [runId, chosen] : byRun)
            if (!db->setReplayState(runId, chosen, "purged")) {
                error = db->lastError();
                return std::nullopt;
            }
        return n;
    }

private:
    std::optional<std::int64_t> run() const {
        return m_runId ? std::optional<std::int64_t>(m_runId) : std::nullopt;
    }
    store::StoreUrl m_url;
    std::int64_t m_runId;
};

class TopicDeadLetters final : public DeadLetterSource {
public:
    TopicDeadLetters(backends::kafka::KafkaSettings settings, std::string topic,
                     GuardFactory guards)
        : m_settings(std::move(settings)), m_topic(std::move(topic)), m_guards(std::move(guards)) {}
    std::string describe() const override { return "topic " + m_topic; }
    std::optional<std::vector<ListedDeadLetter>> list(const dlq::DlqFilter& filter, bool everyState,
                                                      std::string& error) override {
        const auto read = backends::kafka::readTopicDeadLetters(m_settings, m_topic, error);
        if (!read) return std::nullopt;
        std::vector<ListedDeadLetter> out;
        for (const auto& e : read->entries)
            if ((everyState || e.replayed.empty()) && filter.matches(e.letter))
                out.push_back({e.letter, 0, e.replayed.empty() ? "pending" : e.replayed});
        return out;
    }
    std::shared_ptr<ReplayJob> replay(const std::vector<core::RequestId>& ids, double perSecond,
                                      std::string&) override {
        backends::kafka::TopicReplayOptions options;
        options.settings = m_settings;
        options.topic = m_topic;
        options.guards = m_guards;
        options.ids = ids;
        options.perSecond = perSecond;
        return backends::kafka::replayDeadLetterTopic(std::move(options));
    }
    std::optional<std::size_t> purge(const std::vector<core::RequestId>&,
                                     std::string& error) override {
        error =
            "a topic's entries are not purged: Kafka keeps them until its retention ends, and a "
            "replay marks them on " +
            backends::kafka::replayMarksTopic(m_topic);
        return std::nullopt;
    }
    bool canPurge() const override { return false; }

private:
    backends::kafka::KafkaSettings m_settings;
    std::string m_topic;
    GuardFactory m_guards;
};

}  // namespace

std::optional<TopicOverview> readTopicOverview(const backends::kafka::KafkaSettings& settings,
                                               const std::string& topic, std::string& error) {
    const auto read = backends::kafka::readTopicDeadLetters(settings, topic, error);
    if (!read) return std::nullopt;
    TopicOverview out;
    for (const auto& entry : read->entries) {
        if (entry.replayed.empty()) out.pending.push_back(entry.letter);
        out.all.push_back({entry.letter, 0, entry.replayed.empty() ? "pending" : entry.replayed});
    }
    out.entries = std::int64_t(read->entries.size());
    out.guard = read->guard;
    out.sharedKey = read->sharedKey;
    return out;
}

std::unique_ptr<DeadLetterSource> engineDeadLetters(std::shared_ptr<Engine> engine) {
    return std::make_unique<EngineDeadLetters>(std::move(engine));
}

std::unique_ptr<DeadLetterSource> storedDeadLetters(store::StoreUrl url, std::int64_t runId) {
    return std::make_unique<StoredDeadLetters>(std::move(url), runId);
}

std::unique_ptr<DeadLetterSource> topicDeadLetters(backends::kafka::KafkaSettings settings,
                                                   std::string topic, GuardFactory guards) {
    return std::make_unique<TopicDeadLetters>(std::move(settings), std::move(topic),
                                              std::move(guards));
}

}  // namespace stampede::live
