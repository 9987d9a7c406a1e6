#pragma once
// Opening the store a subcommand names (--store URL, or the embedded default), with the CLI's
// exit codes: a bad URL or a store that cannot be opened is bad input (2), with the message.

#include <memory>

#include "cli_options.h"
#include "stampede/store/store.h"

namespace stampede::cli {

// Whether the command may bring a store into being: a run may; listing, exporting, aggregating
// and replaying read what a run left, so a SQLite file that is not there is an error for them
// (opening it would create its folders and an empty database, and answer "0 pending").
enum class StoreAccess { MayCreate, MustExist };

// The store of --store (default: the embedded SQLite file). Null after printing the error.
std::unique_ptr<store::Store> openStoreOrReport(const CliOptions& options,
                                                store::StoreUrl* url = nullptr,
                                                StoreAccess access = StoreAccess::MustExist);

}  // namespace stampede::cli
