#include "backends/redis/redis_guard.h"

#include "core/endpoint_url.h"

#include <QString>

#include <hiredis/hiredis.h>

#include <charconv>
#include <chrono>
#include <thread>

namespace stampede::backends::redis {
namespace {

using Clock = std::chrono::steady_clock;

constexpr auto kTimeout = std::chrono::milliseconds(1000);  // connect and every command
constexpr auto kMaxBackoff = std::chrono::milliseconds(1000);

// Answers: 1 taken, 0 sold out, -1 the remaining count is gone (a Redis restarted without
// persistence: "sold out" would hide the loss, and the run's issues would read as over-issues).
const char* const kTakeScript =
    "local v = redis.call('GET', KEYS[1]) "
    "if not v then return -1 end "
    "if tonumber(v) <= 0 then return 0 end "
    "redis.call('DECR', KEYS[1]) return 1";
// KEYS[1] remaining, KEYS[2] the set of users who took a unit; ARGV[1] the user. 2: this user
// took a unit before (a copy delivered again, or a retry of an attempt whose reply was lost).
const char* const kTakeOnceScript =
    "local v = redis.call('GET', KEYS[1]) "
    "if not v then return -1 end "
    "if redis.call('SISMEMBER', KEYS[2], ARGV[1]) == 1 then return 2 end "
    "if tonumber(v) <= 0 then return 0 end "
    "redis.call('DECR', KEYS[1]) redis.call('SADD', KEYS[2], ARGV[1]) return 1";
// A unit back, only onto a count that still exists (INCR would make a lost one up from 0); with
// a user (ARGV[1]), only the unit that user holds, and the user leaves the set with it.
const char* const kGiveBackScript =
    "if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end "
    "if ARGV[1] and redis.call('SREM', KEYS[2], ARGV[1]) == 0 then return 0 end "
    "return redis.call('INCR', KEYS[1])";
const char* const kUnlockScript =
    "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";
const char* const kSetStockScript =
    "if redis.call('EXISTS', KEYS[1]) == 0 then return -2 end "
    "local s = tonumber(redis.call('GET', KEYS[2]) or '0') "
    "local r = tonumber(redis.call('GET', KEYS[1])) "
    "local d = tonumber(ARGV[1]) - s "
    "if r + d < 0 then return -1 end "
    "redis.call('SET', KEYS[2], ARGV[1]) redis.call('INCRBY', KEYS[1], d) return r + d";

timeval toTimeval(std::chrono::milliseconds ms) {
    return {static_cast<time_t>(ms.count() / 1000),
            static_cast<suseconds_t>((ms.count() % 1000) * 1000)};
}

struct Reply {
    redisReply* r = nullptr;
    explicit Reply(void* p) : r(static_cast<redisReply*>(p)) {}
    ~Reply() {
        if (r) freeReplyObject(r);
    }
    Reply(Reply&& other) noexcept : r(other.r) { other.r = nullptr; }
    Reply(const Reply&) = delete;
    Reply& operator=(const Reply&) = delete;
    explicit operator bool() const { return r != nullptr; }
};

}  // namespace

std::optional<RedisUrl> parseRedisUrl(const std::string& text, std::string& error) {
    const auto parsed = core::parseEndpointUrl(
        text, "redis", "set STAMPEDE_REDIS_PASSWORD (or keep it in a profile's keychain entry)",
        error);
    if (!parsed) return std::nullopt;
    RedisUrl url;
    url.user = parsed->user;
    url.host = parsed->host;
    if (parsed->port != 0) url.port = parsed->port;
    if (parsed->path.size() > 1) {
        const std::string db = parsed->path.substr(1);
        const auto [end, ec] = std::from_chars(db.data(), db.data() + db.size(), url.db);
        if (ec != std::errc() || end != db.data() + db.size() || url.db < 0) {
            error = "redis URL '" + text + "': database '" + db + "' is not a number";
            return std::nullopt;
        }
    }
    if (url.host.empty()) {
        error = "redis URL '" + text + "': no host";
        return std::nullopt;
    }
    return url;
}

std::string RedisUrl::toString() const {
    return "redis://" + (user.empty() ? std::string() : user + "@") + core::hostInUrl(host) + ":" +
           std::to_string(port) + (db ? "/" + std::to_string(db) : std::string());
}

struct RedisGuard::Connection {
    redisContext* ctx = nullptr;
};

// One lane's connection with its reconnect backoff and round-trip times (single writer).
struct RedisGuard::Lane {
    Connection conn;
    Clock::time_point retryAt{};
    std::chrono::milliseconds backoff{10};
    metrics::LatencyRecorder roundTrips;
    ~Lane() {
        if (conn.ctx) redisFree(conn.ctx);
    }
};

RedisGuard::RedisGuard(Mode mode, RedisUrl url)
    : m_mode(mode), m_url(std::move(url)), m_control(std::make_unique<Lane>()) {
    m_prefix = "stampede:" + std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                                                std::chrono::system_clock::now().time_since_epoch())
                                                .count());
}

