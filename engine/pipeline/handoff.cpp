#include "pipeline/handoff.h"

#include <thread>

namespace stampede::pipeline {

using core::RejectReason;
using core::Request;
using core::RequestState;

// Backpressure: a full partition waits for its consumer (shedding was decided at admission).
// False once the run shuts down.
bool Handoff::waitForRoom(int partition, int spins) {
    if (m_state.control.shuttingDown() || m_state.control.abandoned()) return false;
    m_state.queue.notify(partition);
    if (spins < 16)
        std::this_thread::yield();
    else
        std::this_thread::sleep_for(std::chrono::microseconds(50));
    return true;
}

bool Handoff::pushBatch(int partition, std::span<const std::uint32_t> messages) {
    transport::InprocTransport& rings = *m_state.queue.rings();
    std::size_t sent = 0;
    for (int spins = 0; sent < messages.size(); ++spins) {
        const std::size_t k =
            rings.tryPushBatch(partition, messages.data() + sent, messages.size() - sent);
        sent += k;
        if (k == 0 && !waitForRoom(partition, spins)) return false;
    }
    return true;
}

bool Handoff::push(core::RequestId id, std::uint32_t message) {
    const Request& r = m_state.arena[id];
    const int partition = m_state.queue.partitionOf(r);
    const transport::Envelope envelope{message, r.campaign, r.flags, r.user};
    for (int spins = 0; !m_state.queue.tryPush(partition, envelope); ++spins)
        if (!waitForRoom(partition, spins)) return false;
    return true;
}

void Handoff::afterAdmission(Lane& lane, const AdmitResult& admitted) {
    if (admitted.kind != Admitted::Queued) return;
    switch (m_plan.config.pipeline) {
        case core::Pipeline::Sync:
            m_decisions.toEnd(lane, admitted.id);
            break;
        case core::Pipeline::DecideAtIngress:
            decideAtIngress(lane, admitted.id);
            break;
        case core::Pipeline::DecideInWorker:
            if (push(admitted.id, admitted.id))
                m_state.queue.notify(m_state.queue.partitionOf(m_state.arena[admitted.id]));
            break;
    }
}

// A request the ingress decides against never reaches the queue.
void Handoff::rejectAtIngress(Lane& lane, Request& r, RejectReason reason) {
    const std::int64_t now = m_state.clock.nowNs();
    m_decisions.startOutside(lane, r, now);
    lane.block->queueWait.record(static_cast<std::uint64_t>(now - r.queuedNs));
    m_decisions.finish(lane, r, RequestState::Rejected, reason, now);
}

// decide-at-ingress: the ingress thread takes the unit (seeds 002/003: Redis Lua at the API);
// the queue then only carries the persistence of an issue already decided.
void Handoff::decideAtIngress(Lane& lane, core::RequestId id) {
    Request& r = m_state.arena[id];
    if (m_decisions.reserve(lane, r) == guards::TakeResult::SoldOut)
        return rejectAtIngress(lane, r, RejectReason::SoldOut);
    // Unavailable (or the stock lost): the worker decides instead, with retries, as
    // decide-in-worker would (and dead-letters what has no stock left to decide on).
    if (push(id, id)) m_state.queue.notify(m_state.queue.partitionOf(r));
}

void Handoff::dispatchLotteryEntry(Lane& lane, core::RequestId id) {
    Request& r = m_state.arena[id];
    switch (m_plan.config.pipeline) {
        case core::Pipeline::Sync:
            m_decisions.toEnd(lane, id);
            break;
        case core::Pipeline::DecideInWorker:
            push(id, id);
            break;
        case core::Pipeline::DecideAtIngress:
            if ((r.flags & Request::kLotteryWinner) &&
                m_decisions.reserve(lane, r) == guards::TakeResult::Taken) {
                push(id, id);
            } else {
                r.flags &= static_cast<std::uint8_t>(~Request::kLotteryWinner);
                const std::int64_t now = m_state.clock.nowNs();
                m_decisions.startOutside(lane, r, now);
                m_decisions.finish(lane, r, RequestState::Rejected, RejectReason::LotteryLost, now);
            }
            break;
    }
}

}  // namespace stampede::pipeline
