#pragma once
// Replaying the dead letters a store kept, after the run that filled them is gone (a restart, or
// `stampede-cli dlq replay`). A fresh engine gets the run's campaigns with the stock they have
// left; each pending dead letter is submitted again at a bounded rate, and its coupon goes into
// the same run of the store. An entry is marked replayed as soon as its replay is decided, and a
// user who already holds a coupon of the run is skipped, so a replay never issues twice, even
// across a crash of the replayer.

#include <memory>
#include <string>
#include <vector>

#include "run_types.h"
#include "store/store_url.h"

namespace stampede::store {

struct StoredReplayOutcome {
    std::int64_t replayed = 0;  // decided (issued, or refused e.g. sold out)
    std::int64_t issued = 0;
    std::string error;
};

// Starts replaying `ids` (all pending when empty) of run `runId`; the job reports progress like
// an engine replay and can be cancelled.
std::shared_ptr<ReplayJob> replayStoredDeadLetters(const StoreUrl& url, std::int64_t runId,
                                                   std::vector<core::RequestId> ids,
                                                   double perSecond);
// The outcome of a finished stored replay job (null if `job` is not one).
std::optional<StoredReplayOutcome> storedReplayOutcome(const ReplayJob& job);

}  // namespace stampede::store
