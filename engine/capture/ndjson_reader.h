#pragma once
// The reader of Stampede's own NDJSON captures (what --record and `capture convert` write).

#include <memory>

#include "capture/byte_source.h"
#include "stampede/capture/capture_reader.h"

namespace stampede::capture {

std::unique_ptr<CaptureReader> makeNdjsonReader(std::unique_ptr<ByteSource> source,
                                                std::string file, const ReaderOptions& options);

}  // namespace stampede::capture
