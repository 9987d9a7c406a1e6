#pragma once
// The one place a request's decision is made, wherever it runs: the run's own workers and
// ingress, a Kafka worker in another process, a dead-letter topic's replay after the run. A
// lottery entry that lost is lost; a unit reserved at the ingress is issued; otherwise the guard
// takes a unit (by user where a copy may come twice). A guard that is unavailable is tried again
// under one retry policy: the run's attempts and its backoff, full jitter over an exponential cap.
// Internal to the engine.

#include <cstdint>
#include <optional>
#include <random>

#include "stampede/core/request.h"
#include "stampede/core/run_config.h"
#include "stampede/guards/guard.h"

namespace stampede::guards {

// IssuedBefore: issued, by a decision made earlier for this user (a copy, a retry after a lost
// reply): the same answer, counted once. StockLost: the guard's backend lost the campaign's
// stock; never retried (it will not come back).
enum class Verdict : std::uint8_t {
    Issued,
    IssuedBefore,
    SoldOut,
    LotteryLost,
    Unavailable,
    StockLost
};

// The dead-letter reason for a decision its guard's backend could not answer within the run's
// outage bound: "Redis unavailable", "MySQL unavailable".
const char* unavailableReason(const Guard& guard);

struct RetryPolicy {
    int maxAttempts = 3;
    double backoffMs = 2;
    double backoffMaxMs = 200;

    static RetryPolicy of(const core::RunConfig& config) {
        return {config.maxAttempts, config.retryBackoffMs, config.retryBackoffMaxMs};
    }
    // Whether a request that has made `attempts` attempts may make another.
    bool allowsAnother(int attempts) const { return attempts < maxAttempts; }
    // The wait before the attempt after attempt number `attempt` (1-based) failed, for `unit`
    // uniform in [0, 1): the caller chooses where that comes from (the run's seeded hash, so a
    // scenario retries at the same times on every run; a random source elsewhere).
    std::int64_t backoffNs(int attempt, double unit) const;
};

// What the decision needs to know of a request.
struct DecisionInput {
    int campaign = 0;
    int lane = 0;
    std::uint64_t user = 0;
    std::uint8_t flags = 0;  // core::Request flags: lottery entry/winner, stock reserved
};

class Decider {
public:
    // `byUser`: decide with Guard::takeFor, so a copy of a request (or a retry after a lost
    // reply) never takes twice. Always so on a guard that keeps a record of users.
    Decider(Guard& guard, RetryPolicy policy, bool byUser)
        : m_guard(guard), m_policy(policy), m_byUser(byUser || guard.decidesByUser()) {}

    const RetryPolicy& policy() const { return m_policy; }
    bool byUser() const { return m_byUser; }

    // The guard's answer for one unit, by user when the decider decides so (also the ingress's
    // reservation under decide-at-ingress, so both places keep the same record).
    TakeResult take(int campaign, int lane, std::uint64_t user) const {
        return m_byUser ? m_guard.takeFor(campaign, lane, user) : m_guard.take(campaign, lane);
    }
    // Gives back a unit that take() reserved.
    void giveBack(int campaign, int lane, std::uint64_t user) const {
        if (m_byUser)
            m_guard.giveBackFor(campaign, lane, user);
        else
            m_guard.giveBack(campaign, lane);
    }

    // One attempt. Inline: the run's workers make one per request.
    Verdict attempt(const DecisionInput& in) const {
        if ((in.flags & kLotteryEntry) && !(in.flags & kLotteryWinner)) return Verdict::LotteryLost;
        if (in.flags & kStockReserved) return Verdict::Issued;
        switch (take(in.campaign, in.lane, in.user)) {
            case TakeResult::Taken:
                return Verdict::Issued;
            case TakeResult::AlreadyHeld:
                return Verdict::IssuedBefore;
            case TakeResult::SoldOut:
                return Verdict::SoldOut;
            case TakeResult::StockLost:
                return Verdict::StockLost;
            case TakeResult::Unavailable:
                break;
        }
        return Verdict::Unavailable;
    }

    // Attempts until decided, the policy's attempts run out (Unavailable) or `stopped()` says
    // so, sleeping the policy's backoff between attempts. `beforeAttempt` may decide instead of
    // the guard (a replay that finds the unit already held); `attempts` counts what was made.
    template <typename Stopped, typename Before>
    Verdict decideBlocking(const DecisionInput& in, std::mt19937_64& jitter, int& attempts,
                           Stopped&& stopped, Before&& beforeAttempt) const {
        for (attempts = 1;; ++attempts) {
            if (const std::optional<Verdict> early = beforeAttempt()) return *early;
            if (const Verdict v = attempt(in); v != Verdict::Unavailable) return v;
            if (!m_policy.allowsAnother(attempts) || stopped()) return Verdict::Unavailable;
            sleepBackoff(attempts, std::uniform_real_distribution<double>(0, 1)(jitter));
        }
    }
    template <typename Stopped>
    Verdict decideBlocking(const DecisionInput& in, std::mt19937_64& jitter, int& attempts,
                           Stopped&& stopped) const {
        return decideBlocking(in, jitter, attempts, stopped,
                              [] { return std::optional<Verdict>(); });
    }

private:
    static constexpr std::uint8_t kLotteryEntry = core::Request::kLotteryEntry;
    static constexpr std::uint8_t kLotteryWinner = core::Request::kLotteryWinner;
    static constexpr std::uint8_t kStockReserved = core::Request::kStockReserved;
    void sleepBackoff(int attempt, double unit) const;

    Guard& m_guard;
    RetryPolicy m_policy;
    bool m_byUser;
};

}  // namespace stampede::guards
