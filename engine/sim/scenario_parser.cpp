// Reading scenario files. The format is a stable contract (simulations/README.md): every key is
// checked, unknown keys are errors, and the first problem is reported with its field path.

#include <QByteArray>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonParseError>

#include <algorithm>
#include <cstdint>
#include <utility>

#include "sim/json_fields.h"
#include "sim/scenario_sections.h"
#include "stampede/sim/scenario.h"

namespace stampede::sim {
namespace {

std::string inQuotes(const std::string& text) {
    return "\"" + text + "\"";
}

std::string defaultName(std::string_view sourceName) {
    if (sourceName.empty() || sourceName.front() == '<') return "unnamed";
    const QFileInfo info(QString::fromUtf8(sourceName.data(), std::ssize(sourceName)));
    const std::string base = info.completeBaseName().toStdString();
    return base.empty() ? "unnamed" : base;
}

ScenarioLoad failure(ScenarioError error) {
    ScenarioLoad load;
    load.error = std::move(error);
    return load;
}

ScenarioLoad syntaxError(std::string source, std::string_view text, std::size_t offset,
                         std::string message) {
    const json::TextPosition pos = json::positionAt(text, offset);
    return failure({std::move(source), pos.line, pos.column, {}, std::move(message)});
}

// Qt reports a missing ',' between two members as an "unterminated object" inside the next
// key. Where the parser stopped in a token that follows a complete value across white space,
// the comma is what is missing: returns the offset just after that value, where it belongs.
std::optional<std::size_t> missingCommaAt(std::string_view text, std::size_t offset) {
    const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
    const auto structural = [](char c) { return c == ',' || c == '{' || c == '[' || c == ':'; };
    std::size_t i = std::min(offset, text.size());
    while (i > 0 && !space(text[i - 1]) && !structural(text[i - 1])) --i;  // the token's start
    const std::size_t tokenStart = i;
    // The token must start a value (a key is a string): "@" after a value is another mistake.
    if (tokenStart >= text.size() ||
        std::string_view("\"-0123456789{[tfn").find(text[tokenStart]) == std::string_view::npos)
        return std::nullopt;
    while (i > 0 && space(text[i - 1])) --i;
    if (i == 0 || i == tokenStart || structural(text[i - 1])) return std::nullopt;
    return i;
}

std::string tooLarge(std::int64_t size) {
    return "too large (" + std::to_string(size) + " bytes; the limit is " +
           std::to_string(kMaxScenarioBytes) + ")";
}

}  // namespace

std::string_view toString(Profile profile) {
    switch (profile) {
        case Profile::Spike:
            return "spike";
        case Profile::Ramp:
            return "ramp";
        case Profile::Constant:
            return "constant";
        case Profile::Poisson:
            return "poisson";
    }
    return "spike";
}

std::optional<Profile> parseProfile(std::string_view text) {
    for (Profile p : {Profile::Spike, Profile::Ramp, Profile::Constant, Profile::Poisson})
        if (toString(p) == text) return p;
    return std::nullopt;
}

int Scenario::campaignIndex(std::string_view id) const {
    for (std::size_t i = 0; i < campaigns.size(); ++i)
        if (campaigns[i].id == id) return static_cast<int>(i);
    return -1;
}

std::string ScenarioError::toString() const {
    std::string out = source.empty() ? std::string("<scenario>") : source;
    if (line > 0) out += ":" + std::to_string(line) + ":" + std::to_string(column);
    out += ": ";
    if (!field.empty()) out += field + ": ";
    return out + message;
}

ScenarioLoad parseScenario(std::string_view text, std::string_view sourceName) {
    std::string source(sourceName.empty() ? std::string_view("<scenario>") : sourceName);
    if (std::ssize(text) > kMaxScenarioBytes)
        return failure({source, 0, 0, {}, "input " + tooLarge(std::ssize(text))});
    if (text.find_first_not_of(" \t\r\n") == std::string_view::npos)
        return failure({source, 0, 0, {}, "empty input: expected a JSON object"});

    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(
        QByteArray::fromRawData(text.data(), std::ssize(text)), &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        const auto offset = static_cast<std::size_t>(std::max(0, parseError.offset));
        if (parseError.error == QJsonParseError::UnterminatedObject ||
            parseError.error == QJsonParseError::UnterminatedArray)
            if (const auto comma = missingCommaAt(text, offset))
                return syntaxError(source, text, *comma,
                                   "JSON syntax error: missing ',' after this value");
        return syntaxError(source, text, offset,
                           "JSON syntax error: " + parseError.errorString().toStdString());
    }
    if (!doc.isObject()) {
        const std::string got = doc.isArray() ? "an array" : "a single value";
        return failure({source, 0, 0, {}, "the top level must be a JSON object, got " + got});
    }
    Scenario s;
    s.name = defaultName(sourceName);
    json::FieldErrors errors;
    json::ObjectReader top(
        doc.object(), "", errors,
        {"name", "description", "seed", "campaigns", "arrivals", "clients", "faults", "run"});
    top.string("name", s.name);
    top.string("description", s.description);
    std::int64_t seed = 0;
    if (top.integer("seed", seed, {0, INT64_MAX})) s.seed = static_cast<std::uint64_t>(seed);
    QJsonArray array;
    if (top.array("campaigns", array, json::Need::Required))
        detail::parseCampaigns(array, errors, s);
    if (top.array("arrivals", array)) detail::parseArrivals(array, errors, s);
    QJsonObject object;
    if (top.object("clients", object)) detail::parseClients(object, errors, s.clients);
    if (top.object("faults", object)) detail::parseFaults(object, errors, s.faults);
    if (top.object("run", object)) detail::parseRun(object, errors, s.run);
    if (!errors.failed()) detail::checkLimits(s, errors);

    if (errors.failed()) return failure({source, 0, 0, *errors.field, errors.message});
    // Only now: the scan is linear per object, which validated objects keep small.
    if (const auto dup = json::findDuplicateKey(text))
        return syntaxError(source, text, dup->offset, "duplicate key " + inQuotes(dup->key));
    ScenarioLoad load;
    load.scenario = std::move(s);
    return load;
}

ScenarioLoad loadScenarioFile(const std::string& path) {
    const QString qpath = QString::fromStdString(path);
    const QFileInfo info(qpath);
    if (!info.exists()) return failure({path, 0, 0, {}, "cannot open: no such file"});
    if (info.isDir()) return failure({path, 0, 0, {}, "cannot open: it is a directory"});
    // Refused from its size alone, before reading anything.
    if (info.size() > kMaxScenarioBytes)
        return failure({path, 0, 0, {}, "file " + tooLarge(info.size())});
    QFile file(qpath);
    if (!file.open(QIODevice::ReadOnly))
        return failure({path, 0, 0, {}, "cannot open: " + file.errorString().toStdString()});
    // Devices and pipes report size 0, so the read itself is bounded too.
    const QByteArray bytes = file.read(kMaxScenarioBytes + 1);
    if (file.error() != QFileDevice::NoError)
        return failure({path, 0, 0, {}, "cannot read: " + file.errorString().toStdString()});
    if (bytes.size() > kMaxScenarioBytes)
        return failure({path, 0, 0, {}, "file " + tooLarge(bytes.size())});
    return parseScenario(
        std::string_view(bytes.constData(), static_cast<std::size_t>(bytes.size())), path);
}

}  // namespace stampede::sim
