#pragma once
// Connection profiles on the command line: --profile NAME fills --redis, --mysql or --kafka (and
// the MySQL password, from the keychain), and `stampede-cli profiles` manages them.

#include <string>

#include "cli_options.h"

namespace stampede::cli {

// Resolves every --profile into the options it stands for. False with `error` naming the profile
// or the file.
bool applyProfiles(CliOptions& options, std::string& error);

}  // namespace stampede::cli
