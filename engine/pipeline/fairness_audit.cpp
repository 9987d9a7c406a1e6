#include "pipeline/fairness_audit.h"

#include <QCryptographicHash>

#include <algorithm>
#include <memory>

namespace stampede::pipeline {

using core::RequestState;

namespace {
constexpr std::int64_t kLiveAuditEveryNs = 1'000'000'000;
}  // namespace

FairnessAudit::FairnessAudit(RunState& state)
    : m_state(state),
      m_inversions(state.campaigns.size(), 0),
      m_operatorInversions(state.campaigns.size(), 0) {}

void FairnessAudit::auditIfDue(Snapshot& s, bool quiet, std::int64_t now) {
    if (quiet && (s.finals != m_auditedFinals || s.replayed != m_auditedReplayed)) {
        audit(s, true);
        m_auditedFinals = s.finals;
        m_auditedReplayed = s.replayed;
    } else if (!quiet && now - m_lastAuditNs >= kLiveAuditEveryNs) {
        audit(s, false);
        m_lastAuditNs = now;
    }
}

void FairnessAudit::noteStockChange(int campaign, std::int64_t nowNs) {
    std::lock_guard lock(m_stockChangesMutex);
    m_stockChangesNs.resize(m_state.campaigns.size());
    m_stockChangesNs[std::size_t(campaign)].push_back(nowNs);
}

std::vector<std::vector<std::int64_t>> FairnessAudit::stockChanges() const {
    std::lock_guard lock(m_stockChangesMutex);
    auto changes = m_stockChangesNs;
    changes.resize(m_state.campaigns.size());
    return changes;
}

// A request's stock epoch is how many of its campaign's stock changes came before its decision.
// An inversion is the system's when winner and loser were decided in the same epoch and neither
// came back from the DLQ; one that exists only through a replay or across a stock change is the
// operator's doing and counted apart.
void FairnessAudit::audit(Snapshot& s, bool withWinners) {
    const core::RequestArena& arena = m_state.arena;
    const std::uint32_t n = arena.size();
    const std::size_t campaigns = m_state.campaigns.size();
    const auto changes = stockChanges();
    const auto epochOf = [&changes](const core::Request& r) {
        const auto& c = changes[r.campaign];
        return std::size_t(std::upper_bound(c.begin(), c.end(), r.finishedNs) - c.begin());
    };
    std::vector<std::vector<std::uint32_t>> firstLoser(campaigns);  // [campaign][epoch]
    std::vector<std::uint32_t> firstLoserEver(campaigns, UINT32_MAX);
    for (std::size_t c = 0; c < campaigns; ++c)
        firstLoser[c].assign(changes[c].size() + 1, UINT32_MAX);
    for (std::uint32_t id = 0; id < n; ++id) {
        const core::Request& r = arena[id];
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
        const core::Request& r = arena[id];
        if (r.loadState() != RequestState::Succeeded) continue;
        if (withWinners) winners.emplace_back(r.campaign, r.user);
        if (m_state.campaign(r.campaign).def.policy != core::Policy::FirstCome ||
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
    m_winnersSha256 = winnersHash(std::move(winners));
    s.winnersSha256 = m_winnersSha256;
}

// Campaigns in id order, users in number order: independent of how the run interleaved.
std::string FairnessAudit::winnersHash(
    std::vector<std::pair<std::uint16_t, std::uint64_t>> winners) {
    const std::size_t campaigns = m_state.campaigns.size();
    std::vector<std::size_t> rank(campaigns);
    std::vector<std::size_t> order(campaigns);
    for (std::size_t c = 0; c < campaigns; ++c) order[c] = c;
    std::sort(order.begin(), order.end(), [this](std::size_t a, std::size_t b) {
        return m_state.campaigns[a]->def.id < m_state.campaigns[b]->def.id;
    });
    for (std::size_t i = 0; i < campaigns; ++i) rank[order[i]] = i;
    std::sort(winners.begin(), winners.end(), [&rank](const auto& a, const auto& b) {
        return rank[a.first] != rank[b.first] ? rank[a.first] < rank[b.first] : a.second < b.second;
    });
    QCryptographicHash hash(QCryptographicHash::Sha256);
    std::vector<std::unique_ptr<QCryptographicHash>> perCampaign;
    for (std::size_t c = 0; c < campaigns; ++c)
        perCampaign.push_back(std::make_unique<QCryptographicHash>(QCryptographicHash::Sha256));
    std::string line;
    for (const auto& [campaign, user] : winners) {
        line = m_state.campaigns[campaign]->def.id + ':' + m_state.users.nameOf(user) + '\n';
        const QByteArrayView bytes(line.data(), static_cast<qsizetype>(line.size()));
        hash.addData(bytes);
        perCampaign[campaign]->addData(bytes);
    }
    m_campaignWinnersSha256.clear();
    for (const auto& h : perCampaign)
        m_campaignWinnersSha256.push_back(h->result().toHex().toStdString());
    return hash.result().toHex().toStdString();
}

}  // namespace stampede::pipeline
