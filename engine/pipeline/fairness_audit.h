#pragma once
// The run's fairness audit: fairness inversions (FIRST_COME winners queued after some sold-out
// loser of their campaign) once a second while the run moves and whenever it goes quiet, and,
// when asked, the SHA-256 of the sorted winner list "campaign_id:user\n". Reads only final
// requests, whose fields were all written before their final state was stored. The monitor's
// thread only. Internal to the pipeline.

#include <cstdint>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "pipeline/run_state.h"
#include "stampede/snapshot.h"

namespace stampede::pipeline {

class FairnessAudit {
public:
    explicit FairnessAudit(RunState& state);

    // Audits `s` when it is due: with the winners once the run is quiet and something changed,
    // without them once a second otherwise.
    void auditIfDue(Snapshot& s, bool quiet, std::int64_t nowNs);
    void audit(Snapshot& s, bool withWinners);
    std::int64_t inversions(int campaign) const { return m_inversions[std::size_t(campaign)]; }
    std::int64_t operatorInversions(int campaign) const {
        return m_operatorInversions[std::size_t(campaign)];
    }
    // The operator changed `campaign`'s stock at `nowNs` (any thread): a loser and a winner on
    // either side of it are the operator's doing, not unfairness.
    void noteStockChange(int campaign, std::int64_t nowNs);
    const std::string& winnersSha256() const { return m_winnersSha256; }
    // The same of one campaign's winners alone (empty until the first audit with the winners).
    std::string campaignWinnersSha256(int campaign) const {
        return std::size_t(campaign) < m_campaignWinnersSha256.size()
                   ? m_campaignWinnersSha256[std::size_t(campaign)]
                   : std::string();
    }

private:
    std::vector<std::vector<std::int64_t>> stockChanges() const;
    // The hash of all winners; also each campaign's into m_campaignWinnersSha256.
    std::string winnersHash(std::vector<std::pair<std::uint16_t, std::uint64_t>> winners);

    RunState& m_state;
    std::vector<std::int64_t> m_inversions;          // per campaign, from the last audit
    std::vector<std::int64_t> m_operatorInversions;  // the same, of the operator's doing
    mutable std::mutex m_stockChangesMutex;
    std::vector<std::vector<std::int64_t>> m_stockChangesNs;  // per campaign, run clock
    std::string m_winnersSha256;
    std::vector<std::string> m_campaignWinnersSha256;
    std::int64_t m_lastAuditNs = 0;
    std::int64_t m_auditedFinals = -1, m_auditedReplayed = -1;
};

}  // namespace stampede::pipeline
