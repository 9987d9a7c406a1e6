#include "store/stored_replay.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

#include "dlq/background_replay_job.h"
#include "stampede/store/store.h"
#include "stampede/store/write_behind_sink.h"

namespace stampede::store {
namespace {

QJsonObject payloadOf(const dlq::DeadLetter& l) {
    return QJsonDocument::fromJson(QByteArray::fromStdString(l.payload)).object();
}

class StoredReplayJob final : public dlq::BackgroundReplayJob {
public:
    StoredReplayJob(StoreUrl url, std::int64_t runId, std::vector<core::RequestId> ids,
                    double perSecond)
        : m_url(std::move(url)), m_runId(runId), m_ids(std::move(ids)), m_perSecond(perSecond) {
        launch();
    }
    ~StoredReplayJob() override { joinWork(); }

private:
    void work() override {
        std::string error;
        auto db = Store::open(m_url, error);
        if (!db) return finish(error);
        const auto stored = db->campaigns(m_runId);
        if (stored.empty()) return finish("the store has no run " + std::to_string(m_runId));
        auto letters = db->deadLetters(m_runId);
        if (!m_ids.empty())
            std::erase_if(letters, [this](const StoredDeadLetter& s) {
                return std::find(m_ids.begin(), m_ids.end(), s.letter.requestId) == m_ids.end();
            });
        update([&](Progress& p, ReplayOutcome&) {
            p.total = static_cast<std::int64_t>(letters.size());
        });
        sim::Scenario scenario;
        scenario.name = "replay of run " + std::to_string(m_runId);
        for (const auto& s : stored) {
            core::Campaign c = s.campaign;
            c.stock = std::max<std::int64_t>(0, c.stock - s.issued);
            c.opensAfterMs = 0;
            c.closesAfterMs.reset();  // an operator's replay comes after the window, on purpose
            c.policy = core::Policy::FirstCome;  // a lottery winner that failed is owed its coupon
            scenario.campaigns.push_back(c);
        }
        scenario.run.pipeline = core::Pipeline::Sync;
        scenario.run.workers = 1;
        Engine engine;
        StartOptions open;
        open.keepOpen = true;
        if (const auto started = engine.start(scenario, open); !started.ok())
            return finish(started.error);
        WriteBehindSink sink(engine, m_url, m_runId, 0.0);
        sink.start();
        const auto start = std::chrono::steady_clock::now();
        for (std::size_t i = 0; i < letters.size() && !cancelled(); ++i) {
            if (m_perSecond > 0)
                std::this_thread::sleep_until(
                    start + std::chrono::nanoseconds(
                                static_cast<std::int64_t>(double(i) * 1e9 / m_perSecond)));
            const dlq::DeadLetter& l = letters[i].letter;
            const QJsonObject payload = payloadOf(l);
            const std::string user = payload.value(QStringLiteral("user")).toString().toStdString();
            bool issued = false;
            if (db->hasCoupon(m_runId, l.campaignId, user)) {
                // Already holds a coupon of the run (an earlier, interrupted replay): not again.
            } else {
                const SubmitResult r = engine.submit(
                    {l.campaignId, user, payload.value(QStringLiteral("verified")).toBool(true)});
                if (r.outcome == SubmitResult::Outcome::Refused) {
                    update([](Progress& p, ReplayOutcome&) { ++p.skipped; });
                    continue;
                }
                issued = r.state == core::RequestState::Succeeded;
            }
            const core::RequestId id[] = {l.requestId};
            if (!db->setReplayState(m_runId, id, "replayed")) {
                error = db->lastError();
                break;
            }
            update([&](Progress& p, ReplayOutcome& o) {
                ++p.sent;
                ++p.accepted;
                ++o.decided;
                o.issued += issued ? 1 : 0;
            });
        }
        engine.stop();
        engine.waitForEnd(std::chrono::seconds(30));
        sink.stop();
        finish(error.empty() ? sink.stats().error : error);
    }

    StoreUrl m_url;
    std::int64_t m_runId;
    std::vector<core::RequestId> m_ids;
    double m_perSecond;
};

}  // namespace

std::shared_ptr<ReplayJob> replayStoredDeadLetters(const StoreUrl& url, std::int64_t runId,
                                                   std::vector<core::RequestId> ids,
                                                   double perSecond) {
    return std::make_shared<StoredReplayJob>(url, runId, std::move(ids), perSecond);
}

}  // namespace stampede::store