RedisGuard::~RedisGuard() = default;

std::string_view RedisGuard::name() const {
    switch (m_mode) {
        case Mode::Lua:
            return "redis-lua";
        case Mode::Lock:
            return "redis-lock";
        case Mode::Naive:
            return "redis-naive";
    }
    return "redis";
}

std::string RedisGuard::remainingKey(int campaign) const {
    return m_prefix + ":" + std::to_string(campaign) + ":remaining";
}
std::string RedisGuard::stockKey(int campaign) const {
    return m_prefix + ":" + std::to_string(campaign) + ":stock";
}
std::string RedisGuard::appliedKey(int campaign) const {
    return m_prefix + ":" + std::to_string(campaign) + ":applied";
}

// hiredis's words for a server that answers in another protocol ("Protocol error, got "H" as
// reply type byte": an HTTP server) say nothing to an operator; these do.
static std::string inPlainWords(const redisContext* ctx, std::string why) {
    if (ctx->err != REDIS_ERR_PROTOCOL) return why;
    return "that is not a Redis server: it answered, but not in Redis's protocol (" + why +
           "); check the host and port";
}

// Why a restart would lose what this Redis holds (no RDB snapshot rule and no AOF), or empty;
// also empty when CONFIG is not allowed (a managed Redis that renamed it): nothing is known.
static std::string readPersistenceCaution(redisContext* ctx, const RedisUrl& url) {
    auto config = [ctx](const char* name) -> std::optional<std::string> {
        Reply r(redisCommand(ctx, "CONFIG GET %s", name));
        if (!r || r.r->type != REDIS_REPLY_ARRAY || r.r->elements != 2 ||
            r.r->element[1]->type != REDIS_REPLY_STRING)
            return std::nullopt;
        return std::string(r.r->element[1]->str, r.r->element[1]->len);
    };
    const auto save = config("save");
    const auto appendOnly = config("appendonly");
    if (!save || !appendOnly || !save->empty() || *appendOnly != "no") return {};
    return "Redis at " + url.toString() +
           " keeps no RDB snapshots and no AOF: a restart loses this run's stock";
}

// AUTH (when a password is set) and SELECT (when a database is): empty, or the server's answer.
static std::string authenticate(redisContext* ctx, const RedisUrl& url) {
    if (!url.password.empty()) {
        Reply r(url.user.empty()
                    ? redisCommand(ctx, "AUTH %s", url.password.c_str())
                    : redisCommand(ctx, "AUTH %s %s", url.user.c_str(), url.password.c_str()));
        if (!r) return ctx->errstr[0] ? ctx->errstr : "no answer to AUTH";
        if (r.r->type == REDIS_REPLY_ERROR) return std::string("auth failed: ") + r.r->str;
    }
    if (url.db != 0) {
        Reply r(redisCommand(ctx, "SELECT %d", url.db));
        if (!r) return ctx->errstr[0] ? ctx->errstr : "no answer to SELECT";
        if (r.r->type == REDIS_REPLY_ERROR) return r.r->str;
    }
    return {};
}

