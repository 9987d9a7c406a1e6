#pragma once
// Messages the ingress has admitted, gathered per partition while it holds the ingress lock and
// handed to the transport a run at a time (the LMAX Disruptor's batching): one claim of the
// ring per run instead of one per message, and the consumer on the other core takes whole cache
// lines. Flushed before the lock is released, so each partition still receives its messages in
// sequence order. Internal to the pipeline.

#include <cstdint>
#include <span>
#include <vector>

namespace stampede::pipeline {

class PartitionBatches {
public:
    static constexpr std::size_t kBatch = 64;

    explicit PartitionBatches(int partitions) : m_pending(static_cast<std::size_t>(partitions)) {
        for (auto& batch : m_pending) batch.reserve(kBatch);
    }

    // Adds `message` for `partition`; a full batch is handed to `push(partition, messages)`.
    template <typename Push>
    void add(int partition, std::uint32_t message, Push&& push) {
        auto& batch = m_pending[static_cast<std::size_t>(partition)];
        batch.push_back(message);
        if (batch.size() == kBatch) {
            push(partition, std::span<const std::uint32_t>(batch));
            batch.clear();
        }
    }

    // Hands every batch that is not empty to `push`.
    template <typename Push>
    void flush(Push&& push) {
        for (std::size_t p = 0; p < m_pending.size(); ++p) {
            auto& batch = m_pending[p];
            if (batch.empty()) continue;
            push(static_cast<int>(p), std::span<const std::uint32_t>(batch));
            batch.clear();
        }
    }

private:
    std::vector<std::vector<std::uint32_t>> m_pending;
};

}  // namespace stampede::pipeline
