#pragma once
// Injected faults, decided per (request, attempt) by hashing with the run's seed, so a scenario
// fails the same requests at the same attempts on every run, whatever the thread schedule.

#include <cstdint>

#include "stampede/core/run_config.h"

namespace stampede::pipeline {

enum class FaultOutcome : std::uint8_t { None, Transient, Permanent };

class FaultPlan {
public:
    FaultPlan() = default;
    FaultPlan(const core::FaultConfig& config, std::uint64_t seed);

    bool enabled() const { return m_enabled; }
    FaultOutcome outcome(std::uint64_t requestKey, int attempt) const;
    // Processing delay for this attempt, from the configured distribution.
    std::int64_t delayNs(std::uint64_t requestKey, int attempt) const;
    // The jitter of the backoff after attempt `attempt` (1-based) of a request, in [0, 1):
    // seeded, so a scenario retries at the same times on every run.
    double backoffUnit(std::uint64_t requestKey, int attempt) const;
    // That backoff under the retry policy with `baseMs` and `maxMs` (guards/decider.h).
    std::int64_t backoffNs(std::uint64_t requestKey, int attempt, double baseMs,
                           double maxMs) const;

    static std::uint64_t mix(std::uint64_t x);
    // Uniform in [0, 1) from a 64-bit hash.
    static double unit(std::uint64_t hash) {
        return static_cast<double>(hash >> 11) * (1.0 / 9007199254740992.0);
    }

private:
    core::FaultConfig m_config;
    std::uint64_t m_seed = 0;
    bool m_enabled = false;
};

}  // namespace stampede::pipeline