// The lane's connection, (re)made if needed and its backoff allows; null while Redis is away.
// `answering`: another connection has had an answer since this one failed, so its back-off is
// not waited out (requests retried on it would spend their attempts while Redis is back).
static redisContext* ensure(RedisGuard::Lane& lane, const RedisUrl& url,
                            std::atomic<std::int64_t>& reconnects, guards::PoolGauge& pool,
                            bool answering = false) {
    if (lane.conn.ctx && !lane.conn.ctx->err) return lane.conn.ctx;
    if (lane.conn.ctx) {
        redisFree(lane.conn.ctx);
        lane.conn.ctx = nullptr;
        pool.connectionClosed();
    }
    const auto now = Clock::now();
    if (now < lane.retryAt && !answering) return nullptr;
    redisContext* ctx = redisConnectWithTimeout(url.host.c_str(), url.port, toTimeval(kTimeout));
    if (!ctx || ctx->err) {
        if (ctx) redisFree(ctx);
        lane.retryAt = now + lane.backoff;
        lane.backoff = std::min(kMaxBackoff, lane.backoff * 2);
        return nullptr;
    }
    redisSetTimeout(ctx, toTimeval(kTimeout));
    if (!authenticate(ctx, url).empty()) {
        redisFree(ctx);
        lane.retryAt = now + lane.backoff;
        lane.backoff = std::min(kMaxBackoff, lane.backoff * 2);
        return nullptr;
    }
    lane.conn.ctx = ctx;
    lane.backoff = std::chrono::milliseconds(10);
    reconnects.fetch_add(1, std::memory_order_relaxed);
    pool.connectionOpened();
    return ctx;
}

// The lane's connection for one decision; null, counted as an error, while Redis is away.
redisContext* RedisGuard::laneContext(int laneIndex, Lane*& lane) {
    lane = m_lanes[static_cast<std::size_t>(laneIndex)].get();
    redisContext* ctx = ensure(*lane, m_url, m_reconnects, m_pool, !m_outage.running());
    if (!ctx) m_errors.fetch_add(1, std::memory_order_relaxed);
    return ctx;
}

RedisGuard::Connection* RedisGuard::connection(int lane) {
    Lane& l = *m_lanes[static_cast<std::size_t>(lane)];
    return ensure(l, m_url, m_reconnects, m_pool) ? &l.conn : nullptr;
}

std::string RedisGuard::probe() {
    std::lock_guard lock(m_controlMutex);
    redisContext* ctx =
        redisConnectWithTimeout(m_url.host.c_str(), m_url.port, toTimeval(kTimeout));
    if (!ctx) return "cannot allocate a Redis connection";
    std::string why;
    if (ctx->err) {
        why = std::string(ctx->errstr);
    } else {
        redisSetTimeout(ctx, toTimeval(kTimeout));
        why = authenticate(ctx, m_url);
        if (why.empty()) {
            Reply r(redisCommand(ctx, "PING"));
            if (!r)
                why = ctx->errstr[0] ? ctx->errstr : "no answer";
            else if (r.r->type == REDIS_REPLY_ERROR)
                why = r.r->str;
            // The password is never echoed; say where one goes.
            if (why.starts_with("NOAUTH"))
                why = "auth failed: Redis asks for a password (" + why +
                      "); set STAMPEDE_REDIS_PASSWORD or a profile's password";
        }
    }
    if (!why.empty()) why = inPlainWords(ctx, why);
    redisFree(ctx);
    return why.empty() ? std::string() : m_url.toString() + ": " + why;
}

void RedisGuard::reset(std::span<const std::int64_t> stocks, int lanes) {
    m_lanes.clear();
    for (int i = 0; i < lanes; ++i) m_lanes.push_back(std::make_unique<Lane>());
    m_races.reset(static_cast<int>(stocks.size()));
    m_campaigns = static_cast<int>(stocks.size());
    m_ledgers = std::make_unique<CampaignLedger[]>(stocks.size());
    for (std::size_t c = 0; c < stocks.size(); ++c) m_ledgers[c].stock = stocks[c];
    std::lock_guard lock(m_controlMutex);
    redisContext* ctx = ensure(*m_control, m_url, m_reconnects, m_pool);
    if (!ctx) return;  // takes will answer Unavailable until Redis is back
    for (std::size_t c = 0; c < stocks.size(); ++c) {
        // A shared run's stock is set by its first ingress process; the others join it.
        const char* format = m_joinsShared ? "SET %s %lld NX" : "SET %s %lld";
        Reply a(
            redisCommand(ctx, format, stockKey(int(c)).c_str(), static_cast<long long>(stocks[c])));
        Reply b(redisCommand(ctx, format, remainingKey(int(c)).c_str(),
                             static_cast<long long>(stocks[c])));
    }
    loadScripts(ctx);
    m_caution = readPersistenceCaution(ctx, m_url);
}

