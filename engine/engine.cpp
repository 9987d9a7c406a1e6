#include "stampede/engine.h"

#include <shared_mutex>

#include "pipeline/run.h"

namespace stampede {

std::string_view toString(RunStatus status) {
    switch (status) {
        case RunStatus::Idle:
            return "idle";
        case RunStatus::Running:
            return "running";
        case RunStatus::Paused:
            return "paused";
        case RunStatus::Draining:
            return "draining";
        case RunStatus::Completed:
            return "completed";
        case RunStatus::Stopped:
            return "stopped";
    }
    return "unknown";
}

Engine::Engine() = default;
Engine::~Engine() = default;

StartResult Engine::start(const sim::Scenario& scenario, const StartOptions& options) {
    {
        std::shared_lock lock(m_mutex);
        if (m_run && !m_run->ended()) return {"a run is in progress; stop it first"};
    }
    // Preparing (expanding a million arrivals) and retiring the old run (joining its threads)
    // take a while: neither holds the lock that snapshot() needs.
    std::string error;
    auto run = pipeline::Run::create(scenario, options, error);
    if (!run) return {error};
    std::shared_ptr<pipeline::Run> retired;
    {
        std::lock_guard lock(m_mutex);
        if (m_run && !m_run->ended()) return {"a run is in progress; stop it first"};
        retired = std::move(m_run);
        m_run = std::move(run);
        ++m_generation;
        m_run->start();
    }
    return {};
}

// The calls on a run share the lock (the run is thread-safe; the HTTP ingress submits from
// several threads at once); only replacing the run takes it alone.
#define STAMPEDE_WITH_RUN(fallback) \
    std::shared_lock lock(m_mutex); \
    if (!m_run) return fallback;

void Engine::pause() {
    STAMPEDE_WITH_RUN();
    m_run->pause();
}
void Engine::resume() {
    STAMPEDE_WITH_RUN();
    m_run->resume();
}
void Engine::stop() {
    STAMPEDE_WITH_RUN();
    m_run->stop();
}

bool Engine::waitForEnd(std::chrono::milliseconds timeout) {
    std::shared_ptr<pipeline::Run> run;
    {
        std::shared_lock lock(m_mutex);
        run = m_run;
    }
    return run ? run->waitForEnd(timeout) : true;
}

SubmitResult Engine::submit(const Submission& submission) {
    SubmitResult refused;
    refused.error = "no run has been started";
    STAMPEDE_WITH_RUN(refused);
    return m_run->submit(submission);
}

std::optional<RequestStatus> Engine::requestStatus(core::RequestId id) const {
    STAMPEDE_WITH_RUN(std::nullopt);
    return m_run->requestStatus(id);
}

bool Engine::stored(core::RequestId id) const {
    STAMPEDE_WITH_RUN(false);
    return m_run->stored(id);
}

std::optional<RequestStatus> Engine::findRequest(const std::string& campaignId,
                                                 const std::string& user) const {
    STAMPEDE_WITH_RUN(std::nullopt);
    return m_run->findRequest(campaignId, user);
}

StockChangeResult Engine::setStock(const std::string& campaignId, std::int64_t stock) {
    STAMPEDE_WITH_RUN(StockChangeResult::NoRun);
    return m_run->setStock(campaignId, stock);
}

bool Engine::setRateLimit(const std::string& campaignId, double perSecond) {
    STAMPEDE_WITH_RUN(false);
    return m_run->setRateLimit(campaignId, perSecond);
}

std::shared_ptr<const Snapshot> Engine::snapshot() const {
    STAMPEDE_WITH_RUN(std::make_shared<const Snapshot>());
    return m_run->snapshot();
}

std::vector<dlq::DeadLetter> Engine::listDlq(const dlq::DlqFilter& filter) const {
    STAMPEDE_WITH_RUN({});
    return m_run->listDlq(filter);
}

std::shared_ptr<ReplayJob> Engine::replayDlq(const std::vector<core::RequestId>& ids,
                                             double perSecond) {
    STAMPEDE_WITH_RUN(nullptr);
    return m_run->replayDlq(ids, perSecond);
}

std::size_t Engine::purgeDlq(const std::vector<core::RequestId>& ids) {
    STAMPEDE_WITH_RUN(0);
    return m_run->purgeDlq(ids);
}

std::uint64_t Engine::runGeneration() const {
    std::shared_lock lock(m_mutex);
    return m_generation;
}

std::size_t Engine::takeFinal(std::vector<FinalRequest>& out, std::size_t max,
                              std::uint64_t generation) {
    std::shared_ptr<pipeline::Run> run;
    {
        std::shared_lock lock(m_mutex);
        if (generation != m_generation) return 0;
        run = m_run;
    }
    return run ? run->takeFinal(out, max) : 0;
}

#undef STAMPEDE_WITH_RUN

}  // namespace stampede
