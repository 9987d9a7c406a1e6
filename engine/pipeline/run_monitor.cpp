#include "pipeline/run_monitor.h"

#include "core/thread_name.h"

namespace stampede::pipeline {

RunMonitor::RunMonitor(const RunPlan& plan, RunState& state, SnapshotBuilder& snapshots,
                       WorkerPool& workers, TransportRecovery& recovery, RemoteResults& remote,
                       Settlement& settlement, const LotteryCoordinator& coordinator)
    : m_plan(plan),
      m_state(state),
      m_snapshots(snapshots),
      m_workers(workers),
      m_recovery(recovery),
      m_remote(remote),
      m_settlement(settlement),
      m_coordinator(coordinator) {}

void RunMonitor::start() {
    m_thread = std::thread([this] { loop(); });
}

void RunMonitor::join() {
    if (m_thread.joinable()) m_thread.join();
}

// Why the run failed: what the settlement gave up on, and the campaigns whose stock the guard's
// backend lost (a run that goes on deciding them would report sold-outs or over-issues that
// never happened).
static std::string failureOf(const Snapshot& s, std::string settled) {
    std::string lost;
    for (const CampaignSnapshot& c : s.campaigns)
        if (c.stockLost) lost += (lost.empty() ? "'" : ", '") + c.id + "'";
    if (lost.empty()) return settled;
    std::string text =
        "stock lost: the stock of campaign " + lost + " is gone from the backend of guard '" +
        s.run.guard + "'" +
        (s.backend.kind == "redis" ? " (was Redis restarted without persistence?)" : "") +
        "; what was not decided before went to the DLQ (stock lost)";
    return settled.empty() ? text : settled + "; " + text;
}

std::shared_ptr<const Snapshot> RunMonitor::latest() const {
    std::lock_guard lock(m_latestMutex);
    return m_latest;
}

void RunMonitor::publish(std::shared_ptr<const Snapshot> snapshot) {
    std::lock_guard lock(m_latestMutex);
    m_latest = std::move(snapshot);
}

void RunMonitor::endRun(std::int64_t now) {
    m_snapshots.endAt(now);
    m_state.control.markEnded();
    auto s = m_snapshots.build();
    s->failure = failureOf(*s, m_settlement.failure());
    s->reconciled = m_settlement.reconciled();
    s->unreconciled = m_settlement.unreconciled();
    m_snapshots.audit().audit(*s, true);
    publish(s);
    if (m_state.queue.sharesWork()) m_state.queue.remoteLink()->announceEnd();
    // Waiters wake only now: after waitForEnd(), snapshot() is the final one.
    m_state.control.markEndPublished();
}

bool RunMonitor::turn() {
    m_workers.superviseCrashed();
    m_recovery.compensateFailedPushes();
    m_recovery.resendAfterLoss();
    m_remote.apply();
    // Read "feeding is done" BEFORE counting: a snapshot taken earlier could predate the last
    // admissions, and a slow guard (a database round trip per campaign) widens that gap.
    const bool feedingDone = m_coordinator.feedingDone();
    auto s = m_snapshots.build();
    const std::int64_t now = m_state.clock.nowNs();
    m_snapshots.sample(*s, now);
    const bool quiet = feedingDone && s->finals == s->admitted;
    if (!quiet) m_settlement.check(now, feedingDone);
    s->failure = failureOf(*s, m_settlement.failure());
    RunControl& control = m_state.control;
    const bool canEnd = quiet && (!m_plan.options.keepOpen || control.stopRequested());
    // A run kept open for submit() (a server) is quiet between every two requests: audited at
    // each of those moments it would scan every request 30 times a second. It is audited as a
    // live run (once a second) until it can end, and then in full.
    const bool openRun = m_plan.options.keepOpen && !control.stopRequested();
    m_snapshots.audit().auditIfDue(*s, quiet && !openRun, now);
    if (canEnd && !control.ended()) {
        m_settlement.reconcile();
        endRun(now);
    } else
        publish(s);
    return !control.shuttingDown();
}

void RunMonitor::loop() {
    core::nameThisThread("sp-monitor");
    const auto interval = std::chrono::nanoseconds(m_plan.options.snapshotInterval);
    while (turn()) m_state.control.waitFor(interval, [] { return false; });
}

}  // namespace stampede::pipeline
