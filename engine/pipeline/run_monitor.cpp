// The monitor thread of a run: builds and publishes snapshots, restarts crashed workers, audits
// fairness and winners, and declares the end of the run.

#include <QCryptographicHash>

#include <algorithm>

#include "core/thread_name.h"
#include "pipeline/run.h"

namespace stampede::pipeline {

using core::RequestState;

namespace {
constexpr std::int64_t kSampleEveryNs = 100'000'000;  // throughput points: 10 a second
constexpr std::size_t kThroughputPoints = 3000;       // five minutes of them
constexpr std::int64_t kLiveAuditEveryNs = 1'000'000'000;
}  // namespace

void Run::superviseWorkers() {
    for (std::size_t w = 0; w < m_workers.size(); ++w) {
        WorkerSlot& slot = *m_workers[w];
        if (!slot.crashed.load(std::memory_order_acquire)) continue;
        if (slot.thread.joinable()) slot.thread.join();
        slot.crashed.store(false, std::memory_order_relaxed);
        m_crashes.fetch_add(1, std::memory_order_relaxed);
        if (!m_shutdown.load())
            slot.thread = std::thread([this, w] { workerLoop(static_cast<int>(w)); });
    }
}

std::shared_ptr<Snapshot> Run::buildSnapshot() {
    auto s = std::make_shared<Snapshot>();
    const std::size_t campaigns = m_campaigns.size();
    std::vector<std::int64_t> cells(campaigns * metrics::kFieldsPerCampaign, 0);
    auto read = [&](const metrics::CounterBlock& block) {
        block.readInto(cells);
        block.queueWait.addTo(s->queueWait);
        block.processing.addTo(s->processing);
        block.endToEnd.addTo(s->endToEnd);
    };
    const bool ended = m_ended.load(std::memory_order_acquire);
    // Downstream first: see counter_block.h for why this order keeps the counts exact.
    for (const auto& w : m_workers) read(*w->block);
    read(*m_replayBlock);
    read(*m_coordinatorBlock);
    for (const auto& f : m_feederBlocks) read(*f);
    read(*m_apiBlock);

    const std::int64_t now = m_clock.nowNs();
    s->version = ++m_snapshotVersion;
    if (ended)
        s->status = m_stopRequested.load() ? RunStatus::Stopped : RunStatus::Completed;
    else if (m_paused.load())
        s->status = RunStatus::Paused;
    else if (m_feedingDone.load() || m_stopRequested.load())
        s->status = RunStatus::Draining;
    else
        s->status = RunStatus::Running;
    s->run.scenarioName = m_scenario.name;
    s->run.pipeline = m_config.pipeline;
    s->run.guard = m_config.guard;
    s->run.transport = m_config.transport;
    s->run.workers = m_config.workers;
    s->run.partitions = m_config.partitions;
    s->run.consumers = m_workerCount;
    s->run.seed = m_scenario.seed;
    s->run.maxAttempts = m_config.maxAttempts;
    s->run.guardRacesOnPurpose = m_guard->racesOnPurpose();
    s->elapsedS = static_cast<double>(now) / 1e9;
    s->wallS = ended ? m_wallS : s->elapsedS;
    s->arrivalsTotal = static_cast<std::int64_t>(m_arrivals.size());
    s->arrivalsFed = std::min(m_arrivalsFed.load(), s->arrivalsTotal);

    for (std::size_t c = 0; c < campaigns; ++c) {
        const CampaignRuntime& rt = *m_campaigns[c];
        const std::int64_t* cell = &cells[c * metrics::kFieldsPerCampaign];
        CampaignSnapshot cs;
        cs.id = rt.def.id;
        cs.name = rt.def.name;
        cs.policy = rt.def.policy;
        cs.requiresVerification = rt.def.requiresVerification;
        cs.opensAfterMs = rt.def.opensAfterMs;
        cs.closesAfterMs = rt.def.closesAfterMs.value_or(-1);
        cs.stock = m_guard->stock(int(c));
        cs.remaining = m_guard->remaining(int(c));
        for (int st = 0; st < core::kStateCount; ++st) {
            cs.states[std::size_t(st)] = cell[st];
            cs.admitted += cell[st];
        }
        for (int rs = 0; rs < core::kReasonCount; ++rs)
            cs.rejected[std::size_t(rs)] = cell[metrics::reasonField(core::RejectReason(rs))];
        cs.issued = cs.states[std::size_t(RequestState::Succeeded)];
        cs.requests = cell[int(metrics::Field::Requests)];
        cs.duplicates = cell[int(metrics::Field::Duplicates)];
        cs.overIssued = std::max<std::int64_t>(0, cs.issued - cs.stock);
        cs.underIssued = cs.rejected[std::size_t(core::RejectReason::SoldOut)] > 0
                             ? std::max<std::int64_t>(0, cs.stock - cs.issued)
                             : 0;
        cs.fairnessInversions = m_inversions[c];
        cs.operatorInversions = m_operatorInversions[c];
        cs.inFlight = cs.states[std::size_t(RequestState::Processing)];
        cs.maxInFlight = rt.bulkhead.limit();
        cs.rateLimitRps = rt.limiter.rate();
        cs.lotteryDrawn = rt.drawn.load(std::memory_order_relaxed);
        cs.lotterySeed = rt.lotterySeed;

        s->requests += cs.requests;
        s->duplicates += cs.duplicates;
        s->admitted += cs.admitted;
        for (int st = 0; st < core::kStateCount; ++st)
            s->states[std::size_t(st)] += cs.states[std::size_t(st)];
        for (int rs = 0; rs < core::kReasonCount; ++rs)
            s->rejected[std::size_t(rs)] += cs.rejected[std::size_t(rs)];
        s->stock += cs.stock;
        s->remaining += cs.remaining;
        s->issued += cs.issued;
        s->overIssued += cs.overIssued;
        s->underIssued += cs.underIssued;
        s->fairnessInversions += cs.fairnessInversions;
        s->operatorInversions += cs.operatorInversions;
        s->retries += cell[int(metrics::Field::Retries)];
        s->redeliveries += cell[int(metrics::Field::Redeliveries)];
        s->deadLettered += cell[int(metrics::Field::DeadLettered)];
        s->replayed += cell[int(metrics::Field::Replayed)];
        s->campaigns.push_back(std::move(cs));
    }
    s->finals = s->states[std::size_t(RequestState::Succeeded)] +
                s->states[std::size_t(RequestState::Rejected)] +
                s->states[std::size_t(RequestState::FailedFinal)];
    s->workerCrashes = m_crashes.load(std::memory_order_relaxed);
    s->dlqSize = static_cast<std::int64_t>(m_dlq.size());
    s->queueDepth = m_transport ? static_cast<std::int64_t>(m_transport->depth()) : 0;
    s->winnersSha256 = m_winnersSha256;
    if (m_transport && !m_inproc) s->transport = m_transport->stats();
    if (const guards::BackendStats b = m_guard->backendStats(); !b.kind.empty())
        s->backend = {b.kind,           b.roundTrips, b.errors,  b.reconnects,
                      b.roundTripP95Ms, b.waitP95Ms,  b.detail,  b.connections,
                      b.busy,           b.busyPeak,   b.waiting, b.waitingPeak};
    s->throughput.assign(m_throughput.begin(), m_throughput.end());
    s->throughputRps = s->wallS > 0 ? static_cast<double>(s->finals) / s->wallS : 0;
    return s;
}

// Fairness inversions (FIRST_COME winners queued after some sold-out loser) and, when asked, the
// SHA-256 of the sorted winner list "campaign_id:user\n". Reads only final requests, whose
// fields were all written before their final state was stored.
//
// A request's stock epoch is how many of its campaign's stock changes came before its decision.
// An inversion is the system's when winner and loser were decided in the same epoch and neither
// came back from the DLQ; one that exists only through a replay or across a stock change is the
// operator's doing and counted apart.
void Run::audit(Snapshot& s, bool withWinners) {
    const std::uint32_t n = m_arena.size();
    const std::size_t campaigns = m_campaigns.size();
    std::vector<std::vector<std::int64_t>> changes;
    {
        std::lock_guard lock(m_stockChangesMutex);
        changes = m_stockChangesNs;
    }
    changes.resize(campaigns);
    const auto epochOf = [&changes](const core::Request& r) {
        const auto& c = changes[r.campaign];
        return std::size_t(std::upper_bound(c.begin(), c.end(), r.finishedNs) - c.begin());
    };
    std::vector<std::vector<std::uint32_t>> firstLoser(campaigns);  // [campaign][epoch]
    std::vector<std::uint32_t> firstLoserEver(campaigns, UINT32_MAX);
    for (std::size_t c = 0; c < campaigns; ++c) firstLoser[c].assign(changes[c].size() + 1, UINT32_MAX);
    for (std::uint32_t id = 0; id < n; ++id) {
        const core::Request& r = m_arena[id];
        if (r.loadState() != RequestState::Rejected || r.reason != core::RejectReason::SoldOut)
            continue;
        firstLoserEver[r.campaign] = std::min(firstLoserEver[r.campaign], r.seq);
        // A replayed request that lost did so because the operator replayed it after the sell
        // out; its early sequence must not make the winners before it look unfair.
        if (r.flags & core::Request::kReplayed) continue;
        std::uint32_t& first = firstLoser[r.campaign][epochOf(r)];
        first = std::min(first, r.seq);
    }
    std::vector<std::int64_t> inversions(campaigns, 0), byOperator(campaigns, 0);
    std::vector<std::pair<std::uint16_t, std::uint64_t>> winners;
    for (std::uint32_t id = 0; id < n; ++id) {
        const core::Request& r = m_arena[id];
        if (r.loadState() != RequestState::Succeeded) continue;
        if (withWinners) winners.emplace_back(r.campaign, r.user);
        if (m_campaigns[r.campaign]->def.policy != core::Policy::FirstCome ||
            r.seq <= firstLoserEver[r.campaign])
            continue;
        const bool replayed = r.flags & core::Request::kReplayed;
        if (!replayed && r.seq > firstLoser[r.campaign][epochOf(r)])
            ++inversions[r.campaign];
        else
            ++byOperator[r.campaign];
    }
    m_inversions = inversions;
    m_operatorInversions = byOperator;
    s.fairnessInversions = 0;
    s.operatorInversions = 0;
    for (std::size_t c = 0; c < campaigns; ++c) {
        s.campaigns[c].fairnessInversions = inversions[c];
        s.campaigns[c].operatorInversions = byOperator[c];
        s.fairnessInversions += inversions[c];
        s.operatorInversions += byOperator[c];
    }
    if (!withWinners) return;
    // Campaigns in id order, users in number order: independent of how the run interleaved.
    std::vector<std::size_t> rank(campaigns);
    {
        std::vector<std::size_t> order(campaigns);
        for (std::size_t c = 0; c < campaigns; ++c) order[c] = c;
        std::sort(order.begin(), order.end(), [this](std::size_t a, std::size_t b) {
            return m_campaigns[a]->def.id < m_campaigns[b]->def.id;
        });
        for (std::size_t i = 0; i < campaigns; ++i) rank[order[i]] = i;
    }
    std::sort(winners.begin(), winners.end(), [&rank](const auto& a, const auto& b) {
        return rank[a.first] != rank[b.first] ? rank[a.first] < rank[b.first] : a.second < b.second;
    });
    QCryptographicHash hash(QCryptographicHash::Sha256);
    std::string line;
    for (const auto& [campaign, user] : winners) {
        line = m_campaigns[campaign]->def.id + ':' + m_users.nameOf(user) + '\n';
        hash.addData(QByteArrayView(line.data(), static_cast<qsizetype>(line.size())));
    }
    m_winnersSha256 = hash.result().toHex().toStdString();
    s.winnersSha256 = m_winnersSha256;
}

void Run::monitorLoop() {
    core::nameThisThread("sp-monitor");
    const auto interval = std::chrono::nanoseconds(m_options.snapshotInterval);
    for (;;) {
        superviseWorkers();
        compensateFailedPushes();
        resendAfterLoss();
        applyRemoteResults();
        // Read "feeding is done" BEFORE counting: a snapshot taken earlier could predate the last
        // admissions, and a slow guard (a database round trip per campaign) widens that gap.
        const bool feedingDone = m_feedingDone.load(std::memory_order_acquire);
        auto s = buildSnapshot();
        const std::int64_t now = m_clock.nowNs();

        if (now - m_lastSampleNs >= kSampleEveryNs) {
            const double dt = static_cast<double>(now - m_lastSampleNs) / 1e9;
            m_throughput.push_back({static_cast<double>(now) / 1e9,
                                    static_cast<double>(s->requests - m_lastSampleRequests) / dt,
                                    static_cast<double>(s->finals - m_lastSampleFinals) / dt});
            if (m_throughput.size() > kThroughputPoints) m_throughput.pop_front();
            m_lastSampleNs = now;
            m_lastSampleRequests = s->requests;
            m_lastSampleFinals = s->finals;
        }

        const bool quiet = feedingDone && s->finals == s->admitted;
        if (quiet && (s->finals != m_auditedFinals || s->replayed != m_auditedReplayed)) {
            audit(*s, true);
            m_auditedFinals = s->finals;
            m_auditedReplayed = s->replayed;
        } else if (!quiet && now - m_lastAuditNs >= kLiveAuditEveryNs) {
            audit(*s, false);
            m_lastAuditNs = now;
        }

        const bool canEnd = quiet && (!m_options.keepOpen || m_stopRequested.load());
        if (canEnd && !m_ended.load()) {
            m_wallS = static_cast<double>(now) / 1e9;
            {
                std::lock_guard lock(m_controlMutex);
                m_ended.store(true, std::memory_order_release);
            }
            s = buildSnapshot();
            audit(*s, true);
            publish(s);
            if (m_transport && m_transport->sharesWork()) m_transport->announceEnd();
            // Waiters wake only now: after waitForEnd(), snapshot() is the final one.
            {
                std::lock_guard lock(m_controlMutex);
                m_endPublished.store(true, std::memory_order_release);
            }
            m_controlChanged.notify_all();
        } else {
            publish(s);
        }
        if (m_shutdown.load()) return;
        std::unique_lock lock(m_controlMutex);
        m_controlChanged.wait_for(lock, interval, [this] { return m_shutdown.load(); });
    }
}

}  // namespace stampede::pipeline
