#pragma once
// The reader of k6's `--out json` files: one JSON object a line; the `http_reqs` points are the
// requests ({"type":"Point","metric":"http_reqs","data":{"time":…,"tags":{"method","url",…}}}),
// every other line is skipped. k6 writes no bodies: requests are placed by their URL, and the
// user by a query parameter or a custom tag userId/user_id/email.

#include <memory>
#include <string>

#include "capture/byte_source.h"
#include "stampede/capture/capture_reader.h"

namespace stampede::capture {

std::unique_ptr<CaptureReader> makeK6Reader(std::unique_ptr<ByteSource> source, std::string file,
                                            const ReaderOptions& options);

// ISO 8601 with any fraction of a second (k6 writes nanoseconds) and a zone ("Z", "+02:00") as
// microseconds since the epoch; false if it is not one.
bool isoTimeUs(const std::string& text, std::int64_t& us);

}  // namespace stampede::capture
