#include "cli_store.h"

#include <QFileInfo>

#include <cstdio>

#include "cli_live.h"

namespace stampede::cli {

std::unique_ptr<store::Store> openStoreOrReport(const CliOptions& o, store::StoreUrl* urlOut,
                                                StoreAccess access) {
    const auto systems = liveSystemsOrReport(o, o.command.c_str());
    if (!systems) return nullptr;
    const store::StoreUrl url = systems->store.value_or(store::defaultStoreUrl());
    if (access == StoreAccess::MustExist && url.kind == store::StoreUrl::Kind::Sqlite &&
        !QFileInfo(QString::fromStdString(url.path)).isFile()) {
        std::fprintf(stderr,
                     "stampede-cli %s: store: %s does not exist (nothing was created; a run with "
                     "--store %s makes it)\n",
                     o.command.c_str(), url.path.c_str(), url.toString().c_str());
        return nullptr;
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
