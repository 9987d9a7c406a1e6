#pragma once
// The reader of GoReplay's file output (.gor, .gor.gz): payloads of a header line
// "TYPE ID TIMESTAMP_NS LATENCY" (1 request, 2 original response, 3 replayed response), the raw
// HTTP message, and a line of the three monkey emoji between payloads. Requests become records
// through request_mapping.h; responses are counted and skipped.

#include <memory>
#include <string>

#include "capture/byte_source.h"
#include "stampede/capture/capture_reader.h"

namespace stampede::capture {

std::unique_ptr<CaptureReader> makeGorReader(std::unique_ptr<ByteSource> source, std::string file,
                                             const ReaderOptions& options);

// GoReplay's payload separator line, without its line ends.
inline constexpr std::string_view kGorSeparator =
    "\xF0\x9F\x90\xB5\xF0\x9F\x99\x88\xF0\x9F\x99\x89";

}  // namespace stampede::capture
