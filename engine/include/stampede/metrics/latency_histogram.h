#pragma once
// Log-linear latency histograms (the HdrHistogram shape): 32 linear sub-buckets per power of two,
// so every percentile is exact to within ~3 % of its value, and recording costs a count-leading-
// zeros and one store. A LatencyRecorder has a single writer thread and any number of readers;
// readers copy it into a LatencyHistogram and compute percentiles there, at leisure.

#include <array>
#include <atomic>
#include <bit>
#include <cstdint>

namespace stampede::metrics {

inline constexpr int kSubBucketBits = 5;
inline constexpr int kSubBuckets = 1 << kSubBucketBits;
inline constexpr int kMaxExponent = 42;  // values up to 2^43 ns (about 2.4 hours)
inline constexpr int kBucketCount = (kMaxExponent - kSubBucketBits + 2) * kSubBuckets;

constexpr int bucketOf(std::uint64_t value) {
    if (value < kSubBuckets) return static_cast<int>(value);
    int exponent = 63 - std::countl_zero(value);
    if (exponent > kMaxExponent) return kBucketCount - 1;
    const int shift = exponent - kSubBucketBits;
    return (shift + 1) * kSubBuckets + static_cast<int>((value >> shift) - kSubBuckets);
}

// Smallest value that falls into `bucket`.
constexpr std::uint64_t bucketLowerBound(int bucket) {
    if (bucket < kSubBuckets) return static_cast<std::uint64_t>(bucket);
    const int shift = bucket / kSubBuckets - 1;
    return (static_cast<std::uint64_t>(kSubBuckets + bucket % kSubBuckets)) << shift;
}

// Largest value that falls into `bucket`.
constexpr std::uint64_t bucketUpperBound(int bucket) {
    if (bucket < kSubBuckets) return static_cast<std::uint64_t>(bucket);
    const int shift = bucket / kSubBuckets - 1;
    return bucketLowerBound(bucket) + (std::uint64_t{1} << shift) - 1;
}

// A plain, copyable histogram: the reader's side.
class LatencyHistogram {
public:
    void record(std::uint64_t value, std::uint64_t count = 1);
    void merge(const LatencyHistogram& other);
    // this - older, bucket by bucket: the histogram of one interval between two cumulative ones.
    LatencyHistogram since(const LatencyHistogram& older) const;

    std::uint64_t count() const { return m_count; }
    std::uint64_t max() const { return m_max; }
    double mean() const;
    // Upper bound of the bucket holding the q-quantile (0 < q <= 1), capped at max(); 0 if empty.
    std::uint64_t percentile(double q) const;
    std::uint64_t bucketCount(int bucket) const { return m_buckets[bucket]; }

private:
    friend class LatencyRecorder;
    std::array<std::uint64_t, kBucketCount> m_buckets{};
    std::uint64_t m_count = 0;
    std::uint64_t m_sum = 0;
    std::uint64_t m_max = 0;
};

// The writer's side: one thread records, others copy. Relaxed atomics make concurrent copying
// well-defined without a lock on the hot path; a copy may be a few records behind, never torn
// within a bucket.
class LatencyRecorder {
public:
    void record(std::uint64_t value) {
        bump(m_buckets[bucketOf(value)], 1);
        bump(m_count, 1);
        bump(m_sum, value);
        if (value > m_max.load(std::memory_order_relaxed))
            m_max.store(value, std::memory_order_relaxed);
    }
    void addTo(LatencyHistogram& out) const;

private:
    static void bump(std::atomic<std::uint64_t>& cell, std::uint64_t by) {
        cell.store(cell.load(std::memory_order_relaxed) + by, std::memory_order_relaxed);
    }
    std::array<std::atomic<std::uint64_t>, kBucketCount> m_buckets{};
    std::atomic<std::uint64_t> m_count{0};
    std::atomic<std::uint64_t> m_sum{0};
    std::atomic<std::uint64_t> m_max{0};
};

}  // namespace stampede::metrics
