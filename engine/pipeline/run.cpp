#include "pipeline/run.h"

#include "core/thread_name.h"
#include "guards/guard_registry.h"

#include <algorithm>
#include <numeric>

namespace stampede::pipeline {

using core::RequestState;

std::unique_ptr<Run> Run::create(const sim::Scenario& scenario, const StartOptions& options,
                                 std::string& error) {
    std::unique_ptr<Run> run(new Run(scenario, options));
    if (!run->prepare(error)) return nullptr;
    return run;
}

Run::Run(const sim::Scenario& scenario, const StartOptions& options)
    : m_scenario(scenario), m_options(options), m_config(scenario.run) {}

bool Run::prepare(std::string& error) {
    if (m_config.transport == core::Transport::Kafka && !m_options.transportFactory) {
        error =
            "transport 'kafka' needs the Kafka backend, which this program does not offer; "
            "use --transport inproc";
        return false;
    }
    if (m_scenario.campaigns.empty()) {
        error = "scenario has no campaigns";
        return false;
    }
    // The live guards come from the front end's factory; the in-memory ones are built here.
    const guards::GuardInfo* info = guards::findGuard(m_config.guard);
    if (m_options.guardFactory && info && info->family != guards::GuardFamily::Memory)
        m_guard = m_options.guardFactory(m_config.guard, error);
    else
        m_guard = guards::makeGuard(m_config.guard, error);
    if (!m_guard) return false;

    // single-consumer is one partition read by one consumer, whatever else was asked.
    if (m_guard->requiresSingleConsumer()) {
        m_config.partitions = 1;
        m_config.workers = 1;
    }
    m_arrivals = sim::generateArrivals(m_scenario);
    m_faults = FaultPlan(m_scenario.faults, m_scenario.seed);

    const bool queued = m_config.pipeline != core::Pipeline::Sync;
    m_feederCount =
        m_config.pipeline == core::Pipeline::DecideInWorker ? 1 : std::max(1, m_config.workers);
    m_workerCount = queued ? m_config.workers : 0;
    m_consumerCount =
        queued ? std::min(m_config.workers, std::max(m_config.workers, m_config.partitions)) : 0;
    const int campaigns = static_cast<int>(m_scenario.campaigns.size());

    int lane = 0;
    m_feederAtUs = std::make_unique<std::atomic<std::int64_t>[]>(std::size_t(m_feederCount));
    for (int f = 0; f < m_feederCount; ++f) {
        m_feederBlocks.push_back(std::make_unique<metrics::CounterBlock>(campaigns));
        m_feederAtUs[std::size_t(f)].store(0);
    }
    lane += m_feederCount;
    for (int w = 0; w < m_workerCount; ++w) {
        auto slot = std::make_unique<WorkerSlot>();
        slot->block = std::make_unique<metrics::CounterBlock>(campaigns);
        m_workers.push_back(std::move(slot));
    }
    lane += m_workerCount;
    m_coordinatorLane = lane++;
    m_replayLane = lane++;
    m_apiLane = lane++;
    m_coordinatorBlock = std::make_unique<metrics::CounterBlock>(campaigns);
    m_replayBlock = std::make_unique<metrics::CounterBlock>(campaigns);
    m_apiBlock = std::make_unique<metrics::CounterBlock>(campaigns);

    std::vector<std::int64_t> stocks;
    for (std::size_t i = 0; i < m_scenario.campaigns.size(); ++i) {
        const auto& def = m_scenario.campaigns[i];
        auto rt = std::make_unique<CampaignRuntime>();
        rt->def = def;
        rt->bulkhead.setLimit(def.maxInFlight);
        rt->limiter.setRate(def.rateLimitRps, 0);
        rt->lotterySeed = FaultPlan::mix(m_scenario.seed ^ std::hash<std::string>{}(def.id));
        stocks.push_back(def.stock);
        m_campaigns.push_back(std::move(rt));
    }
    m_guard->reset(stocks, lane);
    if (queued && m_config.transport == core::Transport::Kafka) {
        transport::TransportSpec spec;
        spec.partitions = m_config.partitions;
        spec.consumers = m_workerCount;
        spec.capacityPerPartition = static_cast<std::size_t>(m_config.queueCapacity);
        spec.scenarioName = m_scenario.name;
        m_transport = m_options.transportFactory("kafka", spec, error);
        if (!m_transport) return false;
        m_takeByUser = m_transport->redelivers();
        if (m_transport->sharesWork() && m_guard->sharedKey().empty()) {
            error =
                "workers in other processes need a guard they can share (redis-*, mysql-*), "
                "not '" +
                m_config.guard + "'";
            return false;
        }
    } else if (queued) {
        auto rings = std::make_unique<transport::InprocTransport>(
            m_config.partitions, static_cast<std::size_t>(m_config.queueCapacity), m_workerCount);
        m_inproc = rings.get();
        m_transport = std::move(rings);
    }
    m_index.reserve(m_arrivals.size());
    m_arena.reserve(
        static_cast<std::uint32_t>(std::min<std::size_t>(m_arrivals.size(), UINT32_MAX)));

    const int crashes = m_scenario.faults.workerCrashes;
    for (int k = 1; k <= crashes; ++k)
        m_crashAt.push_back(static_cast<std::int64_t>(m_arrivals.size()) * k / (crashes + 1) + 1);
    m_inversions.assign(m_scenario.campaigns.size(), 0);
    m_operatorInversions.assign(m_scenario.campaigns.size(), 0);
    return true;
}

Run::~Run() {
    detachReplayJobs();
    m_stopRequested.store(true);
    m_paused.store(false);
    m_shutdown.store(true);
    m_controlChanged.notify_all();
    if (m_transport) m_transport->notifyAll();
    if (m_coordinator.joinable()) m_coordinator.join();
    for (auto& f : m_feeders)
        if (f.joinable()) f.join();
    // The monitor restarts crashed workers: it goes before anyone joins them.
    if (m_monitor.joinable()) m_monitor.join();
    for (auto& w : m_workers)
        if (w->thread.joinable()) w->thread.join();
}

void Run::start() {
    m_clock.restart();
    if (m_transport && !m_inproc) m_deadLetterOrigin = remoteAnnouncement();
    if (m_transport && m_transport->sharesWork()) m_transport->announceRun(m_deadLetterOrigin);
    publish(buildSnapshot());
    for (int w = 0; w < m_workerCount; ++w)
        m_workers[static_cast<std::size_t>(w)]->thread = std::thread([this, w] { workerLoop(w); });
    m_coordinator = std::thread([this] { coordinatorLoop(); });
    m_monitor = std::thread([this] { monitorLoop(); });
}

void Run::pause() {
    if (m_ended.load() || m_paused.exchange(true)) return;
    m_pausedAtNs.store(m_clock.nowNs());
}

void Run::resume() {
    if (!m_paused.load()) return;
    {
        std::lock_guard lock(m_controlMutex);
        m_pausedTotalNs.fetch_add(m_clock.nowNs() - m_pausedAtNs.load());
        m_paused.store(false);
    }
    m_controlChanged.notify_all();
    if (m_transport) m_transport->notifyAll();
}

void Run::stop() {
    {
        std::lock_guard lock(m_controlMutex);
        m_stopRequested.store(true);
        m_paused.store(false);
    }
    m_controlChanged.notify_all();
    if (m_transport) m_transport->notifyAll();
}

bool Run::waitForEnd(std::chrono::milliseconds timeout) {
    std::unique_lock lock(m_controlMutex);
    return m_controlChanged.wait_for(lock, timeout, [this] { return m_endPublished.load(); });
}

void Run::waitWhilePaused() {
    if (!m_paused.load(std::memory_order_relaxed)) return;
    std::unique_lock lock(m_controlMutex);
    m_controlChanged.wait(lock, [this] { return !m_paused.load() || m_shutdown.load(); });
}

void Run::coordinatorLoop() {
    core::nameThisThread("sp-coordinator");
    for (int f = 0; f < m_feederCount; ++f) m_feeders.emplace_back([this, f] { feederLoop(f); });

    // Lotteries with a close time draw, in realtime pace, at the close, once every arrival
    // scheduled before it is admitted; in asap pace (and without a close) once every arrival is in.
    // Either way the entrants are exactly the arrivals scheduled in the window, however fast the
    // machine fed them.
    std::vector<int> lotteries;
    for (std::size_t c = 0; c < m_campaigns.size(); ++c)
        if (m_campaigns[c]->def.policy == core::Policy::Lottery) lotteries.push_back(int(c));
    std::sort(lotteries.begin(), lotteries.end(), [this](int a, int b) {
        return m_campaigns[std::size_t(a)]->def.closesAfterMs.value_or(INT64_MAX) <
               m_campaigns[std::size_t(b)]->def.closesAfterMs.value_or(INT64_MAX);
    });
    if (m_config.pace == core::Pace::Realtime) {
        for (int c : lotteries) {
            const auto close = m_campaigns[std::size_t(c)]->def.closesAfterMs;
            if (!close) break;
            std::unique_lock lock(m_controlMutex);
            // At the close time, and not before every arrival scheduled before it is in.
            while (!m_stopRequested.load() &&
                   (scenarioNowUs() < *close * 1000 || admittedThroughUs() < *close * 1000))
                m_controlChanged.wait_for(lock, std::chrono::milliseconds(1));
            lock.unlock();
            drawLottery(c);
        }
    }
    for (auto& f : m_feeders) f.join();
    for (int c : lotteries) drawLottery(c);
    m_feedingDone.store(true, std::memory_order_release);
}

void Run::drawLottery(int campaign) {
    CampaignRuntime& rt = *m_campaigns[std::size_t(campaign)];
    std::vector<core::RequestId> entries;
    {
        std::lock_guard lock(m_ingressMutex);
        if (rt.drawn.exchange(true)) return;
        entries = std::move(rt.lotteryEntries);
    }
    // Order-independent: sort by user, then a seeded Fisher-Yates prefix picks the winners.
    std::sort(entries.begin(), entries.end(), [this](core::RequestId a, core::RequestId b) {
        return m_arena[a].user < m_arena[b].user;
    });
    const auto winners = static_cast<std::size_t>(
        std::clamp<std::int64_t>(m_guard->remaining(campaign), 0, std::int64_t(entries.size())));
    std::uint64_t state = rt.lotterySeed;
    for (std::size_t i = 0; i < winners; ++i) {
        state = FaultPlan::mix(state);
        const std::size_t j = i + static_cast<std::size_t>(state % (entries.size() - i));
        std::swap(entries[i], entries[j]);
        m_arena[entries[i]].flags |= core::Request::kLotteryWinner;
    }
    Lane lane{m_coordinatorLane, m_coordinatorBlock.get()};
    for (core::RequestId id : entries) dispatchLotteryEntry(lane, id);
    if (m_transport) notifyAllPartitions();
}

void Run::dispatchLotteryEntry(Lane& lane, core::RequestId id) {
    core::Request& r = m_arena[id];
    switch (m_config.pipeline) {
        case core::Pipeline::Sync:
            processToEnd(lane, id);
            break;
        case core::Pipeline::DecideInWorker:
            pushToTransport(id, id);
            break;
        case core::Pipeline::DecideAtIngress:
            if ((r.flags & core::Request::kLotteryWinner) &&
                m_guard->take(r.campaign, lane.index) == guards::TakeResult::Taken) {
                r.flags |= core::Request::kStockReserved;
                pushToTransport(id, id);
            } else {
                r.flags &= static_cast<std::uint8_t>(~core::Request::kLotteryWinner);
                const std::int64_t now = m_clock.nowNs();
                {
                    metrics::CounterWrite w(*lane.block);
                    lane.block->move(r.campaign, RequestState::Queued, RequestState::Processing);
                }
                r.startedNs = now;
                finish(lane, r, RequestState::Rejected, core::RejectReason::LotteryLost, now);
            }
            break;
    }
}

std::int64_t Run::admittedThroughUs() const {
    std::int64_t through = INT64_MAX;
    for (int f = 0; f < m_feederCount; ++f)
        through = std::min(through, m_feederAtUs[std::size_t(f)].load(std::memory_order_acquire));
    return through;
}

void Run::setFeederAt(int feeder, std::size_t nextArrival) {
    m_feederAtUs[std::size_t(feeder)].store(
        nextArrival < m_arrivals.size() ? m_arrivals[nextArrival].atUs : INT64_MAX,
        std::memory_order_release);
}

std::int64_t Run::scenarioNowUs() const {
    std::int64_t paused = m_pausedTotalNs.load(std::memory_order_relaxed);
    if (m_paused.load(std::memory_order_relaxed))
        paused += m_clock.nowNs() - m_pausedAtNs.load(std::memory_order_relaxed);
    return (m_clock.nowNs() - paused) / 1000;
}

SubmitResult Run::submit(const Submission& submission) {
    SubmitResult result;
    const int campaign = m_scenario.campaignIndex(submission.campaignId);
    if (campaign < 0) {
        result.error = "unknown campaign '" + submission.campaignId + "'";
        return result;
    }
    if (m_ended.load() || (m_feedingDone.load() && !m_options.keepOpen) || m_stopRequested.load()) {
        result.error = "the run is not accepting requests (it has ended or is stopping)";
        return result;
    }
    const std::uint64_t user = m_users.userOf(submission.user);
    if (user == 0) {
        result.error = "user must be a non-empty name";
        return result;
    }
    std::lock_guard apiLock(m_apiMutex);
    Lane lane{m_apiLane, m_apiBlock.get()};
    AdmitResult admitted;
    {
        std::lock_guard lock(m_ingressMutex);
        admitted =
            admit(lane, campaign, user, submission.verified, scenarioNowUs(), m_clock.nowNs());
    }
    if (admitted.id == core::kNoRequest) {
        result.error = "the engine is full (2^31 requests)";
        return result;
    }
    if (admitted.kind != Admission::Duplicate) afterAdmission(lane, admitted);
    const core::Request& r = m_arena[admitted.id];
    result.outcome = admitted.kind == Admission::Duplicate ? SubmitResult::Outcome::Duplicate
                                                           : SubmitResult::Outcome::Accepted;
    result.requestId = admitted.id;
    result.state = r.loadState();
    if (core::isFinal(result.state)) result.reason = r.reason;
    return result;
}

std::optional<RequestStatus> Run::requestStatus(core::RequestId id) const {
    if (id >= m_arena.size()) return std::nullopt;
    const core::Request& r = m_arena[id];
    RequestStatus status;
    status.requestId = id;
    status.state = r.loadState();
    // user, campaign and sequence are written before the record is published to other threads;
    // reason and attempts only matter once final.
    status.campaignId = m_scenario.campaigns[r.campaign].id;
    status.user = m_users.nameOf(r.user);
    status.sequence = r.seq;
    if (core::isFinal(status.state)) {
        status.reason = r.reason;
        status.attempts = r.attempts;
    }
    return status;
}

StockChangeResult Run::setStock(const std::string& campaignId, std::int64_t stock) {
    const int campaign = m_scenario.campaignIndex(campaignId);
    if (campaign < 0) return StockChangeResult::UnknownCampaign;
    if (stock < 0) return StockChangeResult::Negative;
    switch (m_guard->setStock(campaign, stock)) {
        case guards::StockChange::Applied: {
            std::lock_guard lock(m_stockChangesMutex);
            m_stockChangesNs.resize(m_campaigns.size());
            m_stockChangesNs[std::size_t(campaign)].push_back(m_clock.nowNs());
            return StockChangeResult::Applied;
        }
        case guards::StockChange::BelowTaken:
            return StockChangeResult::BelowIssued;
        case guards::StockChange::UnknownCampaign:
            return StockChangeResult::UnknownCampaign;
    }
    return StockChangeResult::UnknownCampaign;
}

bool Run::setRateLimit(const std::string& campaignId, double perSecond) {
    const int campaign = m_scenario.campaignIndex(campaignId);
    if (campaign < 0 || perSecond < 0) return false;
    m_campaigns[std::size_t(campaign)]->limiter.setRate(perSecond, m_clock.nowNs());
    return true;
}

std::size_t Run::purgeDlq(const std::vector<core::RequestId>& ids) {
    auto purged = ids.empty() ? m_dlq.purgeAll() : m_dlq.purge(ids);
    // A unit reserved at the ingress for a request that will now never succeed goes back.
    for (const auto& letter : purged) {
        core::Request& r = m_arena[letter.requestId];
        if (r.flags & core::Request::kStockReserved) {
            r.flags &= static_cast<std::uint8_t>(~core::Request::kStockReserved);
            m_guard->giveBack(letter.campaign, m_replayLane);
        }
    }
    return purged.size();
}

std::shared_ptr<const Snapshot> Run::snapshot() const {
    std::lock_guard lock(m_snapshotMutex);
    return m_latest;
}

void Run::publish(std::shared_ptr<const Snapshot> snapshot) {
    std::lock_guard lock(m_snapshotMutex);
    m_latest = std::move(snapshot);
}

}  // namespace stampede::pipeline
