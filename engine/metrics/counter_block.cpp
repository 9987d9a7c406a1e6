#include "metrics/counter_block.h"

#include <thread>

namespace stampede::metrics {

CounterBlock::CounterBlock(int campaigns)
    : m_cells(std::make_unique<std::atomic<std::int64_t>[]>(
          static_cast<std::size_t>(campaigns * kFieldsPerCampaign))),
      m_size(static_cast<std::size_t>(campaigns * kFieldsPerCampaign)) {
    for (std::size_t i = 0; i < m_size; ++i) m_cells[i].store(0, std::memory_order_relaxed);
}

void CounterBlock::readInto(std::span<std::int64_t> out) const {
    std::vector<std::int64_t> copy(m_size);
    for (int spins = 0;; ++spins) {
        const auto before = m_version.load(std::memory_order_acquire);
        if ((before & 1) == 0) {
            for (std::size_t i = 0; i < m_size; ++i)
                copy[i] = m_cells[i].load(std::memory_order_relaxed);
            std::atomic_thread_fence(std::memory_order_acquire);
            if (m_version.load(std::memory_order_relaxed) == before) break;
        }
        // A write section is a handful of stores; if the writer was preempted inside one, let it
        // run rather than burn the core it needs.
        if (spins > 64) std::this_thread::yield();
    }
    for (std::size_t i = 0; i < m_size; ++i) out[i] += copy[i];
}

}  // namespace stampede::metrics
