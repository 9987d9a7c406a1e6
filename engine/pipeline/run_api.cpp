// The run's API for callers on any thread: submit a request (the HTTP ingress, the console),
// ask for one's status, change a campaign's stock or rate cap during the run.

#include "pipeline/run.h"
#include "pipeline/run_stages.h"

namespace stampede::pipeline {

SubmitResult Run::submit(const Submission& submission) {
    SubmitResult result;
    const int campaign = m_plan->scenario.campaignIndex(submission.campaignId);
    if (campaign < 0) {
        result.error = "unknown campaign '" + submission.campaignId + "'";
        return result;
    }
    const RunControl& control = m_state->control;
    if (control.ended() || (m_stages->coordinator.feedingDone() && !m_plan->options.keepOpen) ||
        control.stopRequested()) {
        result.error = "the run is not accepting requests (it has ended or is stopping)";
        return result;
    }
    const std::uint64_t user = m_state->users.userOf(submission.user);
    if (user == 0) {
        result.error = submission.user.empty()
                           ? "user must be a non-empty name"
                           : "the shared run's user numbering (in its guard's backend) did not "
                             "answer: try again";
        return result;
    }
    const AdmitResult admitted = m_stages->api.with([&](Lane& lane) {
        AdmitResult a;
        {
            std::lock_guard lock(m_stages->admission.mutex());
            a = m_stages->admission.admit(lane, campaign, user, submission.verified,
                                          control.scenarioNowUs(), m_state->clock.nowNs());
        }
        if (a.id != core::kNoRequest && a.kind != Admitted::Duplicate)
            m_stages->handoff.afterAdmission(lane, a);
        return a;
    });
    if (admitted.id == core::kNoRequest) {
        result.error = "the engine is full (2^31 requests)";
        return result;
    }
    const core::Request& r = m_state->arena[admitted.id];
    result.outcome = admitted.kind == Admitted::Duplicate ? SubmitResult::Outcome::Duplicate
                                                          : SubmitResult::Outcome::Accepted;
    result.requestId = admitted.id;
    result.state = r.loadState();
    if (core::isFinal(result.state)) result.reason = r.reason;
    return result;
}

bool Run::stored(core::RequestId id) const {
    if (id >= m_state->arena.size()) return false;
    // Decided is as good as stored; a dead letter is not (compensated for a transport that
    // failed to take it, it lives in this process, and its client should apply again).
    const core::RequestState state = m_state->arena[id].loadState();
    if (state == core::RequestState::Succeeded || state == core::RequestState::Rejected)
        return true;
    return !m_state->queue.exists() || m_state->queue.transport().stored(id);
}

std::optional<RequestStatus> Run::requestStatus(core::RequestId id) const {
    if (id >= m_state->arena.size()) return std::nullopt;
    const core::Request& r = m_state->arena[id];
    RequestStatus status;
    status.requestId = id;
    status.state = r.loadState();
    // user, campaign and sequence are written before the record is published to other threads;
    // reason and attempts only matter once final.
    status.campaignId = m_plan->scenario.campaigns[r.campaign].id;
    status.user = m_state->users.nameOf(r.user);
    status.sequence = r.seq;
    if (core::isFinal(status.state)) {
        status.reason = r.reason;
        status.attempts = r.attempts;
    }
    return status;
}

std::optional<RequestStatus> Run::findRequest(const std::string& campaignId,
                                              const std::string& user) const {
    const int campaign = m_plan->scenario.campaignIndex(campaignId);
    if (campaign < 0) return std::nullopt;
    const std::uint64_t number = m_state->users.find(user);
    if (number == 0) return std::nullopt;
    core::RequestId id = core::kNoRequest;
    {
        std::lock_guard lock(m_stages->admission.mutex());
        id = m_stages->admission.find(campaign, number);
    }
    if (id == core::kNoRequest) return std::nullopt;
    return requestStatus(id);
}

StockChangeResult Run::setStock(const std::string& campaignId, std::int64_t stock) {
    const int campaign = m_plan->scenario.campaignIndex(campaignId);
    if (campaign < 0) return StockChangeResult::UnknownCampaign;
    if (stock < 0) return StockChangeResult::Negative;
    switch (m_state->guard->setStock(campaign, stock)) {
        case guards::StockChange::Applied:
            m_stages->snapshots.audit().noteStockChange(campaign, m_state->clock.nowNs());
            return StockChangeResult::Applied;
        case guards::StockChange::BelowTaken:
            return StockChangeResult::BelowIssued;
        case guards::StockChange::UnknownCampaign:
            return StockChangeResult::UnknownCampaign;
    }
    return StockChangeResult::UnknownCampaign;
}

bool Run::setRateLimit(const std::string& campaignId, double perSecond) {
    const int campaign = m_plan->scenario.campaignIndex(campaignId);
    if (campaign < 0 || perSecond < 0) return false;
    m_state->campaign(campaign).limiter.setRate(perSecond, m_state->clock.nowNs());
    return true;
}

}  // namespace stampede::pipeline
