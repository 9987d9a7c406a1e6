#include "pipeline/admission.h"

namespace stampede::pipeline {

using core::RejectReason;
using core::Request;
using core::RequestState;

Admission::Admission(const RunPlan& plan, RunState& state) : m_plan(plan), m_state(state) {
    m_index.reserve(plan.arrivals.size());
}

std::vector<core::RequestId> Admission::closeLottery(int campaign) {
    CampaignRuntime& rt = m_state.campaign(campaign);
    std::lock_guard lock(m_mutex);
    if (rt.drawn.exchange(true)) return {};
    return std::move(rt.lotteryEntries);
}

}  // namespace stampede::pipeline
