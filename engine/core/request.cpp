#include "stampede/core/request.h"

#include <algorithm>

namespace stampede::core {

RequestArena::RequestArena() : m_chunks(std::make_unique<std::atomic<Request*>[]>(kMaxChunks)) {
    for (std::uint32_t i = 0; i < kMaxChunks; ++i) m_chunks[i].store(nullptr);
}

RequestArena::~RequestArena() {
    for (std::uint32_t i = 0; i < kMaxChunks; ++i) delete[] m_chunks[i].load();
}

void RequestArena::reserve(std::uint32_t expected) {
    const std::uint32_t chunks = std::min<std::uint32_t>(
        kMaxChunks,
        static_cast<std::uint32_t>((std::uint64_t(expected) + kChunkSize - 1) >> kChunkBits));
    for (std::uint32_t c = 0; c < chunks; ++c)
        if (m_chunks[c].load(std::memory_order_relaxed) == nullptr)
            m_chunks[c].store(new Request[kChunkSize], std::memory_order_release);
}

RequestId RequestArena::append() {
    const std::uint32_t id = m_size.load(std::memory_order_relaxed);
    if (id >= kMaxChunks * kChunkSize - 1) return kNoRequest;
    const std::uint32_t chunk = id >> kChunkBits;
    if ((id & (kChunkSize - 1)) == 0 && m_chunks[chunk].load(std::memory_order_relaxed) == nullptr)
        m_chunks[chunk].store(new Request[kChunkSize], std::memory_order_release);
    m_size.store(id + 1, std::memory_order_release);
    return id;
}

}  // namespace stampede::core
