#pragma once
// Opening the store a subcommand names (--store URL, or the embedded default), with the CLI's
// exit codes: a bad URL or a store that cannot be opened is bad input (2), with the message.

#include <memory>

#include "cli_options.h"
#include "stampede/store/store.h"

namespace stampede::cli {

// The store of --store (default: the embedded SQLite file). Null after printing the error.
std::unique_ptr<store::Store> openStoreOrReport(const CliOptions& options,
                                                store::StoreUrl* url = nullptr);

}  // namespace stampede::cli