std::string RedisGuard::persistenceCaution() const {
    std::lock_guard lock(m_controlMutex);
    return m_caution;
}

RedisGuard::CampaignLedger* RedisGuard::ledger(int campaign) const {
    return campaign >= 0 && campaign < m_campaigns ? &m_ledgers[std::size_t(campaign)] : nullptr;
}

void RedisGuard::noteLost(int campaign) const {
    if (CampaignLedger* l = ledger(campaign)) l->lost.store(true, std::memory_order_relaxed);
    // Only a Redis that answered can say a key is gone. Once lost, the campaign's decisions
    // return before they reach Redis, so this answer is the one that ends the outage (when the
    // snapshot's read found the loss first, the clock ran on to the bound: a kill -9 and empty
    // restart read as "unreachable for 30 s" in 3 of 4 tries).
    m_outage.answered();
}

bool RedisGuard::stockLost(int campaign) const {
    const CampaignLedger* l = ledger(campaign);
    return l && l->lost.load(std::memory_order_relaxed);
}

void RedisGuard::loadScripts(redisContext* ctx) {
    for (auto [script, sha] :
         {std::pair{kTakeScript, &m_takeSha}, std::pair{kUnlockScript, &m_unlockSha},
          std::pair{kSetStockScript, &m_setStockSha}, std::pair{kTakeOnceScript, &m_takeOnceSha},
          std::pair{kGiveBackScript, &m_giveBackSha}}) {
        Reply r(redisCommand(ctx, "SCRIPT LOAD %s", script));
        if (r && r.r->type == REDIS_REPLY_STRING) *sha = r.r->str;
    }
}

// A name's number in a shared run: the one given before, or the next (HGET, else INCR and HSET,
// in one script so that two processes naming one user at once get one number).
const char* const kNumberUserScript =
    "local n = redis.call('HGET', KEYS[1], ARGV[1]) "
    "if n then return tonumber(n) end "
    "n = redis.call('INCR', KEYS[2]) "
    "redis.call('HSET', KEYS[1], ARGV[1], n) "
    "return n";

std::uint64_t RedisGuard::sharedUserNumber(std::string_view name) {
    std::lock_guard lock(m_controlMutex);
    redisContext* ctx = ensure(*m_control, m_url, m_reconnects, m_pool);
    if (!ctx) return 0;
    const std::string users = m_prefix + ":users", next = m_prefix + ":users:next";
    Reply r(redisCommand(ctx, "EVAL %s 2 %s %s %b", kNumberUserScript, users.c_str(), next.c_str(),
                         name.data(), name.size()));
    if (!r || r.r->type != REDIS_REPLY_INTEGER || r.r->integer <= 0) return 0;
    return std::uint64_t(r.r->integer);
}

bool RedisGuard::shareAs(const std::string& sharedKey, std::string& error) {
    if (m_mode == Mode::Naive) {
        error = "redis-naive races on purpose: it cannot share a stock between ingress processes";
        return false;
    }
    m_prefix = sharedKey;
    m_joinsShared = true;
    return true;
}

bool RedisGuard::attach(const std::string& sharedKey, int campaigns, int lanes,
                        std::string& error) {
    m_prefix = sharedKey;
    m_campaigns = std::max(0, campaigns);
    m_ledgers = std::make_unique<CampaignLedger[]>(std::size_t(m_campaigns));
    m_lanes.clear();
    for (int i = 0; i < lanes; ++i) m_lanes.push_back(std::make_unique<Lane>());
    std::lock_guard lock(m_controlMutex);
    redisContext* ctx = ensure(*m_control, m_url, m_reconnects, m_pool);
    if (!ctx) {
        error = "Redis at " + m_url.host + ":" + std::to_string(m_url.port) + " does not answer";
        return false;
    }
    loadScripts(ctx);
    return true;
}

guards::TakeResult RedisGuard::takeFor(int campaign, int laneIndex, std::uint64_t user) {
    if (m_mode == Mode::Naive) return take(campaign, laneIndex);  // it races on purpose
    return decide(campaign, laneIndex, &user);
}

guards::TakeResult RedisGuard::take(int campaign, int laneIndex) {
    return decide(campaign, laneIndex, nullptr);
}

