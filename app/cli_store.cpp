#include "cli_store.h"

#include <cstdio>

#include "cli_live.h"

namespace stampede::cli {

std::unique_ptr<store::Store> openStoreOrReport(const CliOptions& o, store::StoreUrl* urlOut) {
    const auto systems = liveSystemsOrReport(o, o.command.c_str());
    if (!systems) return nullptr;
    const store::StoreUrl url = systems->store.value_or(store::defaultStoreUrl());
    std::string error;
    auto opened = store::Store::open(url, error);
    if (!opened) {
        std::fprintf(stderr, "stampede-cli: store: %s\n", error.c_str());
        return nullptr;
    }
    if (urlOut) *urlOut = url;
    return opened;
}

}  // namespace stampede::cli
