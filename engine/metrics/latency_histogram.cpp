#include "stampede/metrics/latency_histogram.h"

#include <algorithm>
#include <cmath>

namespace stampede::metrics {

void LatencyHistogram::record(std::uint64_t value, std::uint64_t count) {
    m_buckets[bucketOf(value)] += count;
    m_count += count;
    m_sum += value * count;
    m_max = std::max(m_max, value);
}

void LatencyHistogram::merge(const LatencyHistogram& other) {
    for (int i = 0; i < kBucketCount; ++i) m_buckets[i] += other.m_buckets[i];
    m_count += other.m_count;
    m_sum += other.m_sum;
    m_max = std::max(m_max, other.m_max);
}

LatencyHistogram LatencyHistogram::since(const LatencyHistogram& older) const {
    LatencyHistogram out;
    for (int i = 0; i < kBucketCount; ++i) {
        const std::uint64_t n =
            m_buckets[i] >= older.m_buckets[i] ? m_buckets[i] - older.m_buckets[i] : 0;
        out.m_buckets[i] = n;
        out.m_count += n;
        if (n) out.m_max = std::min(bucketUpperBound(i), m_max);
    }
    out.m_sum = m_sum >= older.m_sum ? m_sum - older.m_sum : 0;
    return out;
}

double LatencyHistogram::mean() const {
    return m_count ? static_cast<double>(m_sum) / static_cast<double>(m_count) : 0.0;
}

std::uint64_t LatencyHistogram::percentile(double q) const {
    if (m_count == 0) return 0;
    q = std::clamp(q, 0.0, 1.0);
    const auto rank = std::max<std::uint64_t>(
        1, static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(m_count))));
    std::uint64_t seen = 0;
    for (int i = 0; i < kBucketCount; ++i) {
        seen += m_buckets[i];
        if (seen >= rank) return std::min(bucketUpperBound(i), m_max);
    }
    return m_max;
}

void LatencyRecorder::addTo(LatencyHistogram& out) const {
    // The count is the sum of the buckets read, so percentiles stay consistent with them even
    // while the writer keeps recording.
    std::uint64_t total = 0;
    for (int i = 0; i < kBucketCount; ++i) {
        const std::uint64_t n = m_buckets[i].load(std::memory_order_relaxed);
        out.m_buckets[i] += n;
        total += n;
    }
    out.m_count += total;
    out.m_sum += m_sum.load(std::memory_order_relaxed);
    out.m_max = std::max(out.m_max, m_max.load(std::memory_order_relaxed));
}

}  // namespace stampede::metrics
