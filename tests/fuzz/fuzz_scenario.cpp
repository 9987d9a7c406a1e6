// libFuzzer target for the scenario format. Any bytes may be refused, but never with a crash, a
// hang or a silent refusal; whatever is accepted must write back (toJson) into text that reads
// back to the same scenario, so the second write is identical to the first. Small accepted
// scenarios are also expanded into arrivals, which must come out sorted.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "sim/arrivals.h"
#include "stampede/sim/scenario.h"

namespace {

[[noreturn]] void fail(const char* what, const std::string& detail) {
    std::fprintf(stderr, "fuzz_scenario: %s\n%s\n", what, detail.c_str());
    std::abort();
}

// Expanding is linear in the submissions, so only scenarios small enough to keep runs fast.
bool smallEnough(const stampede::sim::Scenario& s) {
    double users = 0;
    for (const auto& a : s.arrivals)
        users +=
            a.profile == stampede::sim::Profile::Spike || a.profile == stampede::sim::Profile::Ramp
                ? static_cast<double>(a.users)
                : a.rps * a.overMs / 1000.0;
    const double perUser = 2.0 + (s.clients.retryAfterMs > 0 ? s.clients.retries : 0);
    return users * perUser <= 20000;
}

void checkArrivals(const stampede::sim::Scenario& s) {
    using stampede::sim::Arrival;
    const std::vector<Arrival> arrivals = stampede::sim::generateArrivals(s);
    for (std::size_t i = 1; i < arrivals.size(); ++i) {
        const Arrival& x = arrivals[i - 1];
        const Arrival& y = arrivals[i];
        if (x.atUs > y.atUs || (x.atUs == y.atUs && x.campaign > y.campaign))
            fail("arrivals out of order", std::to_string(i));
        if (y.campaign >= s.campaigns.size())
            fail("campaign index out of range", std::to_string(i));
    }
    const auto counts = stampede::sim::countArrivals(s, arrivals);
    if (counts.submissions != static_cast<std::int64_t>(arrivals.size()) ||
        counts.eligibleUsers > counts.uniqueUsers || counts.uniqueUsers > counts.submissions)
        fail("inconsistent counts", std::to_string(counts.submissions));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const stampede::sim::ScenarioLoad load = stampede::sim::parseScenario(text, "<fuzz>");
    if (!load.ok()) {
        if (load.error.message.empty()) fail("refused without a message", std::string(text));
        return 0;
    }
    const std::string first = stampede::sim::toJson(*load.scenario);
    const stampede::sim::ScenarioLoad again = stampede::sim::parseScenario(first, "<fuzz>");
    if (!again.ok()) fail("toJson output refused", again.error.toString() + "\n" + first);
    const std::string second = stampede::sim::toJson(*again.scenario);
    if (first != second) fail("round trip changed the scenario", first + "\n---\n" + second);
    if (smallEnough(*load.scenario)) checkArrivals(*load.scenario);
    return 0;
}
