#pragma once
// One run: a scenario's arrivals played through one pipeline, guard and transport. Owns every
// thread and structure of the run; the Engine façade forwards to it. Internal to the engine.
//
// Threads: feeders (the ingress: 1 for decide-in-worker, `workers` for sync and decide-at-ingress,
// which decide on the ingress threads), workers (queued pipelines), a coordinator (feeders'
// lifecycle, lottery draws), a monitor (snapshots, crash supervision, end of run) and, while a DLQ
// replay runs, its sender. Each thread that changes request states writes its own CounterBlock.

#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "core/request.h"
#include "dlq/dead_letter_queue.h"
#include "guards/guard.h"
#include "ingress/idempotency_index.h"
#include "ingress/user_directory.h"
#include "metrics/counter_block.h"
#include "pipeline/fault_plan.h"
#include "pipeline/flow_control.h"
#include "run_types.h"
#include "sim/arrivals.h"
#include "sim/scenario.h"
#include "snapshot.h"
#include "transport/inproc_transport.h"
#include "transport/transport.h"

namespace stampede::pipeline {

// A thread's identity in the run: the guard lane it decides on and the counters it writes.
struct Lane {
    int index = 0;
    metrics::CounterBlock* block = nullptr;
    // When the lane's thread goes straight from one request to the next, the end of the last one
    // is the start of this one: one clock read per request instead of two. -1: read the clock.
    std::int64_t lastNs = -1;
};

// Messages on the transport: a request id, with the top bit set for a DLQ replay.
inline constexpr std::uint32_t kReplayBit = 0x80000000u;

class ReplayJobImpl;
class PartitionBatches;

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
    bool ended() const { return m_ended.load(std::memory_order_acquire); }

    SubmitResult submit(const Submission& submission);
    std::optional<RequestStatus> requestStatus(core::RequestId id) const;
    StockChangeResult setStock(const std::string& campaignId, std::int64_t stock);
    bool setRateLimit(const std::string& campaignId, double perSecond);
    std::shared_ptr<const Snapshot> snapshot() const;

    std::vector<dlq::DeadLetter> listDlq(const dlq::DlqFilter& filter) const {
        return m_dlq.list(filter);
    }
    std::shared_ptr<ReplayJob> replayDlq(const std::vector<core::RequestId>& ids, double perSecond);
    std::size_t purgeDlq(const std::vector<core::RequestId>& ids);

    std::size_t takeFinal(std::vector<FinalRequest>& out, std::size_t max);

    // For ReplayJob: hands one DLQ entry back to the pipeline. False if the queue is full.
    bool sendReplay(core::RequestId id);
    std::optional<dlq::DeadLetter> dlqEntry(core::RequestId id) const { return m_dlq.find(id); }

private:
    friend class ReplayJobImpl;

    struct CampaignRuntime {
        core::Campaign def;
        RateLimiter limiter;
        Bulkhead bulkhead;
        std::vector<core::RequestId> lotteryEntries;  // under m_ingressMutex
        std::atomic<bool> drawn{false};
        std::uint64_t lotterySeed = 0;
    };

    // A request waiting for its next attempt, with the delivery to acknowledge once it is final.
    struct RetryEntry {
        std::int64_t dueNs = 0;
        core::RequestId id = core::kNoRequest;
        std::uint64_t token = 0;
        bool operator>(const RetryEntry& o) const { return dueNs > o.dueNs; }
    };
    struct WorkerSlot {
        std::thread thread;
        std::unique_ptr<metrics::CounterBlock> block;
        std::vector<RetryEntry> retries;              // min-heap on due time
        core::RequestId inflight = core::kNoRequest;  // left behind by a crash
        std::uint64_t inflightToken = 0;
        std::vector<std::uint32_t> backlog;  // popped, not yet handled (a crash, a pause)
        std::atomic<bool> crashed{false};
        std::atomic<bool> exited{false};
    };

    enum class Admission : std::uint8_t { Duplicate, Rejected, Queued, LotteryEntry };
    struct AdmitResult {
        Admission kind = Admission::Rejected;
        core::RequestId id = core::kNoRequest;
    };
    enum class AttemptEnd : std::uint8_t { Final, Retry, Crashed };

    Run(const sim::Scenario& scenario, const StartOptions& options);
    bool prepare(std::string& error);

