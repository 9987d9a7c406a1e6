#pragma once
// The reader of HAR 1.2 files (a browser's DevTools "Save all as HAR"): log.entries[], each an
// HTTP request (method, url, headers, optional postData.text) with its startedDateTime. A HAR is
// one JSON document, so it is streamed: the scanner finds the entries array and hands one entry
// at a time (at most 16 MiB) to the JSON parser; the rest of the file is never held.

#include <memory>
#include <string>

#include "capture/byte_source.h"
#include "stampede/capture/capture_reader.h"

namespace stampede::capture {

std::unique_ptr<CaptureReader> makeHarReader(std::unique_ptr<ByteSource> source, std::string file,
                                             const ReaderOptions& options);

}  // namespace stampede::capture
