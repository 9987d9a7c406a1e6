#pragma once
// "Test connection": one bounded round trip to a profile's system, answered in plain words —
// refused, timeout, auth failed, TLS error — or, when it works, what answered (its version).

#include <string>

#include "stampede/profiles/connection_profile.h"

namespace stampede::profiles {

struct CheckResult {
    bool ok = false;
    std::string words;  // "OK: Redis 7.0.15" | "refused: nothing listens on 127.0.0.1:6379" ...
};

// Blocks for at most a few seconds.
CheckResult checkConnection(const ConnectionProfile& profile, const std::string& password);

}  // namespace stampede::profiles
