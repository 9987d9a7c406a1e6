#include "guards/memory_guards.h"

#include <chrono>
#include <thread>

#include "stampede/guards/guard_registry.h"

namespace stampede::guards {

void AtomicLedger::reset(std::span<const std::int64_t> stocks) {
    m_slots.clear();
    for (std::int64_t s : stocks) {
        auto slot = std::make_unique<Slot>();
        slot->remaining.store(s);
        slot->stock.store(s);
        m_slots.push_back(std::move(slot));
    }
}

StockChange AtomicLedger::setStock(int campaign, std::int64_t stock) {
    if (campaign < 0 || campaign >= size() || stock < 0) return StockChange::UnknownCampaign;
    std::lock_guard lock(m_stockChange);
    Slot& slot = *m_slots[static_cast<std::size_t>(campaign)];
    const std::int64_t delta = stock - slot.stock.load();
    std::int64_t remaining = slot.remaining.load();
    do {
        if (remaining + delta < 0) return StockChange::BelowTaken;
    } while (!slot.remaining.compare_exchange_weak(remaining, remaining + delta));
    slot.stock.store(stock);
    return StockChange::Applied;
}

std::int64_t AtomicLedger::stock(int campaign) const {
    return m_slots[static_cast<std::size_t>(campaign)]->stock.load(std::memory_order_relaxed);
}

std::int64_t AtomicLedger::remaining(int campaign) const {
    return m_slots[static_cast<std::size_t>(campaign)]->remaining.load(std::memory_order_relaxed);
}

TakeResult AtomicGuard::take(int campaign, int) {
    auto& remaining = m_ledger.remainingOf(campaign);
    std::int64_t current = remaining.load(std::memory_order_relaxed);
    do {
        if (current <= 0) return TakeResult::SoldOut;
    } while (!remaining.compare_exchange_weak(current, current - 1, std::memory_order_acq_rel,
                                              std::memory_order_relaxed));
    return TakeResult::Taken;
}

void AtomicGuard::giveBack(int campaign, int) {
    m_ledger.remainingOf(campaign).fetch_add(1, std::memory_order_acq_rel);
}

void NoneGuard::reset(std::span<const std::int64_t> stocks, int) {
    m_ledger.reset(stocks);
    m_races.reset(static_cast<int>(stocks.size()));
}

TakeResult NoneGuard::take(int campaign, int lane) {
    const std::int64_t readNs = m_races.full() ? 0 : RaceRecorder::nowNs();
    const std::int64_t seen = m_ledger.remainingOf(campaign).load(std::memory_order_relaxed);
    if (seen <= 0) return TakeResult::SoldOut;
    return writeAfterGap(campaign, lane, seen, readNs);
}

TakeResult NoneGuard::writeAfterGap(int campaign, int lane, std::int64_t seen,
                                    std::int64_t readNs) {
    // The read-to-write gap: the seed's JPA round trip between SELECT and UPDATE (or its commit),
    // during which other deciders run (on this machine's two cores, a busy wait would hide it).
    std::this_thread::sleep_for(std::chrono::microseconds(50));
    m_ledger.remainingOf(campaign).store(seen - 1, std::memory_order_relaxed);
    if (!m_races.full())
        m_races.note(campaign, {lane, readNs, seen, RaceRecorder::nowNs(), seen - 1});
    return TakeResult::Taken;
}

TakeResult MutexEarlyReleaseGuard::take(int campaign, int lane) {
    std::int64_t seen = 0;
    std::int64_t readNs = 0;
    {
        std::lock_guard lock(m_lock);
        readNs = m_races.full() ? 0 : RaceRecorder::nowNs();
        seen = m_ledger.remainingOf(campaign).load(std::memory_order_relaxed);
        if (seen <= 0) return TakeResult::SoldOut;
    }  // the method returns and releases the monitor; the commit comes after
    return writeAfterGap(campaign, lane, seen, readNs);
}

template <typename Lock>
LockedGuard<Lock>::Slot::Slot() = default;

template <typename Lock>
void LockedGuard<Lock>::reset(std::span<const std::int64_t> stocks, int) {
    m_slots.clear();
    for (std::int64_t s : stocks) {
        auto slot = std::make_unique<Slot>();
        slot->stock = s;
        slot->remaining = s;
        m_slots.push_back(std::move(slot));
    }
}

template <typename Lock>
TakeResult LockedGuard<Lock>::take(int campaign, int) {
    Slot& slot = *m_slots[static_cast<std::size_t>(campaign)];
    std::lock_guard lock(slot.lock);
    if (slot.remaining <= 0) return TakeResult::SoldOut;
    --slot.remaining;
    return TakeResult::Taken;
}

template <typename Lock>
void LockedGuard<Lock>::giveBack(int campaign, int) {
    Slot& slot = *m_slots[static_cast<std::size_t>(campaign)];
    std::lock_guard lock(slot.lock);
    ++slot.remaining;
}

template <typename Lock>
StockChange LockedGuard<Lock>::setStock(int campaign, std::int64_t stock) {
    if (campaign < 0 || campaign >= static_cast<int>(m_slots.size()) || stock < 0)
        return StockChange::UnknownCampaign;
    Slot& slot = *m_slots[static_cast<std::size_t>(campaign)];
    std::lock_guard lock(slot.lock);
    const std::int64_t taken = slot.stock - slot.remaining;
    if (stock < taken) return StockChange::BelowTaken;
    slot.remaining = stock - taken;
    slot.stock = stock;
    return StockChange::Applied;
}

template <typename Lock>
std::int64_t LockedGuard<Lock>::stock(int campaign) const {
    Slot& slot = *m_slots[static_cast<std::size_t>(campaign)];
    std::lock_guard lock(slot.lock);
    return slot.stock;
}

template <typename Lock>
std::int64_t LockedGuard<Lock>::remaining(int campaign) const {
    Slot& slot = *m_slots[static_cast<std::size_t>(campaign)];
    std::lock_guard lock(slot.lock);
    return slot.remaining;
}

template class LockedGuard<std::mutex>;
template class LockedGuard<BinarySemaphoreLock>;

std::unique_ptr<Guard> makeGuard(std::string_view name, std::string& error) {
    if (name == "atomic") return std::make_unique<AtomicGuard>();
    if (name == "none") return std::make_unique<NoneGuard>();
    if (name == "mutex-early-release") return std::make_unique<MutexEarlyReleaseGuard>();
    if (name == "single-consumer") return std::make_unique<SingleConsumerGuard>();
    if (name == "mutex") return std::make_unique<MutexGuard>("mutex");
    if (name == "semaphore") return std::make_unique<SemaphoreGuard>("semaphore");
    // A live guard: the run's guard factory builds it (the CLI and the console pass one).
    if (const GuardInfo* info = findGuard(name); info && info->family != GuardFamily::Memory) {
        error = "guard '" + std::string(name) + "' needs " + std::string(info->needs()) +
                ", which this run was not given; the in-memory guards need nothing: " +
                guardNames(GuardFamily::Memory);
        return nullptr;
    }
    error = "unknown guard '" + std::string(name) + "' (known: " + guardNames() + ")";
    return nullptr;
}

}  // namespace stampede::guards
