#include "pipeline/snapshot_builder.h"

#include <algorithm>

namespace stampede::pipeline {

using core::RequestState;

namespace {
constexpr std::int64_t kSampleEveryNs = 100'000'000;  // throughput points: 10 a second
constexpr std::size_t kThroughputPoints = 3000;       // five minutes of them

// A campaign's figures added to the run's.
void addCampaign(Snapshot& s, const CampaignSnapshot& cs, const std::int64_t* cell) {
    s.requests += cs.requests;
    s.duplicates += cs.duplicates;
    s.admitted += cs.admitted;
    for (int st = 0; st < core::kStateCount; ++st)
        s.states[std::size_t(st)] += cs.states[std::size_t(st)];
    for (int rs = 0; rs < core::kReasonCount; ++rs)
        s.rejected[std::size_t(rs)] += cs.rejected[std::size_t(rs)];
    s.stock += cs.stock;
    s.remaining += cs.remaining;
    s.issued += cs.issued;
    s.overIssued += cs.overIssued;
    s.underIssued += cs.underIssued;
    s.fairnessInversions += cs.fairnessInversions;
    s.operatorInversions += cs.operatorInversions;
    s.retries += cell[int(metrics::Field::Retries)];
    s.redeliveries +=
        cell[int(metrics::Field::Redeliveries)] + cell[int(metrics::Field::CopiesDropped)];
    s.deadLettered += cell[int(metrics::Field::DeadLettered)];
    s.replayed += cell[int(metrics::Field::Replayed)];
}
}  // namespace

SnapshotBuilder::SnapshotBuilder(const RunPlan& plan, RunState& state, const Feeders& feeders,
                                 const LotteryCoordinator& coordinator, const Decisions& decisions,
                                 std::vector<const metrics::CounterBlock*> blocks)
    : m_plan(plan),
      m_state(state),
      m_feeders(feeders),
      m_coordinator(coordinator),
      m_decisions(decisions),
      m_blocks(std::move(blocks)),
      m_audit(state) {}

void SnapshotBuilder::describe(Snapshot& s, std::int64_t now) const {
    const RunControl& control = m_state.control;
    const bool ended = control.ended();
    if (ended)
        s.status = control.stopRequested() ? RunStatus::Stopped : RunStatus::Completed;
    else if (control.paused())
        s.status = RunStatus::Paused;
    // A run kept open for submit() (a server) takes requests until it is stopped: it is running,
    // not draining, after its own arrivals.
    else if (control.stopRequested() || (m_coordinator.feedingDone() && !m_plan.options.keepOpen))
        s.status = RunStatus::Draining;
    else
        s.status = RunStatus::Running;
    const core::RunConfig& config = m_plan.config;
    s.run.scenarioName = m_plan.scenario.name;
    s.run.pipeline = config.pipeline;
    s.run.guard = config.guard;
    s.run.transport = config.transport;
    s.run.workers = config.workers;
    s.run.partitions = config.partitions;
    s.run.consumers = m_plan.workerCount;
    s.run.seed = m_plan.scenario.seed;
    s.run.maxAttempts = config.maxAttempts;
    s.run.guardRacesOnPurpose = m_state.guard->racesOnPurpose();
    s.elapsedS = static_cast<double>(now) / 1e9;
    s.wallS = ended ? m_wallS : s.elapsedS;
    s.arrivalsTotal = static_cast<std::int64_t>(m_plan.arrivals.size());
    s.arrivalsFed = std::min(m_feeders.arrivalsFed(), s.arrivalsTotal);
}

CampaignSnapshot SnapshotBuilder::campaign(int c, const std::int64_t* cell) const {
    const CampaignRuntime& rt = m_state.campaign(c);
    const guards::Guard& guard = *m_state.guard;
    CampaignSnapshot cs;
    cs.id = rt.def.id;
    cs.name = rt.def.name;
    cs.policy = rt.def.policy;
    cs.requiresVerification = rt.def.requiresVerification;
    cs.opensAfterMs = rt.def.opensAfterMs;
    cs.closesAfterMs = rt.def.closesAfterMs.value_or(-1);
    cs.stock = guard.stock(c);
    cs.remaining = guard.remaining(c);
    cs.stockLost = guard.stockLost(c);
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
    cs.underIssued = cs.rejected[std::size_t(core::RejectReason::SoldOut)] > 0 && !cs.stockLost
                         ? std::max<std::int64_t>(0, cs.stock - cs.issued)
                         : 0;
    cs.fairnessInversions = m_audit.inversions(c);
    cs.operatorInversions = m_audit.operatorInversions(c);
    cs.inFlight = cs.states[std::size_t(RequestState::Processing)];
    cs.maxInFlight = rt.bulkhead.limit();
    cs.rateLimitRps = rt.limiter.rate();
    cs.lotteryDrawn = rt.drawn.load(std::memory_order_relaxed);
    cs.winnersSha256 = m_audit.campaignWinnersSha256(c);
    cs.lotterySeed = rt.lotterySeed;
    return cs;
}

void SnapshotBuilder::addStatistics(Snapshot& s, std::int64_t copiesDropped) const {
    s.workerCrashes = m_decisions.crashes();
    s.dlqSize = static_cast<std::int64_t>(m_state.dlq.size());
    const RunQueue& queue = m_state.queue;
    s.queueDepth = queue.exists() ? static_cast<std::int64_t>(queue.transport().depth()) : 0;
    s.winnersSha256 = m_audit.winnersSha256();
    if (m_state.guard->racesOnPurpose()) {
        s.raceWitnesses = m_state.guard->raceWitnesses();
        const std::int64_t zero = m_state.clock.startNs();
        for (guards::RaceWitness& w : s.raceWitnesses)
            for (guards::RaceDecision* d : {&w.first, &w.second}) {
                d->readNs -= zero;
                d->writeNs -= zero;
                // The guard knows lanes; the reader knows workers and feeders.
                d->atIngress = d->worker < m_plan.feederCount;
                if (!d->atIngress) d->worker -= m_plan.feederCount;
            }
    }
    if (queue.exists() && !queue.rings()) {
        s.transport = queue.transport().stats();
        s.transport.redelivered = copiesDropped;
    }
    if (const guards::BackendStats b = m_state.guard->backendStats(); !b.kind.empty())
        s.backend = {b.kind,      b.roundTrips,  b.errors,      b.reconnects, b.roundTripP95Ms,
                     b.waitP95Ms, b.detail,      b.connections, b.busy,       b.busyPeak,
                     b.waiting,   b.waitingPeak, b.caution};
}

std::shared_ptr<Snapshot> SnapshotBuilder::build() {
    auto s = std::make_shared<Snapshot>();
    const std::size_t campaigns = m_state.campaigns.size();
    std::vector<std::int64_t> cells(campaigns * metrics::kFieldsPerCampaign, 0);
    for (const metrics::CounterBlock* block : m_blocks) {
        block->readInto(cells);
        block->queueWait.addTo(s->queueWait);
        block->processing.addTo(s->processing);
        block->endToEnd.addTo(s->endToEnd);
    }
    describe(*s, m_state.clock.nowNs());
    s->version = ++m_version;
    std::int64_t copiesDropped = 0;
    for (std::size_t c = 0; c < campaigns; ++c) {
        const std::int64_t* cell = &cells[c * metrics::kFieldsPerCampaign];
        CampaignSnapshot cs = campaign(int(c), cell);
        addCampaign(*s, cs, cell);
        copiesDropped += cell[int(metrics::Field::CopiesDropped)];
        s->campaigns.push_back(std::move(cs));
    }
    s->finals = s->states[std::size_t(RequestState::Succeeded)] +
                s->states[std::size_t(RequestState::Rejected)] +
                s->states[std::size_t(RequestState::FailedFinal)];
    addStatistics(*s, copiesDropped);
    s->throughput.assign(m_throughput.begin(), m_throughput.end());
    s->throughputRps = s->wallS > 0 ? static_cast<double>(s->finals) / s->wallS : 0;
    return s;
}

void SnapshotBuilder::sample(const Snapshot& s, std::int64_t now) {
    if (now - m_lastSampleNs < kSampleEveryNs) return;
    const double dt = static_cast<double>(now - m_lastSampleNs) / 1e9;
    m_throughput.push_back({static_cast<double>(now) / 1e9,
                            static_cast<double>(s.requests - m_lastSampleRequests) / dt,
                            static_cast<double>(s.finals - m_lastSampleFinals) / dt});
    if (m_throughput.size() > kThroughputPoints) m_throughput.pop_front();
    m_lastSampleNs = now;
    m_lastSampleRequests = s.requests;
    m_lastSampleFinals = s.finals;
}

}  // namespace stampede::pipeline
