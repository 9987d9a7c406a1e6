// DLQ replay: a sender thread hands entries back to the pipeline at a bounded rate (SQS redrive
// velocity). In queued pipelines a worker accepts each entry; in sync, the sender processes it.

#include <algorithm>

#include "pipeline/dead_letters.h"

#include <thread>

namespace stampede::pipeline {

class ReplayJobImpl final : public ReplayJob {
public:
    ReplayJobImpl(DeadLetters& run, std::vector<core::RequestId> ids, double perSecond)
        : m_run(run), m_ids(std::move(ids)), m_perSecond(perSecond) {
        m_thread = std::thread([this] { send(); });
    }
    ~ReplayJobImpl() override { detach(); }

    // The run is going away: stop sending and keep the last progress, without the run.
    void detach() {
        cancel();
        if (m_thread.joinable()) m_thread.join();
        const Progress last = progress();
        std::lock_guard lock(m_mutex);
        m_progress = last;
        m_detached = true;
    }

    Progress progress() const override {
        std::lock_guard lock(m_mutex);
        if (m_detached) return m_progress;
        // A sent entry was accepted once it left the DLQ, or came back as a newer dead letter
        // (its replay failed again). Each is checked until confirmed, so polling costs, in
        // total, about one look-up per entry.
        std::size_t kept = 0;
        for (std::size_t i = 0; i < m_unconfirmed.size(); ++i) {
            const auto [id, deadLetteredNs] = m_unconfirmed[i];
            const auto letter = m_run.entry(id);
            if (!letter || letter->deadLetteredNs != deadLetteredNs)
                ++m_progress.accepted;
            else
                m_unconfirmed[kept++] = m_unconfirmed[i];
        }
        m_unconfirmed.resize(kept);
        Progress p = m_progress;
        p.finished = m_senderDone && p.accepted == p.sent;
        return p;
    }

    void cancel() override { m_cancel.store(true); }

private:
    void send() {
        {
            std::lock_guard lock(m_mutex);
            m_progress.total = static_cast<std::int64_t>(m_ids.size());
        }
        const auto start = std::chrono::steady_clock::now();
        for (std::size_t i = 0; i < m_ids.size(); ++i) {
            if (m_cancel.load()) break;
            if (m_perSecond > 0) {
                std::this_thread::sleep_until(start +
                                              std::chrono::nanoseconds(static_cast<std::int64_t>(
                                                  static_cast<double>(i) * 1e9 / m_perSecond)));
            }
            const core::RequestId id = m_ids[i];
            const auto letter = m_run.entry(id);
            if (!letter) {
                std::lock_guard lock(m_mutex);
                ++m_progress.skipped;
                continue;
            }
            bool sent = m_run.send(id);
            while (!sent && !m_cancel.load()) {
                std::this_thread::sleep_for(std::chrono::microseconds(200));
                sent = m_run.send(id);
            }
            if (!sent) break;
            std::lock_guard lock(m_mutex);
            ++m_progress.sent;
            m_unconfirmed.emplace_back(id, letter->deadLetteredNs);
        }
        std::lock_guard lock(m_mutex);
        m_progress.cancelled = m_cancel.load();
        m_senderDone = true;
    }

    DeadLetters& m_run;  // the run's dead letters, while the run lives
    std::vector<core::RequestId> m_ids;
    double m_perSecond;
    std::atomic<bool> m_cancel{false};
    mutable std::mutex m_mutex;
    mutable Progress m_progress;
    mutable std::vector<std::pair<core::RequestId, std::int64_t>> m_unconfirmed;
    bool m_senderDone = false;
    bool m_detached = false;
    std::thread m_thread;
};

DeadLetters::DeadLetters(const RunPlan& plan, RunState& state, Decisions& decisions)
    : m_state(state), m_decisions(decisions), m_lane(plan.replayLane, plan.campaigns()) {}

DeadLetters::~DeadLetters() {
    detachJobs();
}

bool DeadLetters::send(core::RequestId id) {
    RunQueue& queue = m_state.queue;
    if (!queue.exists()) {
        // sync: no queue and no workers; the sender itself takes the entry and decides it.
        m_lane.with([&](Lane& lane) {
            if (m_decisions.acceptReplay(lane, id)) m_decisions.toEnd(lane, id);
        });
        return true;
    }
    const core::Request& r = m_state.arena[id];
    const int partition = queue.partitionOf(r);
    const transport::Envelope envelope{id | kReplayBit, r.campaign, r.flags, r.user};
    if (!queue.tryPush(partition, envelope)) return false;
    queue.notify(partition);
    return true;
}

std::shared_ptr<ReplayJob> DeadLetters::replay(const std::vector<core::RequestId>& ids,
                                               double perSecond) {
    std::vector<core::RequestId> selection = ids.empty() ? m_state.dlq.ids() : ids;
    auto job = std::make_shared<ReplayJobImpl>(*this, std::move(selection), perSecond);
    std::lock_guard lock(m_jobsMutex);
    m_jobs.push_back(job);
    return job;
}

void DeadLetters::detachJobs() {
    std::lock_guard lock(m_jobsMutex);
    for (auto& job : m_jobs) job->detach();
    m_jobs.clear();
}

std::size_t DeadLetters::purge(const std::vector<core::RequestId>& ids) {
    auto purged = ids.empty() ? m_state.dlq.purgeAll() : m_state.dlq.purge(ids);
    m_lane.with([&](Lane& lane) {
        for (const auto& letter : purged)
            m_decisions.giveBackReserved(lane, m_state.arena[letter.requestId]);
    });
    return purged.size();
}

}  // namespace stampede::pipeline
