#pragma once
// The live guards of the command line: redis-* against --redis (default redis://127.0.0.1:6379),
// mysql-* against --mysql. Shared by `run` and `worker`.

#include <optional>
#include <string>

#include "cli_options.h"
#include "engine.h"

namespace stampede::cli {

// Null with `error` naming the flag when --redis or --mysql is malformed.
std::optional<GuardFactory> liveGuardFactory(const CliOptions& options, std::string& error);

}  // namespace stampede::cli
