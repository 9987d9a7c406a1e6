#pragma once
// bench/: the raw floor that `stampede-cli bench` prints next to the engine. The same requests as
// the engine's run go through one loop doing only the idempotency insert and the CAS decrement,
// in the calling process, so the ratio compares like with like. It must never time more than that
// loop, nor reach into a running engine.

#include <cstddef>
#include <string>

#include "stampede/sim/scenario.h"

namespace stampede::bench {

struct BenchFloorResult {
    std::size_t requests = 0;  // the scenario's arrivals, repeats included
    long long issued = 0;      // against the first campaign's stock
    double seconds = 0;        // the loop alone: arrivals and the index are ready before it
};

// Generates `scenario`'s arrivals, then times them through the loop against the stock of the
// scenario's first campaign (the bench scenario has one); all zeros without a campaign.
BenchFloorResult measureFloor(const sim::Scenario& scenario);

// This machine's processor as /proc/cpuinfo's first "model name" names it (what lscpu prints
// as Model name); empty when the file does not say.
std::string processorModel();

}  // namespace stampede::bench
