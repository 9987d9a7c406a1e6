#include "stampede/bench/floor.h"

#include <absl/container/flat_hash_set.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <string_view>
#include <vector>

#include "ingress/idempotency_index.h"
#include "sim/arrivals.h"

namespace stampede::bench {
namespace {

struct LoopResult {
    double seconds = 0;
    long long issued = 0;
};

LoopResult runFloor(const std::vector<sim::Arrival>& arrivals, long long stock) {
    absl::flat_hash_set<std::uint64_t> index;
    index.reserve(arrivals.size());
    std::atomic<long long> remaining{stock};
    long long issued = 0;
    const auto t0 = std::chrono::steady_clock::now();
    for (const auto& a : arrivals) {
        if (!index.insert(ingress::IdempotencyIndex::keyOf(a.campaign, a.user)).second) continue;
        long long current = remaining.load(std::memory_order_relaxed);
        while (current > 0 &&
               !remaining.compare_exchange_weak(current, current - 1, std::memory_order_acq_rel))
            ;
        issued += current > 0 ? 1 : 0;
    }
    const auto t1 = std::chrono::steady_clock::now();
    return {std::chrono::duration<double>(t1 - t0).count(), issued};
}

std::string_view trimmed(std::string_view s) {
    const auto first = s.find_first_not_of(" \t");
    if (first == std::string_view::npos) return {};
    return s.substr(first, s.find_last_not_of(" \t\r") - first + 1);
}

}  // namespace

BenchFloorResult measureFloor(const sim::Scenario& scenario) {
    if (scenario.campaigns.empty()) return {};
    const auto arrivals = sim::generateArrivals(scenario);
    const LoopResult loop = runFloor(arrivals, scenario.campaigns.front().stock);
    return {arrivals.size(), loop.issued, loop.seconds};
}

std::string processorModel() {
    std::ifstream in("/proc/cpuinfo");
    std::string line;
    while (std::getline(in, line)) {
        const std::string_view view(line);
        const auto colon = view.find(':');
        if (colon == std::string_view::npos) continue;
        if (trimmed(view.substr(0, colon)) == "model name")
            return std::string(trimmed(view.substr(colon + 1)));
    }
    return {};
}

}  // namespace stampede::bench
