#pragma once
// Which requests a durable transport has stored (their delivery acknowledged), by request id:
// one bit each, in blocks made as the ids grow, so a million requests cost 128 KiB. Any thread
// marks (librdkafka serves delivery reports on whichever thread polls or flushes) or asks.

#include <atomic>
#include <cstdint>
#include <memory>

namespace stampede::transport {

class DeliveredSet {
public:
    DeliveredSet() : m_blocks(std::make_unique<std::atomic<Block*>[]>(kBlocks)) {}
    ~DeliveredSet() {
        for (std::uint32_t b = 0; b < kBlocks; ++b) delete m_blocks[b].load();
    }
    DeliveredSet(const DeliveredSet&) = delete;
    DeliveredSet& operator=(const DeliveredSet&) = delete;

    void mark(std::uint32_t id) {
        if (id >= kIds) return;  // a replay's copy (the top bit): its request was marked before
        std::atomic<Block*>& slot = m_blocks[id >> kBlockBits];
        Block* block = slot.load(std::memory_order_acquire);
        if (!block) {
            auto made = std::make_unique<Block>();
            if (slot.compare_exchange_strong(block, made.get(), std::memory_order_acq_rel))
                block = made.release();  // else `block` is the one another thread made
        }
        block->words[(id & kBlockMask) >> 6].fetch_or(std::uint64_t(1) << (id & 63),
                                                      std::memory_order_release);
    }
    bool contains(std::uint32_t id) const {
        if (id >= kIds) return false;
        const Block* block = m_blocks[id >> kBlockBits].load(std::memory_order_acquire);
        return block &&
               (block->words[(id & kBlockMask) >> 6].load(std::memory_order_acquire) >> (id & 63)) &
                   1;
    }

private:
    static constexpr std::uint32_t kIds = 1u << 31;  // request ids below the replay bit
    static constexpr int kBlockBits = 16;
    static constexpr std::uint32_t kBlockMask = (1u << kBlockBits) - 1;
    static constexpr std::uint32_t kBlocks = kIds >> kBlockBits;
    struct Block {
        std::atomic<std::uint64_t> words[(1u << kBlockBits) / 64] = {};
    };
    std::unique_ptr<std::atomic<Block*>[]> m_blocks;  // 32,768 slots, null until needed
};

}  // namespace stampede::transport
