#include "pipeline/run.h"

#include <algorithm>

#include "pipeline/run_stages.h"
#include "stampede/guards/guard_registry.h"

namespace stampede::pipeline {

namespace {

// The live guards come from the front end's factory; the in-memory ones are built here.
std::unique_ptr<guards::Guard> makeGuard(const std::string& name, const StartOptions& options,
                                         std::string& error) {
    const guards::GuardInfo* info = guards::findGuard(name);
    if (options.guardFactory && info && info->family != guards::GuardFamily::Memory)
        return options.guardFactory(name, error);
    return guards::makeGuard(name, error);
}

void makeCampaigns(const RunPlan& plan, RunState& state) {
    std::vector<std::int64_t> stocks;
    for (const core::Campaign& def : plan.scenario.campaigns) {
        auto rt = std::make_unique<CampaignRuntime>();
        rt->def = def;
        rt->bulkhead.setLimit(def.maxInFlight);
        rt->limiter.setRate(def.rateLimitRps, 0);
        rt->lotterySeed = FaultPlan::mix(plan.scenario.seed ^ std::hash<std::string>{}(def.id));
        stocks.push_back(def.stock);
        state.campaigns.push_back(std::move(rt));
    }
    state.guard->reset(stocks, plan.laneCount);
}

// The queued pipelines' transport: the in-memory rings, or Kafka through the front end's
// factory (whose workers in other processes need a stock they can share).
bool makeQueue(const RunPlan& plan, RunState& state, std::string& error) {
    const core::RunConfig& config = plan.config;
    if (!plan.queued()) return true;
    if (config.transport != core::Transport::Kafka) {
        state.queue.useRings(std::make_unique<transport::InprocTransport>(
            config.partitions, static_cast<std::size_t>(config.queueCapacity), plan.workerCount));
        return true;
    }
    transport::TransportSpec spec;
    spec.partitions = config.partitions;
    spec.consumers = plan.workerCount;
    spec.capacityPerPartition = static_cast<std::size_t>(config.queueCapacity);
    spec.scenarioName = plan.scenario.name;
    auto transport = plan.options.transportFactory("kafka", spec, error);
    if (!transport) return false;
    state.queue.useTransport(std::move(transport));
    if (state.queue.sharesWork() && state.guard->sharedKey().empty()) {
        error = "workers in other processes need a guard they can share (redis-*, mysql-*), not '" +
                config.guard + "'";
        return false;
    }
    return true;
}

}  // namespace

std::unique_ptr<Run> Run::create(const sim::Scenario& scenario, const StartOptions& options,
                                 std::string& error) {
    if (scenario.run.transport == core::Transport::Kafka && !options.transportFactory) {
        error =
            "transport 'kafka' needs the Kafka backend, which this program does not offer; "
            "use --transport inproc";
        return nullptr;
    }
    if (scenario.campaigns.empty()) {
        error = "scenario has no campaigns";
        return nullptr;
    }
    auto state = std::make_unique<RunState>();
    state->guard = makeGuard(scenario.run.guard, options, error);
    if (!state->guard) return nullptr;
    auto plan = std::make_unique<RunPlan>(
        RunPlan::make(scenario, options, state->guard->requiresSingleConsumer()));
    if (!options.sharedRun.empty() &&
        !state->guard->shareAs("stampede:cluster:" + options.sharedRun, error))
        return nullptr;
    if (!options.sharedRun.empty()) {
        guards::Guard* guard = state->guard.get();
        state->users.numberShared(
            [guard](std::string_view name) { return guard->sharedUserNumber(name); });
    }
    makeCampaigns(*plan, *state);
    if (!makeQueue(*plan, *state, error)) return nullptr;
    state->arena.reserve(
        static_cast<std::uint32_t>(std::min<std::size_t>(plan->arrivals.size(), UINT32_MAX)));
    return std::unique_ptr<Run>(new Run(std::move(plan), std::move(state)));
}

Run::Run(std::unique_ptr<RunPlan> plan, std::unique_ptr<RunState> state)
    : m_plan(std::move(plan)),
      m_state(std::move(state)),
      m_stages(std::make_unique<RunStages>(*m_plan, *m_state)) {}

Run::~Run() {
    m_stages->deadLetters.detachJobs();
    m_state->control.shutDown();
    m_state->queue.wakeAll();
    m_stages->coordinator.join();  // and the feeders it started
    // The monitor restarts crashed workers: it goes before anyone joins them.
    m_stages->monitor.join();
    m_stages->workers.join();
}

void Run::start() {
    m_state->clock.restart();
    RunQueue& queue = m_state->queue;
    if (queue.remoteLink()) m_state->deadLetterOrigin = m_stages->remote.announcement();
    if (queue.sharesWork()) queue.remoteLink()->announceRun(m_state->deadLetterOrigin);
    m_stages->monitor.publishFirst();
    m_stages->workers.start();
    m_stages->coordinator.start();
    m_stages->monitor.start();
}

void Run::pause() {
    m_state->control.pause();
}

void Run::resume() {
    if (m_state->control.resume()) m_state->queue.wakeAll();
}

void Run::stop() {
    m_state->control.requestStop();
    m_state->queue.wakeAll();
}

bool Run::waitForEnd(std::chrono::milliseconds timeout) {
    return m_state->control.waitForEnd(timeout);
}

bool Run::ended() const {
    return m_state->control.ended();
}

std::shared_ptr<const Snapshot> Run::snapshot() const {
    return m_stages->monitor.latest();
}

std::vector<dlq::DeadLetter> Run::listDlq(const dlq::DlqFilter& filter) const {
    return m_stages->deadLetters.list(filter);
}

std::shared_ptr<ReplayJob> Run::replayDlq(const std::vector<core::RequestId>& ids,
                                          double perSecond) {
    return m_stages->deadLetters.replay(ids, perSecond);
}

std::size_t Run::purgeDlq(const std::vector<core::RequestId>& ids) {
    return m_stages->deadLetters.purge(ids);
}

std::size_t Run::takeFinal(std::vector<FinalRequest>& out, std::size_t max) {
    return m_stages->tail.take(out, max);
}

}  // namespace stampede::pipeline
