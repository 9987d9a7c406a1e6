#pragma once
// The coordinator: starts the feeders, draws each lottery once its entrants are exactly the
// arrivals scheduled in its window, dispatches the entries, and says when feeding is done (every
// arrival admitted, every lottery drawn). Internal to the pipeline.

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "pipeline/feeders.h"

namespace stampede::pipeline {

class LotteryCoordinator {
public:
    LotteryCoordinator(const RunPlan& plan, RunState& state, Admission& admission, Handoff& handoff,
                       Feeders& feeders);

    void start();
    void join();
    bool feedingDone() const { return m_feedingDone.load(std::memory_order_acquire); }
    const metrics::CounterBlock& block() const { return *m_block; }

private:
    void run();
    // The lotteries, earliest close first (those without a close last).
    std::vector<int> lotteriesByClose() const;
    // Realtime pace: each lottery with a close time, at the close, once every arrival scheduled
    // before it is in.
    void drawAtCloseTimes(const std::vector<int>& lotteries);
    void draw(int campaign);

    const RunPlan& m_plan;
    RunState& m_state;
    Admission& m_admission;
    Handoff& m_handoff;
    Feeders& m_feeders;
    std::unique_ptr<metrics::CounterBlock> m_block;
    std::thread m_thread;
    std::atomic<bool> m_feedingDone{false};
};

}  // namespace stampede::pipeline
