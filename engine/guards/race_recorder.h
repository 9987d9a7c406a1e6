#pragma once
// The witness book of a guard that races on purpose. Each decision is noted once it has written;
// a decision that read the same value as an earlier one of the same campaign, while that one had
// not yet written, is a collision and the pair becomes a witness. Only the first
// kMaxRaceWitnesses are kept; once full, noting is a single relaxed load.

#include <array>
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <vector>

#include "stampede/guards/race_witness.h"

namespace stampede::guards {

class RaceRecorder {
public:
    // What a collision is for this guard. LostUpdate: both wrote what they read minus one, so
    // every collision is a unit issued twice (none, mutex-early-release). Overdraft: each
    // decremented atomically after its read, so only a collision whose write went below zero
    // issued beyond stock (redis-naive).
    enum class Kind { LostUpdate, Overdraft };
    explicit RaceRecorder(Kind kind) : m_kind(kind) {}

    void reset(int campaigns);
    bool full() const { return m_full.load(std::memory_order_relaxed); }
    // The monotonic clock the times are read on (the run converts them to its own).
    static std::int64_t nowNs() {
        return std::chrono::duration_cast<std::chrono::nanoseconds>(
                   std::chrono::steady_clock::now().time_since_epoch())
            .count();
    }
    // A decision that has written; times from nowNs().
    void note(int campaign, const RaceDecision& decision);
    // The witnesses so far, times as nowNs() read them.
    std::vector<RaceWitness> witnesses() const;

private:
    static constexpr std::size_t kRecent = 1024;  // last decisions per campaign, by value read
    struct Recent {
        std::array<RaceDecision, kRecent> byValue{};
        std::array<bool, kRecent> used{};
    };
    bool collided(const RaceDecision& earlier, const RaceDecision& later) const;

    const Kind m_kind;
    std::atomic<bool> m_full{false};
    mutable std::mutex m_mutex;
    std::vector<std::unique_ptr<Recent>> m_recent;  // per campaign, made at its first note
    std::vector<RaceWitness> m_witnesses;
};

}  // namespace stampede::guards
