#pragma once
// A bounded multi-producer multi-consumer ring (Dmitry Vyukov's design): one CAS per push or pop,
// no allocation after construction. FIFO for one producer; between producers, order is the order
// of their CASes, which is why fairness never comes from queue order but from the sequence the
// ingress stamps.

#include <atomic>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <memory>

namespace stampede::transport {

class BoundedQueue {
public:
    explicit BoundedQueue(std::size_t capacity)
        : m_mask(std::bit_ceil(capacity < 2 ? std::size_t{2} : capacity) - 1),
          m_cells(std::make_unique<Cell[]>(m_mask + 1)) {
        for (std::size_t i = 0; i <= m_mask; ++i)
            m_cells[i].seq.store(i, std::memory_order_relaxed);
    }

    std::size_t capacity() const { return m_mask + 1; }

    bool tryPush(std::uint32_t value) {
        std::size_t pos = m_tail.load(std::memory_order_relaxed);
        for (;;) {
            Cell& cell = m_cells[pos & m_mask];
            const std::size_t seq = cell.seq.load(std::memory_order_acquire);
            const auto diff = static_cast<std::intptr_t>(seq) - static_cast<std::intptr_t>(pos);
            if (diff == 0) {
                if (m_tail.compare_exchange_weak(pos, pos + 1, std::memory_order_relaxed)) {
                    cell.value = value;
                    cell.seq.store(pos + 1, std::memory_order_release);
                    return true;
                }
            } else if (diff < 0) {
                return false;  // full
            } else {
                pos = m_tail.load(std::memory_order_relaxed);
            }
        }
    }

    bool tryPop(std::uint32_t& value) {
        std::size_t pos = m_head.load(std::memory_order_relaxed);
        for (;;) {
            Cell& cell = m_cells[pos & m_mask];
            const std::size_t seq = cell.seq.load(std::memory_order_acquire);
            const auto diff = static_cast<std::intptr_t>(seq) - static_cast<std::intptr_t>(pos + 1);
            if (diff == 0) {
                if (m_head.compare_exchange_weak(pos, pos + 1, std::memory_order_relaxed)) {
                    value = cell.value;
                    cell.seq.store(pos + m_mask + 1, std::memory_order_release);
                    return true;
                }
            } else if (diff < 0) {
                return false;  // empty
            } else {
                pos = m_head.load(std::memory_order_relaxed);
            }
        }
    }

    // Approximate, for gauges only.
    std::size_t sizeApprox() const {
        const auto tail = m_tail.load(std::memory_order_relaxed);
        const auto head = m_head.load(std::memory_order_relaxed);
        return tail > head ? tail - head : 0;
    }

private:
    struct Cell {
        std::atomic<std::size_t> seq{0};
        std::uint32_t value = 0;
    };
    const std::size_t m_mask;
    std::unique_ptr<Cell[]> m_cells;
    alignas(64) std::atomic<std::size_t> m_tail{0};
    alignas(64) std::atomic<std::size_t> m_head{0};
};

}  // namespace stampede::transport
