#pragma once
// Replays a capture into a target (the engine's submit(), or nothing for a dry run) on the
// calling thread: original timing scaled by a speed factor, a fixed rate, or as fast as the
// target takes them; looped, filtered, campaigns renamed. Streams the file (again for each
// loop), with a bounded reorder window for captures whose timestamps go back a little. Measures
// how late each submission was against its schedule.

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "stampede/capture/capture_reader.h"
#include "stampede/capture/capture_writer.h"
#include "stampede/metrics/latency_histogram.h"
#include "stampede/run_types.h"

namespace stampede::capture {

struct ReplayOptions {
    double speed = 1.0;          // original timing divided by this
    std::optional<double> rate;  // requests per second instead of the original timing; 0: max
    int loops = 1;
    std::vector<std::string> campaigns;        // only these (before renaming); empty: all
    std::string userPattern;                   // ECMAScript regex a user must contain; empty: all
    std::optional<std::int64_t> fromUs, toUs;  // the capture's own offsets, [from, to)
    std::vector<std::pair<std::string, std::string>> mapCampaign;  // old -> new
    std::size_t reorderWindow = 8192;  // records held to put slightly late ones in order
};

// "old=new,old2=new2" (spaces around items allowed) into ReplayOptions::mapCampaign; false with
// `error` naming the item that is not OLD=NEW.
bool parseCampaignMap(const std::string& text,
                      std::vector<std::pair<std::string, std::string>>& out, std::string& error);

// Where replayed requests go.
class ReplayTarget {
public:
    virtual ~ReplayTarget() = default;
    virtual SubmitResult submit(const Submission& submission) = 0;
};

// Shared with another thread: cancel, and read progress while it runs.
struct ReplayControl {
    std::atomic<bool> cancel{false};
    std::atomic<std::int64_t> sent{0};
};

struct ReplayReport {
    CaptureError error;       // the capture stopped at a bad record
    std::string filterError;  // a bad --user pattern
    std::int64_t sent = 0, accepted = 0, duplicates = 0, refused = 0;
    std::int64_t filtered = 0;    // left out by the filters
    std::int64_t lateInFile = 0;  // earlier than the reorder window could still place
    ReadStats stats;              // the last loop's reader: unmatched, skipped, truncated
    std::int64_t unmatched = 0;   // over all loops
    int loopsDone = 0;
    bool cancelled = false;
    bool timed = true;        // false for --rate max: no schedule to be late against
    double scheduledS = 0;    // when the last request was due
    double wallS = 0;         // how long it took: reading and sending (an arrival list: reading
                              // and the run, timed as `bench` times a run)
    double engineExtraS = 0;  // an arrival list: the engine's set-up and end-of-run audit, which
                              // `bench` leaves out of its figure too
    std::int64_t peakPerSecond = 0, peakPerMs = 0;  // of the schedule
    metrics::LatencyHistogram lateness;             // ns behind schedule, per submission
    std::string firstRefusal;                       // the target's first refusal message
};

// Replays `path` into `target`; null target: a dry run (no waiting, nothing sent, the schedule
// measured). `record`, if given, receives every submission at the time it was sent.
ReplayReport replayCapture(const std::string& path, const ReaderOptions& readerOptions,
                           const ReplayOptions& options, ReplayTarget* target,
                           ReplayControl& control, CaptureWriter* record = nullptr);

// The replay as the run's own arrival list (StartOptions::arrivals), for --rate max: the engine's
// feeders then play it as fast as a scenario's, with no submit() per request. Offsets keep the
// original timing (scaled by speed, loops one after the other), so campaign windows hold.
// nullopt when a user is not a scenario user number ("17": canonical, 1 .. 2^32-1), a campaign
// is not in `campaignIds`, or there are more than `limit`: submit() must place those.
std::optional<std::vector<GivenArrival>> plannedArrivals(
    const std::string& path, const ReaderOptions& readerOptions, const ReplayOptions& options,
    const std::vector<std::string>& campaignIds, ReplayReport& report,
    std::size_t limit = 50'000'000);

}  // namespace stampede::capture
