#pragma once
// Scenarios built in code and a run-to-the-end helper for the engine's tests.

#include <QtTest>

#include <map>
#include <set>

#include "engine.h"
#include "sim/arrivals.h"

// QCOMPARE for engine enums: the engine's own toString() overloads (string_view) hide QTest's.
#define COMPARE_ENUM(actual, expected) \
    QCOMPARE(static_cast<int>(actual), static_cast<int>(expected))

namespace stampede::test {

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

}  // namespace stampede::test
