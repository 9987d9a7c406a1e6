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

#include "stampede/run_types.h"
#include "stampede/store/store_url.h"

namespace stampede::store {

// Starts replaying `ids` (all pending when empty) of run `runId`; the job reports progress like
// an engine replay (its outcome: decided, issued, error) and can be cancelled.
std::shared_ptr<ReplayJob> replayStoredDeadLetters(const StoreUrl& url, std::int64_t runId,
                                                   std::vector<core::RequestId> ids,
                                                   double perSecond);

}  // namespace stampede::store
