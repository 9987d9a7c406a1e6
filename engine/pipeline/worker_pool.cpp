#include "pipeline/worker_pool.h"

#include <algorithm>
#include <string>

#include "core/thread_name.h"

namespace stampede::pipeline {

namespace {
constexpr int kSpinPolls = 256;  // a few microseconds
constexpr std::size_t kPopBatch = 32;
constexpr std::size_t kPrefetchAhead = 4;
constexpr std::int64_t kLongestWaitNs = 20'000'000;
constexpr auto kLaterFirst = std::greater<>();
}  // namespace

WorkerPool::WorkerPool(const RunPlan& plan, RunState& state, Decisions& decisions)
    : m_plan(plan), m_state(state), m_decisions(decisions) {
    for (int w = 0; w < plan.workerCount; ++w) {
        auto slot = std::make_unique<Slot>();
        slot->block = std::make_unique<metrics::CounterBlock>(plan.campaigns());
        m_slots.push_back(std::move(slot));
    }
}

void WorkerPool::start() {
    for (int w = 0; w < m_plan.workerCount; ++w)
        m_slots[std::size_t(w)]->thread = std::thread([this, w] { workerLoop(w); });
}

void WorkerPool::superviseCrashed() {
    for (std::size_t w = 0; w < m_slots.size(); ++w) {
        Slot& slot = *m_slots[w];
        if (!slot.crashed.load(std::memory_order_acquire)) continue;
        if (slot.thread.joinable()) slot.thread.join();
        slot.crashed.store(false, std::memory_order_relaxed);
        m_decisions.countCrash();
        if (!m_state.control.shuttingDown())
            slot.thread = std::thread([this, w] { workerLoop(static_cast<int>(w)); });
    }
}

void WorkerPool::join() {
    for (auto& slot : m_slots)
        if (slot->thread.joinable()) slot->thread.join();
}

void WorkerPool::forEachBlock(const std::function<void(const metrics::CounterBlock&)>& read) const {
    for (const auto& slot : m_slots) read(*slot->block);
}

void WorkerPool::handleMessage(int worker, Lane& lane, const transport::Delivery& delivery) {
    const core::RequestId id = delivery.message & ~kReplayBit;
    RunQueue& queue = m_state.queue;
    if ((delivery.message & kReplayBit) && !m_decisions.acceptReplay(lane, id)) {
        queue.acknowledge(worker, delivery.token);
        return;
    }
    if (queue.redelivers() && !m_decisions.claimDelivered(id)) {
        m_decisions.countCopyDropped(lane, id);
        queue.acknowledge(worker, delivery.token);
        return;
    }
    Slot& slot = *m_slots[std::size_t(worker)];
    std::int64_t due = 0;
    switch (m_decisions.attempt(lane, id, due)) {
        case Decisions::AttemptEnd::Final:
            queue.acknowledge(worker, delivery.token);
            break;
        case Decisions::AttemptEnd::Retry:
            slot.retries.push_back({due, id, delivery.token});
            std::push_heap(slot.retries.begin(), slot.retries.end(), kLaterFirst);
            break;
        case Decisions::AttemptEnd::Crashed:
            slot.inflight = id;
            slot.inflightToken = delivery.token;
            slot.crashed.store(true, std::memory_order_release);
            break;
    }
}

void WorkerPool::handleBatch(int worker, Lane& lane, std::span<const std::uint32_t> messages) {
    Slot& slot = *m_slots[std::size_t(worker)];
    for (std::size_t i = 0; i < messages.size(); ++i) {
        if (slot.crashed.load(std::memory_order_relaxed) || m_state.control.paused()) {
            slot.backlog.insert(slot.backlog.end(), messages.begin() + std::ptrdiff_t(i),
                                messages.end());
            return;
        }
        // The ingress wrote these records on another core: ask for the next ones early.
        if (i + kPrefetchAhead < messages.size())
            __builtin_prefetch(&m_state.arena[messages[i + kPrefetchAhead] & ~kReplayBit], 1);
        handleMessage(worker, lane, {messages[i], 0});
    }
}

// A burst leaves gaps of microseconds between batches: polling through them costs less than the
// futex sleep and wake-up a condition variable needs (measured: ~2x fewer context switches).
std::size_t WorkerPool::spinForBatch(int worker, std::uint32_t* messages, std::size_t max) {
    for (int i = 0; i < kSpinPolls; ++i) {
#if defined(__x86_64__) || defined(__i386__)
        __builtin_ia32_pause();
#endif
        if (const std::size_t k = m_state.queue.rings()->tryPopBatch(worker, messages, max))
            return k;
    }
    return 0;
}

bool WorkerPool::takeTurn(int worker, Slot& slot, Lane& lane) {
    if (!slot.backlog.empty()) {  // popped before a crash or a pause
        std::vector<std::uint32_t> pending;
        pending.swap(slot.backlog);
        handleBatch(worker, lane, pending);
        return true;
    }
    // Retries are due by the clock; new messages are taken as they come.
    if (!slot.retries.empty() && slot.retries.front().dueNs <= m_state.clock.nowNs()) {
        std::pop_heap(slot.retries.begin(), slot.retries.end(), kLaterFirst);
        const RetryEntry due = slot.retries.back();
        slot.retries.pop_back();
        handleMessage(worker, lane, {due.id, due.token});
        return true;
    }
    if (transport::InprocTransport* rings = m_state.queue.rings()) {
        std::uint32_t popped[kPopBatch];
        std::size_t k = rings->tryPopBatch(worker, popped, kPopBatch);
        if (k == 0) k = spinForBatch(worker, popped, kPopBatch);
        if (k == 0) return false;
        handleBatch(worker, lane, std::span<const std::uint32_t>(popped, k));
        return true;
    }
    transport::Delivery delivery;
    if (!m_state.queue.tryPop(worker, delivery)) return false;
    handleMessage(worker, lane, delivery);
    return true;
}

// Until a message may be there, or the next retry is due.
void WorkerPool::waitForWork(int worker, Slot& slot, Lane& lane) {
    const std::int64_t timeout =
        slot.retries.empty()
            ? kLongestWaitNs
            : std::clamp<std::int64_t>(slot.retries.front().dueNs - m_state.clock.nowNs(), 0,
                                       kLongestWaitNs);
    lane.lastNs = -1;  // after a wait, the next start is read from the clock
    if (timeout > 0) m_state.queue.transport().waitForWork(worker, timeout);
}

void WorkerPool::workerLoop(int worker) {
    Slot& slot = *m_slots[std::size_t(worker)];
    Lane lane{m_plan.workerLane(worker), slot.block.get()};
    core::nameThisThread("sp-worker-" + std::to_string(worker));
    if (slot.inflight != core::kNoRequest) {
        const transport::Delivery again{slot.inflight, slot.inflightToken};
        slot.inflight = core::kNoRequest;
        m_decisions.redeliver(lane, again.message);
        handleMessage(worker, lane, again);
    }
    RunControl& control = m_state.control;
    while (!control.shuttingDown()) {
        if (slot.crashed.load(std::memory_order_relaxed)) return;  // the monitor restarts us
        if (control.paused()) {
            lane.lastNs = -1;
            control.waitWhilePaused();
            continue;
        }
        if (!takeTurn(worker, slot, lane)) waitForWork(worker, slot, lane);
    }
}

}  // namespace stampede::pipeline
