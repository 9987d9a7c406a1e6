#pragma once
// Where an imported HTTP request names its campaign and its user, by the rules that fit the
// seed APIs: the campaign from the path (/api/campaigns/{id}/apply, /api/coupons/{id}/issue) or
// a JSON body field campaignId/eventId/couponId (POST /api/event/apply without one: the
// scenario's only campaign, when given); the user from a body field userId/user_id/email or the
// header X-User-Id. A request no rule places is unmatched: counted and skipped, never guessed.

#include <string>

#include "capture/http_request.h"
#include "stampede/capture/capture_reader.h"
#include "stampede/capture/capture_record.h"

namespace stampede::capture {

// Fills record.campaign and record.user, by `mapping`'s rules where it has some, else by the
// defaults above; false when the request is unmatched.
bool mapRequest(const HttpMessage& request, const ReaderOptions& options, CaptureRecord& record);

}  // namespace stampede::capture
