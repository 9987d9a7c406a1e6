#include "cli_store.h"

#include <cstdio>

namespace stampede::cli {

std::unique_ptr<store::Store> openStoreOrReport(const CliOptions& o, store::StoreUrl* urlOut) {
    store::StoreUrl url = store::defaultStoreUrl();
    if (o.store) {
        std::string error;
        const auto parsed = store::parseStoreUrl(*o.store, error);
        if (!parsed) {
            std::fprintf(stderr, "stampede-cli: --store: %s\n", error.c_str());
            return nullptr;
        }
        url = *parsed;
    }
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
