#include "pipeline/fault_plan.h"

#include "guards/decider.h"

#include <algorithm>
#include <cmath>

namespace stampede::pipeline {

FaultPlan::FaultPlan(const core::FaultConfig& config, std::uint64_t seed)
    : m_config(config), m_seed(seed) {
    m_enabled = config.transientFailureRate > 0 || config.permanentFailureRate > 0 ||
                config.processingDelayUs > 0;
}

std::uint64_t FaultPlan::mix(std::uint64_t x) {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

FaultOutcome FaultPlan::outcome(std::uint64_t requestKey, int attempt) const {
    if (m_config.transientFailureRate <= 0 && m_config.permanentFailureRate <= 0)
        return FaultOutcome::None;
    const double u = unit(mix(m_seed ^ mix(requestKey ^ (std::uint64_t(attempt) << 56))));
    if (u < m_config.permanentFailureRate) return FaultOutcome::Permanent;
    if (u < m_config.permanentFailureRate + m_config.transientFailureRate)
        return FaultOutcome::Transient;
    return FaultOutcome::None;
}

std::int64_t FaultPlan::delayNs(std::uint64_t requestKey, int attempt) const {
    const double mean = static_cast<double>(m_config.processingDelayUs) * 1000.0;
    if (mean <= 0) return 0;
    const double u = unit(mix(m_seed + 0x51ed27 + mix(requestKey + std::uint64_t(attempt))));
    switch (m_config.delayDistribution) {
        case core::DelayDistribution::Fixed:
            return static_cast<std::int64_t>(mean);
        case core::DelayDistribution::Uniform:
            return static_cast<std::int64_t>(2.0 * mean * u);
        case core::DelayDistribution::Exponential:
            return static_cast<std::int64_t>(std::min(-mean * std::log1p(-u), 50.0 * mean));
    }
    return 0;
}

double FaultPlan::backoffUnit(std::uint64_t requestKey, int attempt) const {
    return unit(mix(m_seed + 0xbac0ff + mix(requestKey * 31 + std::uint64_t(attempt))));
}

std::int64_t FaultPlan::backoffNs(std::uint64_t requestKey, int attempt, double baseMs,
                                  double maxMs) const {
    return guards::RetryPolicy{0, baseMs, maxMs}.backoffNs(attempt,
                                                           backoffUnit(requestKey, attempt));
}

}  // namespace stampede::pipeline
