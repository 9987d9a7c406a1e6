#include "pipeline/feeders.h"

#include <algorithm>
#include <optional>
#include <string>

#include "core/thread_name.h"
#include "pipeline/partition_batches.h"

namespace stampede::pipeline {

namespace {
constexpr std::size_t kPrefetchAhead = 8;
constexpr std::size_t kClockEvery = 8;  // a power of two
}  // namespace

Feeders::Feeders(const RunPlan& plan, RunState& state, Admission& admission, Handoff& handoff)
    : m_plan(plan), m_state(state), m_admission(admission), m_handoff(handoff) {
    m_feederAtUs = std::make_unique<std::atomic<std::int64_t>[]>(std::size_t(plan.feederCount));
    for (int f = 0; f < plan.feederCount; ++f) {
        m_blocks.push_back(std::make_unique<metrics::CounterBlock>(plan.campaigns()));
        m_feederAtUs[std::size_t(f)].store(0);
    }
}

void Feeders::start() {
    for (int f = 0; f < m_plan.feederCount; ++f)
        m_threads.emplace_back([this, f] { feederLoop(f); });
}

void Feeders::join() {
    for (auto& t : m_threads)
        if (t.joinable()) t.join();
}

std::int64_t Feeders::admittedThroughUs() const {
    std::int64_t through = INT64_MAX;
    for (int f = 0; f < m_plan.feederCount; ++f)
        through = std::min(through, m_feederAtUs[std::size_t(f)].load(std::memory_order_acquire));
    return through;
}

void Feeders::setFeederAt(int feeder, std::size_t nextArrival) {
    const auto& arrivals = m_plan.arrivals;
    m_feederAtUs[std::size_t(feeder)].store(
        nextArrival < arrivals.size() ? arrivals[nextArrival].atUs : INT64_MAX,
        std::memory_order_release);
}

void Feeders::feederLoop(int feeder) {
    core::nameThisThread("sp-ingress-" + std::to_string(feeder));
    Lane lane{feeder, m_blocks[std::size_t(feeder)].get()};
    const bool inWorker = m_plan.config.pipeline == core::Pipeline::DecideInWorker;
    // Ingress threads that decide take few arrivals at a time, so they interleave like the
    // request threads of a web server; the lone decide-in-worker ingress takes many.
    const std::size_t chunk = inWorker ? 256 : 4;
    const std::size_t total = m_plan.arrivals.size();
    // The in-memory rings take the decide-in-worker ingress's messages a run at a time.
    std::optional<PartitionBatches> batches;
    if (inWorker && m_state.queue.rings()) batches.emplace(m_state.queue.transport().partitions());
    for (;;) {
        if (m_state.control.stopRequested()) break;
        m_state.control.waitWhilePaused();
        // Publish a lower bound first: the chunk taken next starts at or after the cursor.
        setFeederAt(feeder, m_cursor.load(std::memory_order_relaxed));
        const std::size_t begin = m_cursor.fetch_add(chunk, std::memory_order_relaxed);
        if (begin >= total) break;
        const std::size_t end = std::min(begin + chunk, total);
        setFeederAt(feeder, begin);
        if (inWorker)
            feedInWorker(feeder, lane, begin, end, batches ? &*batches : nullptr);
        else
            feedDeciding(feeder, lane, begin, end);
    }
    setFeederAt(feeder, total);
}

// Sync and decide-at-ingress: each arrival admitted, then decided on this thread.
void Feeders::feedDeciding(int feeder, Lane& lane, std::size_t begin, std::size_t end) {
    const bool realtime = m_plan.config.pace == core::Pace::Realtime;
    for (std::size_t i = begin; i < end; ++i) {
        const sim::Arrival& a = m_plan.arrivals[i];
        if (realtime && !waitUntilScheduled(a.atUs)) break;
        AdmitResult admitted;
        {
            std::lock_guard lock(m_admission.mutex());
            admitted = m_admission.admit(lane, a.campaign, a.user, a.verified(), a.atUs,
                                         m_state.clock.nowNs());
        }
        setFeederAt(feeder, i + 1);
        m_arrivalsFed.fetch_add(1, std::memory_order_relaxed);
        m_handoff.afterAdmission(lane, admitted);
    }
}

// Realtime pace: sleeps until the arrival's scheduled time. False if the run is stopping.
bool Feeders::waitUntilScheduled(std::int64_t atUs) {
    RunControl& control = m_state.control;
    while (control.scenarioNowUs() < atUs) {
        if (control.stopRequested()) return false;
        control.waitWhilePaused();
        m_state.clock.sleepUntil(m_state.clock.nowNs() +
                                 std::min<std::int64_t>(atUs - control.scenarioNowUs(), 20'000) *
                                     1000);
    }
    return true;
}

// The decide-in-worker ingress: admits every arrival that is due in one lock hold and pushes it
// under the same lock, so partition order is sequence order (seed 001's fairness).
void Feeders::feedInWorker(int feeder, Lane& lane, std::size_t begin, std::size_t end,
                           PartitionBatches* batches) {
    const bool realtime = m_plan.config.pace == core::Pace::Realtime;
    const auto& arrivals = m_plan.arrivals;
    const auto push = [this](int partition, std::span<const std::uint32_t> messages) {
        m_handoff.pushBatch(partition, messages);
    };
    std::size_t i = begin;
    while (i < end) {
        if (realtime && !waitUntilScheduled(arrivals[i].atUs)) return;
        const std::int64_t nowUs = realtime ? m_state.control.scenarioNowUs() : 0;
        std::size_t fed = 0;
        std::int64_t now = 0;
        {
            std::lock_guard lock(m_admission.mutex());
            for (; i < end && (!realtime || arrivals[i].atUs <= nowUs); ++i, ++fed) {
                // One clock read per few admissions: they are a few hundred nanoseconds apart.
                if ((fed & (kClockEvery - 1)) == 0) now = m_state.clock.nowNs();
                // Ask for the index slots of arrivals a few places ahead while this one is
                // admitted.
                if (i + kPrefetchAhead < arrivals.size())
                    m_admission.prefetch(arrivals[i + kPrefetchAhead].campaign,
                                         arrivals[i + kPrefetchAhead].user);
                const sim::Arrival& a = arrivals[i];
                const AdmitResult admitted =
                    m_admission.admit(lane, a.campaign, a.user, a.verified(), a.atUs, now);
                if (admitted.kind != Admitted::Queued) continue;
                if (!batches) {
                    m_handoff.push(admitted.id, admitted.id);
                    continue;
                }
                batches->add(m_state.queue.partitionOf(a.campaign, a.user), admitted.id, push);
            }
            if (batches) batches->flush(push);  // under the lock: partition order = sequence
        }
        setFeederAt(feeder, i);
        m_arrivalsFed.fetch_add(static_cast<std::int64_t>(fed), std::memory_order_relaxed);
        m_state.queue.notifyEveryPartition();
    }
}

}  // namespace stampede::pipeline
