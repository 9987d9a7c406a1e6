#include "ingress/idempotency_index.h"

#include <absl/container/flat_hash_map.h>

namespace stampede::ingress {

struct IdempotencyIndex::Table {
    absl::flat_hash_map<std::uint64_t, core::RequestId> map;
};

IdempotencyIndex::IdempotencyIndex() : m_table(std::make_unique<Table>()) {}
IdempotencyIndex::~IdempotencyIndex() = default;

void IdempotencyIndex::reserve(std::size_t expected) {
    m_table->map.reserve(expected);
}

core::RequestId IdempotencyIndex::insertOrGet(std::uint64_t key, core::RequestId id) {
    return m_table->map.try_emplace(key, id).first->second;
}

core::RequestId IdempotencyIndex::find(std::uint64_t key) const {
    auto it = m_table->map.find(key);
    return it == m_table->map.end() ? core::kNoRequest : it->second;
}

void IdempotencyIndex::prefetch(std::uint64_t key) const {
    m_table->map.prefetch(key);
}

std::size_t IdempotencyIndex::size() const {
    return m_table->map.size();
}

}  // namespace stampede::ingress
