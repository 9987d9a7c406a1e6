#pragma once
// The command line's capture options, turned into the capture library's values: --format and
// --on-error for readers, --record-max-bytes and --anonymise for writers. Shared by run, capture
// and replay.

#include <optional>
#include <string>

#include "cli_options.h"
#include "stampede/capture/capture_reader.h"
#include "stampede/capture/capture_writer.h"

namespace stampede::cli {

// nullopt with `error` naming the flag.
std::optional<capture::ReaderOptions> readerOptionsFrom(const CliOptions& options,
                                                        std::string& error);
capture::WriterOptions writerOptionsFrom(const CliOptions& options, const std::string& source);

}  // namespace stampede::cli