// One decision, and whether Redis answered it: Unavailable on a connection that is gone or
// broken (refused, a timeout) is an outage; one on a healthy connection (a lock not won in
// time, an error reply) is Redis answering.
guards::TakeResult RedisGuard::decide(int campaign, int laneIndex, const std::uint64_t* user) {
    // Once lost, a campaign is decided no more: a count that came back would be a new one.
    if (stockLost(campaign)) return guards::TakeResult::StockLost;
    // A lane waiting out its reconnect back-off tries nothing, so it has no news of the server:
    // were it to restart the outage clock, it would undo another lane's answer from a Redis that
    // is back (found after a kill -9 and restart: the run waited out its whole bound).
    const Lane& lane = *m_lanes[static_cast<std::size_t>(laneIndex)];
    const bool backingOff =
        (!lane.conn.ctx || lane.conn.ctx->err) && Clock::now() < lane.retryAt && m_outage.running();
    const guards::TakeResult result = decideOnce(campaign, laneIndex, user);
    const redisContext* ctx = lane.conn.ctx;
    if (result == guards::TakeResult::Unavailable && (!ctx || ctx->err)) {
        if (!backingOff) m_outage.unreachable();
    } else {
        m_outage.answered();
    }
    return result;
}

guards::TakeResult RedisGuard::decideOnce(int campaign, int laneIndex, const std::uint64_t* user) {
    const auto busy = m_pool.busy();
    Lane* lanePtr = nullptr;
    redisContext* ctx = laneContext(laneIndex, lanePtr);
    if (!ctx) return guards::TakeResult::Unavailable;
    Lane& lane = *lanePtr;
    if (m_mode == Mode::Lua) return evalTake(ctx, lane, campaign, user);  // the hot path
    const std::string key = remainingKey(campaign);
    auto timed = [&](auto&& command) {
        const auto t0 = Clock::now();
        Reply r(command());
        lane.roundTrips.record(std::uint64_t(
            std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - t0).count()));
        m_roundTrips.fetch_add(1, std::memory_order_relaxed);
        return r;
    };
    auto failed = [&](const Reply& r) {
        if (r && r.r->type != REDIS_REPLY_ERROR) return false;
        m_errors.fetch_add(1, std::memory_order_relaxed);
        return true;
    };
    switch (m_mode) {
        case Mode::Lua:
            break;  // answered above
        case Mode::Naive: {
            const std::int64_t readNs = m_races.full() ? 0 : guards::RaceRecorder::nowNs();
            Reply get = timed([&] { return redisCommand(ctx, "GET %s", key.c_str()); });
            if (failed(get)) return guards::TakeResult::Unavailable;
            if (get.r->type == REDIS_REPLY_NIL) {
                noteLost(campaign);
                return guards::TakeResult::StockLost;
            }
            const long long seen = get.r->type == REDIS_REPLY_STRING ? std::atoll(get.r->str) : 0;
            if (seen <= 0) return guards::TakeResult::SoldOut;
            std::this_thread::sleep_for(std::chrono::microseconds(50));  // the read-to-write gap
            Reply decr = timed([&] { return redisCommand(ctx, "DECR %s", key.c_str()); });
            if (failed(decr)) return guards::TakeResult::Unavailable;
            if (!m_races.full() && decr.r->type == REDIS_REPLY_INTEGER)
                m_races.note(campaign, {laneIndex, readNs, seen, guards::RaceRecorder::nowNs(),
                                        decr.r->integer});
            return guards::TakeResult::Taken;
        }
        case Mode::Lock: {
            const std::string lockKey = key + ":lock";
            const std::string token = std::to_string(laneIndex) + "-" +
                                      std::to_string(Clock::now().time_since_epoch().count());
            auto backoff = std::chrono::microseconds(20);
            const auto giveUp = Clock::now() + std::chrono::seconds(2);
            std::unique_ptr<guards::PoolGauge::Scope> waiting;  // from the first refusal on
            for (;;) {                                          // seed 003's Lettuce spin lock
                Reply set = timed([&] {
                    return redisCommand(ctx, "SET %s %s NX PX 2000", lockKey.c_str(),
                                        token.c_str());
                });
                if (failed(set)) return guards::TakeResult::Unavailable;
                if (set.r->type == REDIS_REPLY_STATUS) break;  // OK: ours
                if (Clock::now() >= giveUp) return guards::TakeResult::Unavailable;
                if (!waiting) waiting = m_pool.startWaiting();
                std::this_thread::sleep_for(backoff);
                backoff = std::min(backoff * 2, std::chrono::microseconds(2000));
            }
            waiting.reset();  // ours now: what follows is the decision, not the wait
            const guards::TakeResult result = lockedDecision(ctx, campaign, user, timed, failed);
            Reply unlock = timed([&] {
                return redisCommand(ctx, "EVAL %s 1 %s %s", kUnlockScript, lockKey.c_str(),
                                    token.c_str());
            });
            return result;
        }
    }
    return guards::TakeResult::Unavailable;
}

