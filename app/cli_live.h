#pragma once
// The command line's live systems: --redis, --mysql, --kafka and its settings, --store and
// --profile become one live::LiveSystems (passwords from STAMPEDE_*_PASSWORD or the keychain,
// never from a flag). Shared by every subcommand that reaches a live system.

#include <optional>

#include "cli_options.h"
#include "stampede/live/live_systems.h"

namespace stampede::cli {

// nullopt after printing the error, prefixed with "stampede-cli COMMAND: ".
std::optional<live::LiveSystems> liveSystemsOrReport(const CliOptions& options,
                                                     const char* command);

}  // namespace stampede::cli
