#include "pipeline/lottery_coordinator.h"

#include <algorithm>

#include "core/thread_name.h"

namespace stampede::pipeline {

LotteryCoordinator::LotteryCoordinator(const RunPlan& plan, RunState& state, Admission& admission,
                                       Handoff& handoff, Feeders& feeders)
    : m_plan(plan),
      m_state(state),
      m_admission(admission),
      m_handoff(handoff),
      m_feeders(feeders),
      m_block(std::make_unique<metrics::CounterBlock>(plan.campaigns())) {}

void LotteryCoordinator::start() {
    m_thread = std::thread([this] { run(); });
}

void LotteryCoordinator::join() {
    if (m_thread.joinable()) m_thread.join();
    m_feeders.join();
}

std::vector<int> LotteryCoordinator::lotteriesByClose() const {
    std::vector<int> lotteries;
    for (int c = 0; c < m_plan.campaigns(); ++c)
        if (m_state.campaign(c).def.policy == core::Policy::Lottery) lotteries.push_back(c);
    std::sort(lotteries.begin(), lotteries.end(), [this](int a, int b) {
        return m_state.campaign(a).def.closesAfterMs.value_or(INT64_MAX) <
               m_state.campaign(b).def.closesAfterMs.value_or(INT64_MAX);
    });
    return lotteries;
}

void LotteryCoordinator::drawAtCloseTimes(const std::vector<int>& lotteries) {
    RunControl& control = m_state.control;
    for (int c : lotteries) {
        const auto close = m_state.campaign(c).def.closesAfterMs;
        if (!close) break;
        const std::int64_t closeUs = *close * 1000;
        while (!control.stopRequested() &&
               (control.scenarioNowUs() < closeUs || m_feeders.admittedThroughUs() < closeUs))
            control.waitFor(std::chrono::milliseconds(1), [] { return false; });
        draw(c);
    }
}

// Lotteries with a close time draw, in realtime pace, at the close, once every arrival scheduled
// before it is admitted; in asap pace (and without a close) once every arrival is in. Either way
// the entrants are exactly the arrivals scheduled in the window, however fast the machine fed
// them.
void LotteryCoordinator::run() {
    core::nameThisThread("sp-coordinator");
    m_feeders.start();
    const std::vector<int> lotteries = lotteriesByClose();
    if (m_plan.config.pace == core::Pace::Realtime) drawAtCloseTimes(lotteries);
    m_feeders.join();
    for (int c : lotteries) draw(c);
    m_feedingDone.store(true, std::memory_order_release);
}

void LotteryCoordinator::draw(int campaign) {
    std::vector<core::RequestId> entries = m_admission.closeLottery(campaign);
    if (entries.empty()) return;
    core::RequestArena& arena = m_state.arena;
    // Order-independent: sort by user, then a seeded Fisher-Yates prefix picks the winners.
    std::sort(entries.begin(), entries.end(), [&arena](core::RequestId a, core::RequestId b) {
        return arena[a].user < arena[b].user;
    });
    const auto winners = static_cast<std::size_t>(std::clamp<std::int64_t>(
        m_state.guard->remaining(campaign), 0, std::int64_t(entries.size())));
    std::uint64_t seed = m_state.campaign(campaign).lotterySeed;
    for (std::size_t i = 0; i < winners; ++i) {
        seed = FaultPlan::mix(seed);
        const std::size_t j = i + static_cast<std::size_t>(seed % (entries.size() - i));
        std::swap(entries[i], entries[j]);
        arena[entries[i]].flags |= core::Request::kLotteryWinner;
    }
    Lane lane{m_plan.coordinatorLane, m_block.get()};
    for (core::RequestId id : entries) m_handoff.dispatchLotteryEntry(lane, id);
    if (m_state.queue.exists()) m_state.queue.notifyEveryPartition();
}

}  // namespace stampede::pipeline
