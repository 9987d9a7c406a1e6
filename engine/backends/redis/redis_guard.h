#pragma once
// Stock kept in Redis (hiredis), three ways from seed 003: `redis-lua` (the check-and-decrement
// as one Lua script: SCRIPT LOAD, EVALSHA, NOSCRIPT reloads), `redis-lock` (SET key token NX PX
// around read-check-write, released by a compare-and-delete script, spinning with backoff) and
// `redis-naive` (GET, then DECR: it races on purpose). One connection per engine lane, created on
// first use; a lost connection is an Unavailable answer (the worker retries) and is re-made with
// backoff. Every command has a timeout, so a hung server is a retry, never a hang.

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "guards/outage_clock.h"
#include "guards/pool_gauge.h"
#include "guards/race_recorder.h"
#include "stampede/backends/redis/redis_url.h"
#include "stampede/guards/guard.h"
#include "stampede/metrics/latency_histogram.h"

struct redisContext;

namespace stampede::backends::redis {

class RedisGuard : public guards::Guard {
public:
    enum class Mode { Lua, Lock, Naive };
    RedisGuard(Mode mode, RedisUrl url);
    ~RedisGuard() override;

    std::string_view name() const override;
    bool racesOnPurpose() const override { return m_mode == Mode::Naive; }
    void reset(std::span<const std::int64_t> stocks, int lanes) override;
    guards::TakeResult take(int campaign, int lane) override;
    void giveBack(int campaign, int lane) override;
    void giveBackFor(int campaign, int lane, std::uint64_t user) override;
    bool stockLost(int campaign) const override;
    std::int64_t outageMs() const override { return m_outage.ms(); }
    std::string backendName() const override { return "Redis at " + m_url.toString(); }
    guards::StockChange setStock(int campaign, std::int64_t stock) override;
    std::int64_t stock(int campaign) const override;
    std::int64_t remaining(int campaign) const override;
    guards::BackendStats backendStats() const override;
    std::vector<guards::RaceWitness> raceWitnesses() const override { return m_races.witnesses(); }
    // The decrement and the SADD of the user to the run's applied set together (seed 003's
    // idempotency: one script for redis-lua, MULTI/EXEC under the lock for redis-lock), so a
    // redelivered request never takes a second unit. redis-naive races on purpose: take().
    guards::TakeResult takeFor(int campaign, int lane, std::uint64_t user) override;
    bool decidesByUser() const override { return m_mode != Mode::Naive; }
    std::optional<bool> holdsUnit(int campaign, std::uint64_t user) override;  // SISMEMBER
    std::optional<std::vector<bool>> holdUnits(int campaign,
                                               std::span<const std::uint64_t> users) override;
    std::string sharedKey() const override { return m_prefix; }
    std::uint64_t sharedUserNumber(std::string_view name) override;
    bool shareAs(const std::string& sharedKey, std::string& error) override;
    bool attach(const std::string& sharedKey, int campaigns, int lanes,
                std::string& error) override;

    // Checks that Redis answers before a run: empty string, or why not (refused, timeout, auth).
    std::string probe();
    // Read at reset(): empty, or why a restart of this Redis would lose the run's stock (no RDB
    // snapshots and no AOF); the summary's warnings carry it.
    std::string persistenceCaution() const;
    // The prefix of this run's keys: <prefix>:<campaign index>:remaining and :stock.
    const std::string& keyPrefix() const { return m_prefix; }

    struct Connection;
    struct Lane;

private:
    Connection* connection(int lane);
    redisContext* laneContext(int laneIndex, Lane*& lane);
    std::string remainingKey(int campaign) const;
    std::string stockKey(int campaign) const;
    std::string appliedKey(int campaign) const;  // the users who took a unit (redis-lua)

    // What this run knows of a campaign's stock: the last value read or set (the answer while
    // Redis does not answer, or after it lost the key), and whether the key was lost.
    struct CampaignLedger {
        std::atomic<std::int64_t> stock{0};
        std::atomic<bool> lost{false};
    };
    CampaignLedger* ledger(int campaign) const;
    void noteLost(int campaign) const;
    std::optional<std::int64_t> readNumber(const std::string& key, bool& missing) const;
    void giveBackOne(int campaign, int lane, const std::uint64_t* user);

    Mode m_mode;
    RedisUrl m_url;
    bool m_joinsShared = false;  // shareAs(): reset() sets the stock only where it is unset
    std::string m_prefix;
    std::unique_ptr<CampaignLedger[]> m_ledgers;
    int m_campaigns = 0;
    std::string m_caution;  // under m_controlMutex
    std::vector<std::unique_ptr<Lane>> m_lanes;
    mutable std::mutex m_controlMutex;  // the control connection: reset, stock, remaining
    std::unique_ptr<Lane> m_control;
    std::string m_takeSha, m_unlockSha, m_setStockSha, m_takeOnceSha, m_giveBackSha;
    void loadScripts(redisContext* ctx);
    guards::TakeResult evalTake(redisContext* ctx, Lane& lane, int campaign,
                                const std::uint64_t* user);
    guards::TakeResult decide(int campaign, int laneIndex, const std::uint64_t* user);
    guards::TakeResult decideOnce(int campaign, int laneIndex, const std::uint64_t* user);
    template <typename Timed, typename Failed>
    guards::TakeResult lockedDecision(redisContext* ctx, int campaign, const std::uint64_t* user,
                                      Timed& timed, Failed& failed);
    std::atomic<std::int64_t> m_roundTrips{0}, m_errors{0}, m_reconnects{0};
    guards::PoolGauge m_pool;
    mutable guards::OutageClock m_outage;  // noteLost() is an answer too
    // redis-naive's collisions: two GETs of the same count whose DECRs took it below zero.
    guards::RaceRecorder m_races{guards::RaceRecorder::Kind::Overdraft};
};

// The guard of that name (redis-lua, redis-lock, redis-naive) against `url`, checked to answer.
std::unique_ptr<guards::Guard> makeRedisGuard(std::string_view name, const RedisUrl& url,
                                              std::string& error);

}  // namespace stampede::backends::redis
