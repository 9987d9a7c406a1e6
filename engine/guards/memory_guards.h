#pragma once
// The in-memory guards of seed 003's strategy zoo: none (read-check-write that races), mutex
// (synchronized / ReentrantLock), semaphore (Semaphore(1) around read-check-write), atomic (CAS)
// and single-consumer (one consumer decides; seed 001's single partition).

#include <atomic>
#include <memory>
#include <mutex>
#include <semaphore>
#include <vector>

#include "guards/race_recorder.h"
#include "stampede/guards/guard.h"

namespace stampede::guards {

// Stock and remaining per campaign as atomics, with the stock change every guard shares: a CAS on
// remaining that refuses to go below zero, so a change never undercuts what is already taken.
class AtomicLedger {
public:
    void reset(std::span<const std::int64_t> stocks);
    int size() const { return static_cast<int>(m_slots.size()); }
    std::atomic<std::int64_t>& remainingOf(int campaign) { return m_slots[campaign]->remaining; }
    StockChange setStock(int campaign, std::int64_t stock);
    std::int64_t stock(int campaign) const;
    std::int64_t remaining(int campaign) const;

private:
    struct alignas(64) Slot {
        std::atomic<std::int64_t> remaining{0};
        std::atomic<std::int64_t> stock{0};
    };
    std::vector<std::unique_ptr<Slot>> m_slots;
    std::mutex m_stockChange;  // serialises setStock against itself, never against take()
};

class AtomicGuard : public Guard {
public:
    std::string_view name() const override { return "atomic"; }
    void reset(std::span<const std::int64_t> stocks, int) override { m_ledger.reset(stocks); }
    TakeResult take(int campaign, int lane) override;
    void giveBack(int campaign, int) override;
    StockChange setStock(int campaign, std::int64_t stock) override {
        return m_ledger.setStock(campaign, stock);
    }
    std::int64_t stock(int campaign) const override { return m_ledger.stock(campaign); }
    std::int64_t remaining(int campaign) const override { return m_ledger.remaining(campaign); }

protected:
    AtomicLedger m_ledger;
};

class SingleConsumerGuard : public AtomicGuard {
public:
    std::string_view name() const override { return "single-consumer"; }
    bool requiresSingleConsumer() const override { return true; }
};

// Reads, "talks to the database" for ~50 us, then writes what it read minus one: two deciders
// that overlap both issue from the same unit. The pause stands for the seed's JPA round trip.
class NoneGuard : public AtomicGuard {
public:
    std::string_view name() const override { return "none"; }
    bool racesOnPurpose() const override { return true; }
    void reset(std::span<const std::int64_t> stocks, int lanes) override;
    TakeResult take(int campaign, int lane) override;
    std::vector<RaceWitness> raceWitnesses() const override { return m_races.witnesses(); }

protected:
    // What was read, the gap, the write of what was read minus one, noted for the witnesses.
    TakeResult writeAfterGap(int campaign, int lane, std::int64_t seen, std::int64_t readNs);
    RaceRecorder m_races{RaceRecorder::Kind::LostUpdate};
};

// Seed 003's `synchronized` inside `@Transactional`: the read and the decrement happen under the
// lock, but the decrement becomes visible to the other deciders only when the transaction
// commits, ~50 us after the lock was released. A decider that enters in between reads the old
// stock, so it still over-issues although every read is locked.
class MutexEarlyReleaseGuard : public NoneGuard {
public:
    std::string_view name() const override { return "mutex-early-release"; }
    TakeResult take(int campaign, int lane) override;

private:
    std::mutex m_lock;  // the `synchronized` method's monitor
};

// Read-check-write under a lock. Lock is std::mutex (MutexGuard) or a binary semaphore.
template <typename Lock>
class LockedGuard : public Guard {
public:
    explicit LockedGuard(std::string_view name) : m_name(name) {}
    std::string_view name() const override { return m_name; }
    void reset(std::span<const std::int64_t> stocks, int) override;
    TakeResult take(int campaign, int lane) override;
    void giveBack(int campaign, int lane) override;
    StockChange setStock(int campaign, std::int64_t stock) override;
    std::int64_t stock(int campaign) const override;
    std::int64_t remaining(int campaign) const override;

private:
    struct alignas(64) Slot {
        mutable Lock lock;
        std::int64_t stock = 0;
        std::int64_t remaining = 0;
        Slot();
    };
    std::string_view m_name;
    std::vector<std::unique_ptr<Slot>> m_slots;
};

// std::binary_semaphore with the lock()/unlock() shape of a mutex.
class BinarySemaphoreLock {
public:
    void lock() { m_semaphore.acquire(); }
    void unlock() { m_semaphore.release(); }

private:
    std::binary_semaphore m_semaphore{1};
};

using MutexGuard = LockedGuard<std::mutex>;
using SemaphoreGuard = LockedGuard<BinarySemaphoreLock>;

}  // namespace stampede::guards
