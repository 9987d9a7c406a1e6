#pragma once
// The run's queue: the transport between the ingress and the workers, with the in-memory rings
// called directly (the class is final, so the hot path pays no virtual call), and what only a
// durable, shared transport has (its loss monitor, its link to other processes) at hand.
// Internal to the pipeline.

#include <memory>

#include "ingress/idempotency_index.h"
#include "stampede/core/request.h"
#include "transport/inproc_transport.h"
#include "transport/loss_monitor.h"
#include "transport/remote_run_link.h"
#include "transport/transport.h"

namespace stampede::pipeline {

class RunQueue {
public:
    void useRings(std::unique_ptr<transport::InprocTransport> rings) {
        m_rings = rings.get();
        m_transport = std::move(rings);
    }
    void useTransport(std::unique_ptr<transport::Transport> transport) {
        m_transport = std::move(transport);
        m_lossMonitor = m_transport->lossMonitor();
        m_remoteLink = m_transport->remoteLink();
    }

    // Sync pipelines have none.
    bool exists() const { return m_transport != nullptr; }
    transport::Transport& transport() const { return *m_transport; }
    transport::InprocTransport* rings() const { return m_rings; }
    transport::LossMonitor* lossMonitor() const { return m_lossMonitor; }
    transport::RemoteRunLink* remoteLink() const { return m_remoteLink; }
    // A transport that redelivers decides by user (Guard::takeFor), so a copy never takes twice.
    bool redelivers() const { return m_transport && !m_rings && m_transport->redelivers(); }
    bool sharesWork() const { return m_remoteLink && m_remoteLink->sharesWork(); }

    // Every message of one user goes to one partition.
    int partitionOf(const core::Request& r) const { return partitionOf(r.campaign, r.user); }
    int partitionOf(int campaign, std::uint64_t user) const {
        return m_transport->partitionFor(ingress::IdempotencyIndex::keyOf(campaign, user));
    }
    bool tryPush(int partition, const transport::Envelope& e) {
        return m_rings ? m_rings->tryPush(partition, e) : m_transport->tryPush(partition, e);
    }
    bool tryPop(int consumer, transport::Delivery& d) {
        return m_rings ? m_rings->tryPop(consumer, d) : m_transport->tryPop(consumer, d);
    }
    // The in-memory rings need no acknowledgement.
    void acknowledge(int consumer, std::uint64_t token) {
        if (!m_rings) m_transport->acknowledge(consumer, token);
    }
    void notify(int partition) {
        if (m_rings)
            m_rings->notify(partition);
        else
            m_transport->notify(partition);
    }
    void notifyEveryPartition() {
        for (int p = 0; p < m_transport->partitions(); ++p) notify(p);
    }
    // Wakes every sleeping consumer (pause, stop, shutdown).
    void wakeAll() {
        if (m_transport) m_transport->notifyAll();
    }

private:
    std::unique_ptr<transport::Transport> m_transport;
    transport::InprocTransport* m_rings = nullptr;
    transport::LossMonitor* m_lossMonitor = nullptr;
    transport::RemoteRunLink* m_remoteLink = nullptr;
};

}  // namespace stampede::pipeline