// Under redis-lock's lock: read, check, write. With a user, one who is in the applied set is
// answered Taken, and the decrement and the SADD go together (MULTI/EXEC, one round trip).
template <typename Timed, typename Failed>
guards::TakeResult RedisGuard::lockedDecision(redisContext* ctx, int campaign,
                                              const std::uint64_t* user, Timed& timed,
                                              Failed& failed) {
    const std::string key = remainingKey(campaign);
    const std::string applied = appliedKey(campaign);
    const std::string who = user ? std::to_string(*user) : std::string();
    if (user) {
        Reply member = timed(
            [&] { return redisCommand(ctx, "SISMEMBER %s %s", applied.c_str(), who.c_str()); });
        if (failed(member)) return guards::TakeResult::Unavailable;
        if (member.r->type == REDIS_REPLY_INTEGER && member.r->integer == 1)
            return guards::TakeResult::AlreadyHeld;
    }
    Reply get = timed([&] { return redisCommand(ctx, "GET %s", key.c_str()); });
    if (failed(get)) return guards::TakeResult::Unavailable;
    if (get.r->type == REDIS_REPLY_NIL) {
        noteLost(campaign);
        return guards::TakeResult::StockLost;
    }
    const long long seen = get.r->type == REDIS_REPLY_STRING ? std::atoll(get.r->str) : 0;
    if (seen <= 0) return guards::TakeResult::SoldOut;
    if (!user) {
        Reply decr = timed([&] { return redisCommand(ctx, "DECR %s", key.c_str()); });
        return failed(decr) ? guards::TakeResult::Unavailable : guards::TakeResult::Taken;
    }
    redisAppendCommand(ctx, "MULTI");
    redisAppendCommand(ctx, "DECR %s", key.c_str());
    redisAppendCommand(ctx, "SADD %s %s", applied.c_str(), who.c_str());
    redisAppendCommand(ctx, "EXEC");
    auto next = [ctx]() -> void* {
        void* reply = nullptr;
        return redisGetReply(ctx, &reply) == REDIS_OK ? reply : nullptr;
    };
    bool ok = true;
    for (int i = 0; i < 4; ++i) {
        // One round trip: the first reply waits for the server, the others are read already.
        Reply r(i == 0 ? timed(next) : Reply(next()));
        ok = ok && !failed(r) && (i < 3 || r.r->type == REDIS_REPLY_ARRAY);
        if (!r) break;  // the connection is gone: no more replies to read
    }
    return ok ? guards::TakeResult::Taken : guards::TakeResult::Unavailable;
}

// The Lua decrement; with a user, the idempotent one (2: this user took a unit before).
guards::TakeResult RedisGuard::evalTake(redisContext* ctx, Lane& lane, int campaign,
                                        const std::uint64_t* user) {
    const std::string key = remainingKey(campaign);
    const std::string applied = appliedKey(campaign);
    const std::string who = user ? std::to_string(*user) : std::string();
    auto call = [&](bool byText) -> redisReply* {
        const auto t0 = Clock::now();
        void* reply = nullptr;
        if (user)
            reply = byText ? redisCommand(ctx, "EVAL %s 2 %s %s %s", kTakeOnceScript, key.c_str(),
                                          applied.c_str(), who.c_str())
                           : redisCommand(ctx, "EVALSHA %s 2 %s %s %s", m_takeOnceSha.c_str(),
                                          key.c_str(), applied.c_str(), who.c_str());
        else
            reply = byText ? redisCommand(ctx, "EVAL %s 1 %s", kTakeScript, key.c_str())
                           : redisCommand(ctx, "EVALSHA %s 1 %s", m_takeSha.c_str(), key.c_str());
        lane.roundTrips.record(std::uint64_t(
            std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - t0).count()));
        m_roundTrips.fetch_add(1, std::memory_order_relaxed);
        return static_cast<redisReply*>(reply);
    };
    Reply first(call(false));
    // The server lost its scripts (a restart): answer this one by EVAL (which caches it again).
    const bool noScript = first && first.r->type == REDIS_REPLY_ERROR &&
                          std::string_view(first.r->str).starts_with("NOSCRIPT");
    Reply again(noScript ? call(true) : nullptr);
    const Reply& r = noScript ? again : first;
    if (!r || r.r->type != REDIS_REPLY_INTEGER) {
        m_errors.fetch_add(1, std::memory_order_relaxed);
        return guards::TakeResult::Unavailable;
    }
    if (r.r->integer < 0) {
        noteLost(campaign);
        return guards::TakeResult::StockLost;
    }
    if (r.r->integer == 2) return guards::TakeResult::AlreadyHeld;
    return r.r->integer == 1 ? guards::TakeResult::Taken : guards::TakeResult::SoldOut;
}

