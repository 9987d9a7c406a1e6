#pragma once
// `capture info`: what a capture holds, in one streaming pass (memory grows with distinct users
// and busy milliseconds, never with the file's size).

#include <cstdint>
#include <string>
#include <vector>

#include <QJsonObject>

#include "stampede/capture/capture_reader.h"

namespace stampede::capture {

struct CampaignCount {
    std::string id;
    std::int64_t requests = 0;
    std::int64_t users = 0;  // distinct
};

struct CaptureInfo {
    std::string file;
    CaptureFormat format = CaptureFormat::Auto;
    bool gzip = false;
    bool zstd = false;
    CaptureHeader header;
    std::int64_t requests = 0;
    std::int64_t firstUs = 0, lastUs = 0;  // earliest and latest offsets
    std::vector<CampaignCount> campaigns;  // by id
    std::int64_t distinctUsers = 0;        // over all campaigns
    std::int64_t duplicates = 0;           // (campaign, user) seen before
    std::int64_t unverified = 0;
    std::int64_t outOfOrder = 0;  // records earlier than the one before them
    std::int64_t peakPerSecond = 0, peakPerMs = 0;
    ReadStats stats;  // unmatched, responses, skipped, truncated, end reason
    // The arrival rate over the capture's span, for a picture of it: requests in each of
    // kTimelineBuckets equal slices of [firstUs, lastUs] (at least 1 ms each).
    static constexpr int kTimelineBuckets = 240;
    std::int64_t timelineBucketUs = 0;
    std::vector<std::int64_t> timeline;

    double spanS() const { return requests ? double(lastUs - firstUs) / 1e6 : 0; }
};

// Reads `reader` to its end into `info`. False when the reader stopped at a bad record
// (reader.error() says where); `info` then holds what was read before it.
bool summariseCapture(CaptureReader& reader, CaptureInfo& info);

QJsonObject toJson(const CaptureInfo& info);
std::string toText(const CaptureInfo& info);

}  // namespace stampede::capture
