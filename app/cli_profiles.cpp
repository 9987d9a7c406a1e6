// `stampede-cli profiles list|test|set-password|delete-password` and --profile NAME.

#include "cli_commands.h"

#include <cstdio>
#include <iostream>

#include "cli_commands.h"
#include "stampede/profiles/connection_check.h"
#include "stampede/profiles/keychain.h"

namespace stampede::cli {

namespace {
QString profilesPath(const CliOptions& o) {
    return o.profilesFile ? QString::fromStdString(*o.profilesFile)
                          : profiles::defaultProfilesPath();
}
}  // namespace

int profilesCommand(const CliOptions& o) {
    std::string error;
    const QString path = profilesPath(o);
    const auto all = profiles::loadProfiles(path, error);
    if (!all) {
        std::fprintf(stderr, "stampede-cli profiles: %s\n", error.c_str());
        return kExitBadInput;
    }
    const std::string action = o.positional.empty() ? "list" : o.positional.front();
    if (action == "list") {
        if (all->empty()) std::printf("no profiles in %s\n", path.toStdString().c_str());
        for (const auto& p : *all) {
            std::string why;
            const auto password = profiles::readPassword(p, why);
            std::printf("%-16s %-6s %s%s  password: %s\n", p.name.c_str(),
                        std::string(profiles::toString(p.kind)).c_str(), p.url().c_str(),
                        p.tls ? " (TLS)" : "",
                        password      ? "in the keychain"
                        : why.empty() ? "none"
                                      : why.c_str());
        }
        return kExitOk;
    }
    if (o.positional.size() < 2) {
        std::fprintf(stderr, "stampede-cli profiles %s: which profile? (NAME)\n", action.c_str());
        return kExitBadInput;
    }
    const profiles::ConnectionProfile* p = profiles::findProfile(*all, o.positional[1]);
    if (!p) {
        std::fprintf(stderr, "stampede-cli profiles: no profile '%s' in %s\n",
                     o.positional[1].c_str(), path.toStdString().c_str());
        return kExitBadInput;
    }
    if (action == "test") {
        const auto password = profiles::readPassword(*p, error);
        if (!error.empty()) std::fprintf(stderr, "note: %s\n", error.c_str());
        const profiles::CheckResult r =
            profiles::checkConnection(*p, password ? password->toStdString() : std::string());
        std::printf("%s: %s\n", p->name.c_str(), r.words.c_str());
        return r.ok ? kExitOk : kExitInternal;
    }
    if (action == "set-password") {
        std::string password;
        std::getline(std::cin, password);
        if (!profiles::storePassword(*p, QString::fromStdString(password), error)) {
            std::fprintf(stderr, "stampede-cli profiles: %s\n", error.c_str());
            return kExitInternal;
        }
        std::printf("%s: password stored in the system keychain\n", p->name.c_str());
        return kExitOk;
    }
    if (action == "delete-password") {
        if (!profiles::deletePassword(*p, error)) {
            std::fprintf(stderr, "stampede-cli profiles: %s\n", error.c_str());
            return kExitInternal;
        }
        return kExitOk;
    }
    std::fprintf(stderr,
                 "stampede-cli profiles: unknown action '%s' (list, test, set-password, "
                 "delete-password)\n",
                 action.c_str());
    return kExitBadInput;
}

}  // namespace stampede::cli