void RedisGuard::giveBack(int campaign, int laneIndex) {
    giveBackOne(campaign, laneIndex, nullptr);
}

void RedisGuard::giveBackFor(int campaign, int laneIndex, std::uint64_t user) {
    giveBackOne(campaign, laneIndex, m_mode == Mode::Naive ? nullptr : &user);
}

// Not the hot path: by EVAL, which also caches the script again after a restart.
void RedisGuard::giveBackOne(int campaign, int laneIndex, const std::uint64_t* user) {
    Lane& lane = *m_lanes[static_cast<std::size_t>(laneIndex)];
    redisContext* ctx = ensure(lane, m_url, m_reconnects, m_pool);
    if (!ctx) return;
    const std::string remaining = remainingKey(campaign);
    Reply r(user ? redisCommand(ctx, "EVAL %s 2 %s %s %s", kGiveBackScript, remaining.c_str(),
                                appliedKey(campaign).c_str(), std::to_string(*user).c_str())
                 : redisCommand(ctx, "EVAL %s 1 %s", kGiveBackScript, remaining.c_str()));
    if (r && r.r->type == REDIS_REPLY_INTEGER && r.r->integer < 0) noteLost(campaign);
}

guards::StockChange RedisGuard::setStock(int campaign, std::int64_t stock) {
    if (stock < 0) return guards::StockChange::UnknownCampaign;
    std::lock_guard lock(m_controlMutex);
    redisContext* ctx = ensure(*m_control, m_url, m_reconnects, m_pool);
    if (!ctx) return guards::StockChange::UnknownCampaign;
    Reply r(redisCommand(ctx, "EVAL %s 2 %s %s %lld", kSetStockScript,
                         remainingKey(campaign).c_str(), stockKey(campaign).c_str(),
                         static_cast<long long>(stock)));
    if (!r || r.r->type != REDIS_REPLY_INTEGER) return guards::StockChange::UnknownCampaign;
    if (r.r->integer == -2) {  // the count is gone: nothing to change it from
        noteLost(campaign);
        return guards::StockChange::UnknownCampaign;
    }
    if (r.r->integer < 0) return guards::StockChange::BelowTaken;
    if (CampaignLedger* l = ledger(campaign)) l->stock = stock;
    return guards::StockChange::Applied;
}

// A key's number on the control connection (its mutex held); nullopt when Redis does not answer,
// `missing` when it answers that the key is not there.
std::optional<std::int64_t> RedisGuard::readNumber(const std::string& key, bool& missing) const {
    missing = false;
    auto* self = const_cast<RedisGuard*>(this);
    redisContext* ctx = ensure(*self->m_control, m_url, self->m_reconnects, self->m_pool);
    if (!ctx) return std::nullopt;
    Reply r(redisCommand(ctx, "GET %s", key.c_str()));
    if (!r || r.r->type == REDIS_REPLY_ERROR) return std::nullopt;
    missing = r.r->type == REDIS_REPLY_NIL;
    return r.r->type == REDIS_REPLY_STRING ? std::atoll(r.r->str) : 0;
}

// The stock this run set, as Redis holds it; the last value known while Redis does not answer or
// after it lost the key (a lost stock must not read as 0 and make every issue an over-issue).
std::int64_t RedisGuard::stock(int campaign) const {
    std::lock_guard lock(m_controlMutex);
    CampaignLedger* l = ledger(campaign);
    bool missing = false;
    const auto read = readNumber(stockKey(campaign), missing);
    if (missing) noteLost(campaign);
    if (!read || missing) return l ? l->stock.load() : 0;
    if (l) l->stock = *read;
    return *read;
}

