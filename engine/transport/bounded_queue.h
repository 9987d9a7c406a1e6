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

    // Pushes up to `n` values in one claim of the tail: the run of cells that are free now, as
    // the LMAX Disruptor publishes a batch, so a consumer on another core takes whole cache lines
    // instead of fighting the producer for each cell. Returns how many were pushed (0: full).
    std::size_t tryPushBatch(const std::uint32_t* values, std::size_t n) {
        std::size_t pos = m_tail.load(std::memory_order_relaxed);
        for (;;) {
            std::size_t k = 0;
            std::intptr_t firstDiff = 0;
            for (; k < n; ++k) {
                const std::size_t seq =
                    m_cells[(pos + k) & m_mask].seq.load(std::memory_order_acquire);
                const auto diff =
                    static_cast<std::intptr_t>(seq) - static_cast<std::intptr_t>(pos + k);
                if (k == 0) firstDiff = diff;
                if (diff != 0) break;
            }
            if (k == 0) {
                if (firstDiff < 0) return 0;  // full
                pos = m_tail.load(std::memory_order_relaxed);
                continue;
            }
            // Cells pos..pos+k-1 were free; owning the tail from pos makes them ours.
            if (m_tail.compare_exchange_weak(pos, pos + k, std::memory_order_relaxed)) {
                for (std::size_t i = 0; i < k; ++i) {
                    Cell& cell = m_cells[(pos + i) & m_mask];
                    cell.value = values[i];
                    cell.seq.store(pos + i + 1, std::memory_order_release);
                }
                return k;
            }
        }
    }

    // Pops up to `max` values in one claim of the head: the run of cells that are ready now.
    // Returns how many were popped (0: empty).
    std::size_t tryPopBatch(std::uint32_t* out, std::size_t max) {
        std::size_t pos = m_head.load(std::memory_order_relaxed);
        for (;;) {
            std::size_t k = 0;
            std::intptr_t firstDiff = 0;
            for (; k < max; ++k) {
                const std::size_t seq =
                    m_cells[(pos + k) & m_mask].seq.load(std::memory_order_acquire);
                const auto diff =
                    static_cast<std::intptr_t>(seq) - static_cast<std::intptr_t>(pos + k + 1);
                if (k == 0) firstDiff = diff;
                if (diff != 0) break;
            }
            if (k == 0) {
                if (firstDiff < 0) return 0;  // empty
                pos = m_head.load(std::memory_order_relaxed);
                continue;
            }
            if (m_head.compare_exchange_weak(pos, pos + k, std::memory_order_relaxed)) {
                for (std::size_t i = 0; i < k; ++i) {
                    Cell& cell = m_cells[(pos + i) & m_mask];
                    out[i] = cell.value;
                    cell.seq.store(pos + i + m_mask + 1, std::memory_order_release);
                }
                return k;
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