    // ingress (run_ingress.cpp)
    AdmitResult admit(Lane& lane, int campaign, std::uint64_t user, bool verified,
                      std::int64_t scenarioUs, std::int64_t nowNs);
    bool pushToTransport(core::RequestId id, std::uint32_t message);
    // In-memory rings only: pushes every message of `messages` to `partition`, waiting while it
    // is full. False if the run shut down first.
    bool pushBatch(int partition, std::span<const std::uint32_t> messages);
    bool waitForRoom(int partition, int spins);
    void afterAdmission(Lane& lane, const AdmitResult& admitted);
    void decideAtIngress(Lane& lane, core::RequestId id);
    void feederLoop(int feeder);
    void feedInWorker(int feeder, Lane& lane, std::size_t begin, std::size_t end,
                      PartitionBatches* batches);
    bool waitUntilScheduled(std::int64_t atUs);
    void waitWhilePaused();
    std::int64_t scenarioNowUs() const;

    // processing (run_worker.cpp)
    AttemptEnd processAttempt(Lane& lane, core::RequestId id, std::int64_t& retryDueNs);
    void processToEnd(Lane& lane, core::RequestId id);  // sync style: retries inline
    void workerLoop(int worker);
    void handleMessage(int worker, Lane& lane, const transport::Delivery& delivery);
    // Handles popped in-memory messages in order; a crash or a pause leaves the rest (still
    // QUEUED) in the slot's backlog for the next turn or the restarted worker.
    void handleBatch(int worker, Lane& lane, std::span<const std::uint32_t> messages);
    std::size_t spinForBatch(int worker, std::uint32_t* messages, std::size_t max);
    bool claimDelivered(core::RequestId id);
    bool acceptReplay(Lane& lane, core::RequestId id);
    void redeliver(Lane& lane, core::RequestId id);
    void finish(Lane& lane, core::Request& r, core::RequestState to, core::RejectReason reason,
                std::int64_t nowNs);
    void deadLetter(Lane& lane, core::RequestId id, std::string reason, std::string error,
                    std::int64_t nowNs);
    bool shouldCrash();

    // coordination (run.cpp)
    void coordinatorLoop();
    void drawLottery(int campaign);
    void dispatchLotteryEntry(Lane& lane, core::RequestId id);

    // monitor (run_monitor.cpp)
    void monitorLoop();
    void superviseWorkers();
    std::shared_ptr<Snapshot> buildSnapshot();
    void audit(Snapshot& snapshot, bool withWinners);
    void publish(std::shared_ptr<const Snapshot> snapshot);
    void compensateFailedPushes();
    void resendAfterLoss();
    void applyRemoteResults();
    std::string remoteAnnouncement() const;
    // The run as its dead-letter topic's entries name it (the announcement's JSON), so they can
    // be replayed after the run against its shared stock. Set before the workers start.
    std::string m_deadLetterOrigin;

    // configuration
    sim::Scenario m_scenario;
    StartOptions m_options;
    core::RunConfig m_config;
    std::vector<sim::Arrival> m_arrivals;
    FaultPlan m_faults;
    std::vector<std::int64_t> m_crashAt;  // attempt numbers at which a worker crashes
    int m_feederCount = 1;
    int m_workerCount = 0;  // 0 in sync
    int m_consumerCount = 0;

    // state
    core::RunClock m_clock;
    core::RequestArena m_arena;
    std::mutex m_ingressMutex;  // admission: index, sequence, arena appends, lottery entries
    ingress::IdempotencyIndex m_index;
    std::uint32_t m_nextSeq = 0;
    ingress::UserDirectory m_users;
    std::unique_ptr<guards::Guard> m_guard;
    std::unique_ptr<transport::Transport> m_transport;
    // The in-memory rings when they are the transport: called directly (the class is final), so
    // the hot path pays no virtual call.
    transport::InprocTransport* m_inproc = nullptr;
    // A transport that redelivers decides by user (Guard::takeFor), so a copy never takes twice.
    bool m_takeByUser = false;
    bool tryPushMessage(int partition, const transport::Envelope& e) {
        return m_inproc ? m_inproc->tryPush(partition, e) : m_transport->tryPush(partition, e);
    }
    bool tryPopMessage(int consumer, transport::Delivery& d) {
        return m_inproc ? m_inproc->tryPop(consumer, d) : m_transport->tryPop(consumer, d);
    }
    void notifyPartition(int partition) {
        if (m_inproc)
            m_inproc->notify(partition);
        else
            m_transport->notify(partition);
    }
    void notifyAllPartitions() {
        for (int p = 0; p < m_transport->partitions(); ++p) notifyPartition(p);
    }
    std::vector<std::unique_ptr<CampaignRuntime>> m_campaigns;
    dlq::DeadLetterQueue m_dlq;
    dlq::FailureLog m_failures;

