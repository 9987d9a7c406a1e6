#pragma once
// Keeping a store's size in hand: deleting old runs with everything they stored (coupons, dead
// letters, request events, statistics) and giving the space back (SQLite's VACUUM). A run still
// running is never deleted. Off the decision path: the console calls it on a thread of its own.

#include <cstdint>
#include <optional>
#include <string>

#include "stampede/store/store.h"

namespace stampede::store {

struct RetentionOutcome {
    std::int64_t runsDeleted = 0;
    std::int64_t runsKept = 0;
};

// Deletes every run but the newest `keepNewest` (and any still running), in one transaction,
// then compacts. nullopt with `error` when the store refuses.
std::optional<RetentionOutcome> keepNewestRuns(Store& store, int keepNewest, std::string& error);

}  // namespace stampede::store
