#pragma once
// The replay's filters and renaming, one record at a time: shared by the submit() replay and the
// planned arrival list, so both leave out and rename the same records.

#include <algorithm>
#include <regex>

#include "stampede/capture/capture_replay.h"

namespace stampede::capture {

// False for a record the replay leaves out; else renames its campaign as asked.
inline bool keepRecord(CaptureRecord& r, const ReplayOptions& o, const std::regex* users) {
    if (o.fromUs && r.atUs < *o.fromUs) return false;
    if (o.toUs && r.atUs >= *o.toUs) return false;
    if (!o.campaigns.empty() &&
        std::find(o.campaigns.begin(), o.campaigns.end(), r.campaign) == o.campaigns.end())
        return false;
    if (users && !std::regex_search(r.user, *users)) return false;
    for (const auto& [from, to] : o.mapCampaign)
        if (r.campaign == from) {
            r.campaign = to;
            break;
        }
    return true;
}

}  // namespace stampede::capture