    // counters: read in this order (downstream first): workers, replay, coordinator, feeders, api
    std::vector<std::unique_ptr<WorkerSlot>> m_workers;
    std::unique_ptr<metrics::CounterBlock> m_replayBlock;
    std::unique_ptr<metrics::CounterBlock> m_coordinatorBlock;
    std::vector<std::unique_ptr<metrics::CounterBlock>> m_feederBlocks;
    std::unique_ptr<metrics::CounterBlock> m_apiBlock;
    std::mutex m_apiMutex;     // one API caller at a time writes m_apiBlock
    std::mutex m_replayMutex;  // one sync replay sender at a time writes m_replayBlock
    int m_apiLane = 0, m_replayLane = 0, m_coordinatorLane = 0;

    // control
    std::thread m_coordinator;
    std::thread m_monitor;
    std::vector<std::thread> m_feeders;
    std::atomic<std::size_t> m_cursor{0};
    // Per feeder: the scheduled time of the next arrival it may still admit (INT64_MAX when it is
    // done). Every arrival scheduled before the minimum over feeders has been admitted.
    std::unique_ptr<std::atomic<std::int64_t>[]> m_feederAtUs;
    std::int64_t admittedThroughUs() const;
    void setFeederAt(int feeder, std::size_t nextArrival);
    std::atomic<std::int64_t> m_arrivalsFed{0};
    std::atomic<bool> m_feedingDone{false};
    std::atomic<bool> m_stopRequested{false};
    std::atomic<bool> m_shutdown{false};
    std::atomic<bool> m_paused{false};
    std::atomic<bool> m_ended{false};
    std::atomic<bool> m_endPublished{false};  // the final snapshot is out
    std::atomic<std::int64_t> m_pausedTotalNs{0};
    std::atomic<std::int64_t> m_pausedAtNs{0};
    std::atomic<std::int64_t> m_attemptCounter{0};
    std::atomic<std::int64_t> m_crashes{0};
    std::mutex m_controlMutex;  // pause and end waits
    std::condition_variable m_controlChanged;

    // takeFinal's tail: every request below m_tailLow is final and was looked at; those above
    // it that were already handed out are marked; dead letters are watched for a late success.
    std::mutex m_tailMutex;
    std::uint32_t m_tailLow = 0;
    std::vector<bool> m_tailTaken;  // index = id - m_tailLow
    std::vector<core::RequestId> m_tailWatched;

    std::mutex m_replayJobsMutex;
    std::vector<std::shared_ptr<ReplayJobImpl>> m_replayJobs;
    void detachReplayJobs();

    // snapshots
    mutable std::mutex m_snapshotMutex;
    std::shared_ptr<const Snapshot> m_latest;
    std::uint64_t m_snapshotVersion = 0;
    std::deque<ThroughputPoint> m_throughput;  // monitor thread only
    std::int64_t m_lastSampleNs = 0, m_lastSampleRequests = 0, m_lastSampleFinals = 0;
    std::int64_t m_lastAuditNs = 0;
    std::vector<std::int64_t> m_inversions;  // per campaign, from the last audit
    std::vector<std::int64_t> m_operatorInversions;  // the same, of the operator's doing
    // When each campaign's stock was changed during the run (run clock), for the audit: a
    // loser and a winner on either side of a change are the operator's doing, not unfairness.
    mutable std::mutex m_stockChangesMutex;
    std::vector<std::vector<std::int64_t>> m_stockChangesNs;
    std::string m_winnersSha256;
    std::int64_t m_auditedFinals = -1, m_auditedReplayed = -1;
    double m_wallS = 0;
};

}  // namespace stampede::pipeline
