#pragma once
// Batch aggregation (seed 001's Spring Batch): the request event log of a run folded into
// campaign_stats, one row per campaign per time bucket (second or minute): arrivals, issued,
// rejected by reason, failed, retries and end-to-end p50/p95/p99. Chunked: each step reads the
// next events after a checkpoint and, in ONE transaction, merges them into the stats rows
// (histograms are stored with the rows, so percentiles stay exact per bucket) and moves the
// checkpoint. A killed job resumes where it stopped; re-running a finished job changes nothing.

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

namespace stampede::store {

class Store;

struct AggregationProgress {
    std::int64_t eventsDone = 0;   // aggregated so far (across restarts)
    std::int64_t eventsTotal = 0;  // in the run's event log
    std::int64_t bucketsWritten = 0;
};

class AggregationJob {
public:
    AggregationJob(Store& store, std::int64_t runId, std::int64_t bucketMs,
                   std::size_t chunkEvents = 20000);

    // Aggregates the next chunk. Returns 1 if it did, 0 if nothing was left, -1 on error.
    int step(std::string& error);
    // Steps to the end (or until `cancel`), reporting progress after each chunk.
    bool run(const std::function<void(const AggregationProgress&)>& onProgress,
             const std::atomic<bool>* cancel, std::string& error);
    AggregationProgress progress();
    // Forgets the run's stats and checkpoint for this bucket size (a rebuild from scratch).
    bool reset(std::string& error);

private:
    Store& m_store;
    std::int64_t m_runId;
    std::int64_t m_bucketMs;
    std::size_t m_chunk;
    std::int64_t m_bucketsWritten = 0;
};

}  // namespace stampede::store
