// `stampede-cli guards`: every guard of the engine's registry, one a line (name, family, what it
// needs, description), or as JSON with --json FILE|-.

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <cstdio>
#include <string>

#include "cli_commands.h"
#include "stampede/guards/guard_registry.h"

namespace stampede::cli {
namespace {

QString qs(std::string_view s) {
    return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size()));
}

QJsonObject guardsJson() {
    QJsonArray list;
    for (const guards::GuardInfo& g : guards::knownGuards()) {
        QJsonObject o;
        o[QStringLiteral("name")] = qs(g.name);
        o[QStringLiteral("family")] = qs(guards::toString(g.family));
        o[QStringLiteral("needs")] = qs(g.needs());
        o[QStringLiteral("description")] = qs(g.description);
        o[QStringLiteral("races_on_purpose")] = g.racesOnPurpose;
        o[QStringLiteral("decides_by_user")] = g.decidesByUser;
        list.append(o);
    }
    return {{QStringLiteral("guards"), list}};
}

std::string guardsText() {
    std::size_t nameWidth = 0, needsWidth = 0, familyWidth = 0;
    for (const guards::GuardInfo& g : guards::knownGuards()) {
        nameWidth = std::max(nameWidth, g.name.size());
        familyWidth = std::max(familyWidth, guards::toString(g.family).size());
        needsWidth = std::max(needsWidth, g.needs().size());
    }
    auto padded = [](std::string_view s, std::size_t width) {
        return std::string(s) + std::string(width - s.size() + 2, ' ');
    };
    std::string out;
    for (const guards::GuardInfo& g : guards::knownGuards()) {
        out += padded(g.name, nameWidth) + padded(guards::toString(g.family), familyWidth) +
               padded(g.needs(), needsWidth) + std::string(g.description);
        if (g.racesOnPurpose) out += " [races on purpose]";
        out += '\n';
    }
    return out;
}

}  // namespace

int guardsCommand(const CliOptions& o) {
    if (!o.positional.empty()) {
        std::fprintf(stderr,
                     "stampede-cli guards: unexpected argument '%s' (guards takes only "
                     "--json FILE|-)\n",
                     o.positional.front().c_str());
        return kExitBadInput;
    }
    if (!o.json || *o.json != "-") std::fputs(guardsText().c_str(), stdout);
    if (o.json) {
        std::string error;
        if (!writeOutput(*o.json, QJsonDocument(guardsJson()).toJson().toStdString(), error)) {
            std::fprintf(stderr, "stampede-cli: %s\n", error.c_str());
            return kExitInternal;
        }
    }
    return kExitOk;
}

}  // namespace stampede::cli
