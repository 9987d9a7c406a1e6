#pragma once
// Builds the run's snapshots: the counter blocks summed (downstream first, which keeps the
// counts exact: metrics/counter_block.h), the run's description and status, each campaign's
// detail with the fairness audit's figures, the transport's and the backend's statistics, and
// the throughput series (a point every 100 ms, five minutes of them). The monitor's thread only,
// and the first snapshot before it starts. Internal to the pipeline.

#include <deque>
#include <memory>
#include <vector>

#include "pipeline/decisions.h"
#include "pipeline/fairness_audit.h"
#include "pipeline/lottery_coordinator.h"

namespace stampede::pipeline {

class SnapshotBuilder {
public:
    // `blocks`: every counter block of the run, downstream first.
    SnapshotBuilder(const RunPlan& plan, RunState& state, const Feeders& feeders,
                    const LotteryCoordinator& coordinator, const Decisions& decisions,
                    std::vector<const metrics::CounterBlock*> blocks);

    std::shared_ptr<Snapshot> build();
    // Adds a throughput point when one is due.
    void sample(const Snapshot& s, std::int64_t nowNs);
    // The run ended at `nowNs`: its wall time stops there.
    void endAt(std::int64_t nowNs) { m_wallS = static_cast<double>(nowNs) / 1e9; }
    FairnessAudit& audit() { return m_audit; }

private:
    void describe(Snapshot& s, std::int64_t nowNs) const;
    CampaignSnapshot campaign(int c, const std::int64_t* cell) const;
    void addStatistics(Snapshot& s, std::int64_t copiesDropped) const;

    const RunPlan& m_plan;
    RunState& m_state;
    const Feeders& m_feeders;
    const LotteryCoordinator& m_coordinator;
    const Decisions& m_decisions;
    std::vector<const metrics::CounterBlock*> m_blocks;
    FairnessAudit m_audit;
    std::uint64_t m_version = 0;
    std::deque<ThroughputPoint> m_throughput;
    std::int64_t m_lastSampleNs = 0, m_lastSampleRequests = 0, m_lastSampleFinals = 0;
    double m_wallS = 0;
};

}  // namespace stampede::pipeline