std::int64_t RedisGuard::remaining(int campaign) const {
    std::lock_guard lock(m_controlMutex);
    bool missing = false;
    const auto read = readNumber(remainingKey(campaign), missing);
    if (missing) noteLost(campaign);
    return read.value_or(0);
}

std::optional<bool> RedisGuard::holdsUnit(int campaign, std::uint64_t user) {
    if (!decidesByUser()) return std::nullopt;
    std::lock_guard lock(m_controlMutex);
    redisContext* ctx = ensure(*m_control, m_url, m_reconnects, m_pool);
    if (!ctx) return std::nullopt;
    Reply r(redisCommand(ctx, "SISMEMBER %s %s", appliedKey(campaign).c_str(),
                         std::to_string(user).c_str()));
    if (!r || r.r->type != REDIS_REPLY_INTEGER) return std::nullopt;
    return r.r->integer == 1;
}

// Pipelined SISMEMBERs, a thousand per round trip.
std::optional<std::vector<bool>> RedisGuard::holdUnits(int campaign,
                                                       std::span<const std::uint64_t> users) {
    if (!decidesByUser()) return std::nullopt;
    std::lock_guard lock(m_controlMutex);
    redisContext* ctx = ensure(*m_control, m_url, m_reconnects, m_pool);
    if (!ctx) return std::nullopt;
    const std::string key = appliedKey(campaign);
    std::vector<bool> out;
    out.reserve(users.size());
    constexpr std::size_t kPerRoundTrip = 1000;
    for (std::size_t begin = 0; begin < users.size(); begin += kPerRoundTrip) {
        const std::size_t end = std::min(users.size(), begin + kPerRoundTrip);
        for (std::size_t i = begin; i < end; ++i)
            redisAppendCommand(ctx, "SISMEMBER %s %s", key.c_str(),
                               std::to_string(users[i]).c_str());
        for (std::size_t i = begin; i < end; ++i) {
            void* raw = nullptr;
            if (redisGetReply(ctx, &raw) != REDIS_OK) return std::nullopt;
            Reply r(raw);
            if (!r || r.r->type != REDIS_REPLY_INTEGER) return std::nullopt;
            out.push_back(r.r->integer == 1);
        }
    }
    return out;
}

guards::BackendStats RedisGuard::backendStats() const {
    guards::BackendStats s;
    s.kind = "redis";
    s.roundTrips = m_roundTrips.load(std::memory_order_relaxed);
    s.errors = m_errors.load(std::memory_order_relaxed);
    s.reconnects = m_reconnects.load(std::memory_order_relaxed);
    metrics::LatencyHistogram h;
    for (const auto& lane : m_lanes) lane->roundTrips.addTo(h);
    s.roundTripP95Ms = double(h.percentile(0.95)) / 1e6;
    s.waitP95Ms = m_pool.waitP95Ms();
    s.detail = m_prefix;
    s.caution = persistenceCaution();
    s.connections = m_pool.connections();
    s.busy = m_pool.busyNow();
    s.busyPeak = m_pool.busyPeak();
    s.waiting = m_pool.waitingNow();
    s.waitingPeak = m_pool.waitingPeak();
    return s;
}

std::unique_ptr<guards::Guard> makeRedisGuard(std::string_view name, const RedisUrl& url,
                                              std::string& error) {
    RedisGuard::Mode mode;
    if (name == "redis-lua")
        mode = RedisGuard::Mode::Lua;
    else if (name == "redis-lock")
        mode = RedisGuard::Mode::Lock;
    else if (name == "redis-naive")
        mode = RedisGuard::Mode::Naive;
    else {
        error = "not a Redis guard: " + std::string(name);
        return nullptr;
    }
    if (url.tls) {
        error = "TLS error: this build talks to Redis without TLS (" + url.toString() + ")";
        return nullptr;
    }
    auto guard = std::make_unique<RedisGuard>(mode, url);
    if (std::string why = guard->probe(); !why.empty()) {
        error = "guard " + std::string(name) + ": " + why;
        return nullptr;
    }
    return guard;
}

}  // namespace stampede::backends::redis
