#include "stampede/store/write_behind_sink.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <set>

#include "core/thread_name.h"
#include "stampede/store/store.h"

namespace stampede::store {
namespace {
constexpr std::size_t kBatch = 5000;  // coupons per transaction (10 INSERTs of 500 rows)
constexpr auto kIdle = std::chrono::milliseconds(20);
constexpr auto kDlqEvery = std::chrono::milliseconds(250);
}  // namespace

WriteBehindSink::WriteBehindSink(Engine& engine, StoreUrl url, std::int64_t runId,
                                 double eventSampling)
    : m_engine(engine),
      m_url(std::move(url)),
      m_runId(runId),
      m_generation(engine.runGeneration()),
      m_eventSampling(eventSampling) {}

WriteBehindSink::~WriteBehindSink() {
    stop();
}

void WriteBehindSink::start() {
    m_thread = std::thread([this] { loop(); });
}

void WriteBehindSink::stop() {
    if (!m_thread.joinable()) return;
    {
        std::lock_guard lock(m_mutex);
        m_stop.store(true);
    }
    m_wake.notify_all();
    m_thread.join();
}

SinkStats WriteBehindSink::stats() const {
    std::lock_guard lock(m_mutex);
    return m_stats;
}

void WriteBehindSink::loop() {
    core::nameThisThread("sp-store-sink");
    // Behind the decision path in the scheduler too: on a busy machine the engine's threads run
    // first and the sink catches up in the gaps (its lag grows, the decisions do not slow).
    ::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), 15);
    std::string error;
    auto store = Store::open(m_url, error);
    if (!store) {
        std::lock_guard lock(m_mutex);
        m_stats.error = error;
        return;
    }
    std::vector<FinalRequest> batch;
    std::vector<IssuedCoupon> coupons;
    std::vector<FinalRequest> events;
    batch.reserve(kBatch);
    const auto sampleBelow = static_cast<std::uint64_t>(m_eventSampling * 10000.0);
    auto sampled = [&](core::RequestId id) {
        std::uint64_t h = (std::uint64_t(id) + 0x9e3779b97f4a7c15ULL) * 0xbf58476d1ce4e5b9ULL;
        h ^= h >> 31;
        return h % 10000 < sampleBelow;
    };
    std::set<core::RequestId> storedLetters;
    std::int64_t seenDeadLettered = -1, seenReplayed = -1;
    auto lastDlqSync = std::chrono::steady_clock::now() - kDlqEvery;
    auto syncDlq = [&] {
        if (m_engine.runGeneration() != m_generation) return;  // the run is over and replaced
        const auto snapshot = m_engine.snapshot();
        if (!snapshot ||
            (snapshot->deadLettered == seenDeadLettered && snapshot->replayed == seenReplayed))
            return;
        seenDeadLettered = snapshot->deadLettered;
        seenReplayed = snapshot->replayed;
        const auto letters = m_engine.listDlq();
        std::vector<dlq::DeadLetter> fresh;
        std::set<core::RequestId> now;
        for (const auto& l : letters) {
            now.insert(l.requestId);
            if (!storedLetters.count(l.requestId)) fresh.push_back(l);
        }
        // Entries that left the engine's DLQ were replayed (or purged): the store follows.
        std::vector<core::RequestId> gone;
        for (const auto id : storedLetters)
            if (!now.count(id)) gone.push_back(id);
        if (!fresh.empty() && store->upsertDeadLetters(m_runId, fresh))
            for (const auto& l : fresh) storedLetters.insert(l.requestId);
        if (!gone.empty()) {
            std::vector<core::RequestId> replayed, purged;
            for (const auto id : gone) {
                const auto status = m_engine.requestStatus(id);
                (status && status->state != core::RequestState::FailedFinal ? replayed : purged)
                    .push_back(id);
                storedLetters.erase(id);
            }
            store->setReplayState(m_runId, replayed, "replayed");
            store->setReplayState(m_runId, purged, "purged");
        }
        std::lock_guard lock(m_mutex);
        m_stats.deadLettersStored = static_cast<std::int64_t>(storedLetters.size());
    };

    for (;;) {
        const bool stopping = m_stop.load();
        batch.clear();
        m_engine.takeFinal(batch, kBatch, m_generation);
        coupons.clear();
        events.clear();
        for (const FinalRequest& f : batch) {
            if (f.state == core::RequestState::Succeeded) coupons.push_back(f.coupon());
            if (sampled(f.requestId)) events.push_back(f);
        }
        if (!events.empty()) {
            const std::int64_t logged = store->insertEvents(m_runId, events);
            std::lock_guard lock(m_mutex);
            if (logged < 0)
                m_stats.error = store->lastError();
            else
                m_stats.eventsWritten += logged;
        }
        if (!coupons.empty()) {
            const std::int64_t written = store->insertIssued(m_runId, coupons);
            const auto snapshot = m_engine.snapshot();
            const double nowS = snapshot ? snapshot->elapsedS : 0;
            std::int64_t oldest = coupons.front().issuedAtNs;
            for (const auto& c : coupons) oldest = std::min(oldest, c.issuedAtNs);
            const double lagMs = std::max(0.0, (nowS * 1e9 - double(oldest)) / 1e6);
            std::lock_guard lock(m_mutex);
            if (written < 0) {
                m_stats.error = store->lastError();
            } else {
                m_stats.rowsWritten += written;
                m_rowsWritten.store(m_stats.rowsWritten, std::memory_order_release);
                ++m_stats.batches;
                m_stats.lagMsLast = lagMs;
                m_stats.lagMsMax = std::max(m_stats.lagMsMax, lagMs);
            }
        }
        if (std::chrono::steady_clock::now() - lastDlqSync >= kDlqEvery || stopping) {
            syncDlq();
            lastDlqSync = std::chrono::steady_clock::now();
        }
        if (stopping && batch.empty()) return;
        if (batch.size() < kBatch) {
            std::unique_lock lock(m_mutex);
            m_wake.wait_for(lock, kIdle, [this] { return m_stop.load(); });
        }
    }
}

}  // namespace stampede::store
