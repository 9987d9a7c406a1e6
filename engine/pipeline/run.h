#pragma once
// One run: a scenario's arrivals played through one pipeline, guard and transport. The Engine
// façade forwards to it. Internal to the engine.
//
// A run is an immutable plan (run_plan.h), the state its stages share (run_state.h), and stages
// that own their own state, built in this order (run.cpp's Stages): the decisions (one request's
// life: decider, retries, final state, dead letters), admission, the hand-off to the queue, the
// feeders (the ingress threads), the worker pool, the lottery coordinator, the dead letters and
// their replays, the transport's recovery and the remote results, the final tail the store
// reads, the snapshot builder with the fairness audit, and the monitor thread. Each thread that
// changes request states writes its own counter block.

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "stampede/dlq/dead_letter_queue.h"
#include "stampede/run_types.h"
#include "stampede/sim/scenario.h"
#include "stampede/snapshot.h"

namespace stampede::pipeline {

struct RunPlan;
struct RunState;
struct RunStages;

class Run {
public:
    static std::unique_ptr<Run> create(const sim::Scenario& scenario, const StartOptions& options,
                                       std::string& error);
    ~Run();
    Run(const Run&) = delete;
    Run& operator=(const Run&) = delete;

    void start();
    void pause();
    void resume();
    void stop();
    bool waitForEnd(std::chrono::milliseconds timeout);
    bool ended() const;

    SubmitResult submit(const Submission& submission);
    std::optional<RequestStatus> requestStatus(core::RequestId id) const;
    bool stored(core::RequestId id) const;
    std::optional<RequestStatus> findRequest(const std::string& campaignId,
                                             const std::string& user) const;
    StockChangeResult setStock(const std::string& campaignId, std::int64_t stock);
    bool setRateLimit(const std::string& campaignId, double perSecond);
    std::shared_ptr<const Snapshot> snapshot() const;

    std::vector<dlq::DeadLetter> listDlq(const dlq::DlqFilter& filter) const;
    std::shared_ptr<ReplayJob> replayDlq(const std::vector<core::RequestId>& ids, double perSecond);
    std::size_t purgeDlq(const std::vector<core::RequestId>& ids);

    std::size_t takeFinal(std::vector<FinalRequest>& out, std::size_t max);

private:
    Run(std::unique_ptr<RunPlan> plan, std::unique_ptr<RunState> state);

    std::unique_ptr<const RunPlan> m_plan;
    std::unique_ptr<RunState> m_state;
    std::unique_ptr<RunStages> m_stages;
};

}  // namespace stampede::pipeline
