#pragma once
// Scenarios built in code and a run-to-the-end helper for the engine's tests.

#include <QtTest>

#include <map>
#include <set>
#include <thread>
#include <vector>

#include "sim/arrivals.h"
#include "stampede/engine.h"
#include "stampede/guards/guard.h"
#include "stampede/guards/guard_registry.h"

// QCOMPARE for engine enums: the engine's own toString() overloads (string_view) hide QTest's.
#define COMPARE_ENUM(actual, expected) \
    QCOMPARE(static_cast<int>(actual), static_cast<int>(expected))

namespace stampede::test {

// Builds every registered guard of `family` with `make` and holds it to its registry entry (name,
// races on purpose, decides by user). The first disagreement in words, or empty; `built` counts
// the guards made. Shared by the backends' tests.
template <typename Make>
std::string registryMismatch(guards::GuardFamily family, Make&& make, int& built) {
    for (const guards::GuardInfo& info : guards::knownGuards()) {
        if (info.family != family) continue;
        std::string error;
        const auto guard = make(info.name, error);
        const std::string name(info.name);
        if (!guard) return name + ": not built: " + error;
        if (guard->name() != info.name)
            return name + ": the guard calls itself " + std::string(guard->name());
        if (guard->racesOnPurpose() != info.racesOnPurpose)
            return name + ": races on purpose differs";
        if (guard->decidesByUser() != info.decidesByUser) return name + ": decides by user differs";
        ++built;
    }
    return {};
}

inline sim::Scenario spike(std::int64_t users, std::int64_t stock, const std::string& guard,
                           core::Pipeline pipeline, int workers = 4, int partitions = 4) {
    sim::Scenario s;
    s.name = "test spike";
    s.seed = 11;
    core::Campaign c;
    c.id = "c1";
    c.name = "Test drop";
    c.stock = stock;
    s.campaigns.push_back(c);
    sim::ArrivalSpec a;
    a.campaign = "c1";
    a.users = users;
    a.overMs = 1000;
    s.arrivals.push_back(a);
    s.run.guard = guard;
    s.run.pipeline = pipeline;
    s.run.workers = workers;
    s.run.partitions = partitions;
    s.run.pace = core::Pace::Asap;
    return s;
}

// Eligible unique users per campaign index, computed from the arrivals themselves.
inline std::vector<std::int64_t> eligiblePerCampaign(const sim::Scenario& s) {
    std::vector<std::set<std::uint32_t>> users(s.campaigns.size());
    for (const auto& a : sim::generateArrivals(s)) {
        const auto& c = s.campaigns[a.campaign];
        const bool inWindow = a.atUs / 1000 >= c.opensAfterMs &&
                              (!c.closesAfterMs || a.atUs / 1000 < *c.closesAfterMs);
        if (inWindow && (!c.requiresVerification || a.verified())) users[a.campaign].insert(a.user);
    }
    std::vector<std::int64_t> out;
    for (const auto& u : users) out.push_back(std::int64_t(u.size()));
    return out;
}

inline std::shared_ptr<const Snapshot> runToEnd(
    Engine& engine, const sim::Scenario& s,
    std::chrono::seconds timeout = std::chrono::seconds(120)) {
    const StartResult started = engine.start(s);
    if (!started.ok()) qWarning("start failed: %s", started.error.c_str());
    if (!started.ok() || !engine.waitForEnd(timeout)) return nullptr;
    return engine.snapshot();
}

// The invariants every finished run keeps.
inline void verifyInvariants(const Snapshot& s) {
    std::int64_t sum = 0;
    for (auto n : s.states) {
        QVERIFY(n >= 0);
        sum += n;
    }
    QCOMPARE(sum, s.admitted);
    QCOMPARE(s.finals, s.admitted);
    QCOMPARE(s.requests, s.admitted + s.duplicates);
    QCOMPARE(s.states[std::size_t(core::RequestState::Received)], std::int64_t(0));
    QCOMPARE(s.states[std::size_t(core::RequestState::Queued)], std::int64_t(0));
    QCOMPARE(s.states[std::size_t(core::RequestState::Processing)], std::int64_t(0));
    std::int64_t rejected = 0;
    for (auto n : s.rejected) rejected += n;
    QCOMPARE(rejected, s.states[std::size_t(core::RequestState::Rejected)]);
}

// Every one of `threads` threads decides every user of [0, users) by user, so each user is asked
// `threads` times at once. Returns how many users hold a unit afterwards by the guard's record
// (-1 if the backend did not answer), and counts the Taken answers in `taken`.
inline std::int64_t decideEveryUserFromEveryThread(guards::Guard& guard, int threads, int users,
                                                   std::int64_t& taken) {
    std::vector<std::thread> pool;
    std::vector<std::int64_t> takenBy(static_cast<std::size_t>(threads), 0);
    for (int t = 0; t < threads; ++t)
        pool.emplace_back([&, t] {
            for (int u = 0; u < users; ++u) {
                const int user = (u + t * 7) % users;  // threads meet on each user at times
                if (guard.takeFor(0, t, std::uint64_t(user)) == guards::TakeResult::Taken)
                    ++takenBy[std::size_t(t)];
            }
        });
    for (auto& th : pool) th.join();
    taken = 0;
    for (const std::int64_t n : takenBy) taken += n;
    std::int64_t holders = 0;
    for (int u = 0; u < users; ++u) {
        const auto held = guard.holdsUnit(0, std::uint64_t(u));
        if (!held) return -1;
        holders += *held ? 1 : 0;
    }
    return holders;
}

// Four deciders ask for every one of 100 users at once, on a stock of 60 (redeliveries in other
// processes): each user holds at most one unit, and exactly the stock goes.
inline void verifyConcurrentDecisionsByUser(guards::Guard& guard) {
    const std::int64_t stock[] = {60};
    guard.reset(stock, 4);
    std::int64_t taken = 0;
    QCOMPARE(decideEveryUserFromEveryThread(guard, 4, 100, taken), std::int64_t(60));
    QCOMPARE(guard.remaining(0), std::int64_t(0));
    // A holder asked again is answered AlreadyHeld: Taken counts each unit once.
    QCOMPARE(taken, std::int64_t(60));
}

// A guard that decides by user, on a stock of 3: the same user twice takes one unit, a user
// refused for sold-out holds none, and the record says so.
inline void verifyTakeForDecidesOncePerUser(guards::Guard& guard) {
    const std::int64_t stock[] = {3};
    guard.reset(stock, 1);
    using guards::TakeResult;
    QVERIFY(guard.decidesByUser());
    QCOMPARE(guard.holdsUnit(0, 42), std::optional<bool>(false));
    COMPARE_ENUM(guard.takeFor(0, 0, 42), TakeResult::Taken);
    QCOMPARE(guard.holdsUnit(0, 42), std::optional<bool>(true));
    COMPARE_ENUM(guard.takeFor(0, 0, 42), TakeResult::AlreadyHeld);  // again: no second unit
    QCOMPARE(guard.remaining(0), std::int64_t(2));
    COMPARE_ENUM(guard.takeFor(0, 0, 43), TakeResult::Taken);
    COMPARE_ENUM(guard.takeFor(0, 0, 44), TakeResult::Taken);
    COMPARE_ENUM(guard.takeFor(0, 0, 45), TakeResult::SoldOut);
    COMPARE_ENUM(guard.takeFor(0, 0, 45), TakeResult::SoldOut);  // still none for 45
    QCOMPARE(guard.holdsUnit(0, 45), std::optional<bool>(false));
    COMPARE_ENUM(guard.takeFor(0, 0, 42), TakeResult::AlreadyHeld);
    QCOMPARE(guard.remaining(0), std::int64_t(0));
}

}  // namespace stampede::test
