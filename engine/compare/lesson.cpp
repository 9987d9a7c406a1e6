#include "stampede/compare/lesson.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "stampede/report/summary_json.h"

namespace stampede::compare {
namespace {

const QString kShipped = QStringLiteral(":/simulations/lessons");

std::optional<CompareOp> parseOp(const QString& op) {
    if (op == QLatin1String("<")) return CompareOp::Less;
    if (op == QLatin1String("<=")) return CompareOp::LessOrEqual;
    if (op == QLatin1String(">")) return CompareOp::Greater;
    if (op == QLatin1String(">=")) return CompareOp::GreaterOrEqual;
    if (op == QLatin1String("==")) return CompareOp::Equal;
    if (op == QLatin1String("!=")) return CompareOp::NotEqual;
    return std::nullopt;
}

const char* opText(CompareOp op) {
    switch (op) {
        case CompareOp::Less:
            return "<";
        case CompareOp::LessOrEqual:
            return "<=";
        case CompareOp::Greater:
            return ">";
        case CompareOp::GreaterOrEqual:
            return ">=";
        case CompareOp::Equal:
            return "==";
        case CompareOp::NotEqual:
            return "!=";
    }
    return "?";
}

bool holds(double left, CompareOp op, double right) {
    switch (op) {
        case CompareOp::Less:
            return left < right;
        case CompareOp::LessOrEqual:
            return left <= right;
        case CompareOp::Greater:
            return left > right;
        case CompareOp::GreaterOrEqual:
            return left >= right;
        case CompareOp::Equal:
            return left == right;
        case CompareOp::NotEqual:
            return left != right;
    }
    return false;
}

// The value at a dotted path of a summary: a number (booleans as 0/1) or a string.
std::optional<QJsonValue> valueAt(const QJsonObject& summary, const std::string& metric) {
    QJsonValue at = summary;
    for (const QString& part : QString::fromStdString(metric).split(QLatin1Char('.'))) {
        bool isIndex = false;
        const int index = part.toInt(&isIndex);
        if (isIndex && at.isArray()) {
            const QJsonArray array = at.toArray();
            if (index < 0 || index >= array.size()) return std::nullopt;
            at = array.at(index);
        } else if (at.isObject() && at.toObject().contains(part)) {
            at = at.toObject().value(part);
        } else {
            return std::nullopt;
        }
    }
    if (at.isDouble() || at.isString()) return at;
    if (at.isBool()) return QJsonValue(at.toBool() ? 1.0 : 0.0);
    return std::nullopt;
}

std::optional<double> numberAt(const QJsonObject& summary, const std::string& metric) {
    const auto v = valueAt(summary, metric);
    if (!v || !v->isDouble()) return std::nullopt;
    return v->toDouble();
}

std::string shortText(const QJsonValue& v) {
    const std::string s = v.toString().toStdString();
    return s.size() > 12 ? s.substr(0, 12) + "…" : s;
}

// A summary with every optional section present, to check metric names against.
const QJsonObject& fullSummary() {
    static const QJsonObject summary = [] {
        Snapshot s;
        s.backend.kind = "x";
        s.transport.kind = "x";
        s.campaigns.resize(1);
        return report::summaryJson(s);
    }();
    return summary;
}

std::string number(double v) {
    char text[64];
    if (v == std::floor(v) && std::fabs(v) < 1e15)
        std::snprintf(text, sizeof text, "%.0f", v);
    else
        std::snprintf(text, sizeof text, "%.3g", v);
    return text;
}

std::string fieldError(const std::string& path, const std::string& field, const std::string& why) {
    return path + ": " + field + ": " + why;
}

// The scenario of a lesson: an object inline, or a file (relative to the lesson's folder).
std::optional<sim::Scenario> lessonScenario(const QJsonValue& value, const std::string& path,
                                            std::string& error) {
    sim::ScenarioLoad load;
    if (value.isObject()) {
        load = sim::parseScenario(QJsonDocument(value.toObject()).toJson().toStdString(),
                                  path + ": scenario");
    } else if (value.isString()) {
        // An absolute path stands as written; a relative one is from the lesson's folder.
        const QString file = QDir::cleanPath(
            QDir(QFileInfo(QString::fromStdString(path)).path()).filePath(value.toString()));
        QFile f(file);
        if (!f.open(QIODevice::ReadOnly)) {
            error = fieldError(path, "scenario", "cannot read '" + file.toStdString() + "'");
            return std::nullopt;
        }
        load = sim::parseScenario(f.readAll().toStdString(), file.toStdString());
    } else {
        error = fieldError(path, "scenario", "expected a scenario object or a file name");
        return std::nullopt;
    }
    if (!load.ok()) {
        error = load.error.toString();
        return std::nullopt;
    }
    return *load.scenario;
}

std::optional<std::string> text(const QJsonObject& o, const char* key, const std::string& path,
                                std::string& error) {
    const QJsonValue v = o.value(QLatin1String(key));
    if (!v.isString() || v.toString().trimmed().isEmpty()) {
        error = fieldError(path, key, "expected a non-empty string");
        return std::nullopt;
    }
    return v.toString().toStdString();
}

bool readLanes(const QJsonObject& o, const std::string& path, Lesson& lesson, std::string& error) {
    const QJsonArray lanes = o.value(QLatin1String("lanes")).toArray();
    for (qsizetype i = 0; i < lanes.size(); ++i) {
        const std::string field = "lanes[" + std::to_string(i) + "]";
        if (!lanes[i].isString()) {
            error = fieldError(path, field, "expected \"KEY=VALUE,…\"");
            return false;
        }
        std::string why;
        auto lane = parseLane(lanes[i].toString().toStdString(), why);
        if (!lane) {
            error = fieldError(path, field, why);
            return false;
        }
        lesson.lanes.push_back(std::move(*lane));
    }
    if (lesson.lanes.size() < std::size_t(kMinLanes) ||
        lesson.lanes.size() > std::size_t(kMaxLanes)) {
        error = fieldError(path, "lanes",
                           "a lesson has " + std::to_string(kMinLanes) + " to " +
                               std::to_string(kMaxLanes) + " lanes, this one " +
                               std::to_string(lesson.lanes.size()));
        return false;
    }
    return true;
}

bool readFindings(const QJsonObject& o, const std::string& path, Lesson& lesson,
                  std::string& error) {
    const QJsonArray findings = o.value(QLatin1String("findings")).toArray();
    if (findings.isEmpty()) {
        error = fieldError(path, "findings", "a lesson checks at least one finding");
        return false;
    }
    const std::vector<std::string> labels = uniqueLabels(lesson.lanes);
    const auto known = [&labels](const std::string& lane) {
        return lane == "*" || std::find(labels.begin(), labels.end(), lane) != labels.end();
    };
    for (qsizetype i = 0; i < findings.size(); ++i) {
        const std::string field = "findings[" + std::to_string(i) + "]";
        std::string why;
        auto finding = parseFinding(findings[i].toString().toStdString(), why);
        if (!finding) {
            error = fieldError(path, field, why);
            return false;
        }
        for (const std::string& lane : {finding->lane, finding->otherLane})
            if (!lane.empty() && !known(lane)) {
                std::string all;
                for (const std::string& l : labels) all += (all.empty() ? "" : ", ") + l;
                error = fieldError(path, field,
                                   "no lane is called '" + lane + "' (lanes: " + all + ")");
                return false;
            }
        lesson.findings.push_back(std::move(*finding));
    }
    return true;
}

}  // namespace

bool isSummaryMetric(const std::string& metric) {
    // Any campaign index names what the first campaign has.
    QStringList parts = QString::fromStdString(metric).split(QLatin1Char('.'));
    for (QString& part : parts) {
        bool isIndex = false;
        if (part.toInt(&isIndex) >= 0 && isIndex) part = QStringLiteral("0");
    }
    return valueAt(fullSummary(), parts.join(QLatin1Char('.')).toStdString()).has_value();
}

std::optional<Finding> parseFinding(const std::string& text, std::string& error) {
    static const QRegularExpression shape(
        QStringLiteral(R"(^\s*([^:]+?)\s*:\s*([A-Za-z0-9_.]+)\s*(>=|<=|==|!=|>|<)\s*(.+?)\s*$)"));
    static const QRegularExpression multiple(
        QStringLiteral(R"(^([0-9]+(?:\.[0-9]+)?)\s*(?:×|\*|x)\s*(.+)$)"));
    const QRegularExpressionMatch m = shape.match(QString::fromStdString(text));
    if (!m.hasMatch()) {
        error = "'" + text + "' is not \"LANE: VALUE OP NUMBER\" or \"LANE: VALUE OP [N ×] LANE\"";
        return std::nullopt;
    }
    Finding f;
    f.text = text;
    f.lane = m.captured(1).toStdString();
    f.metric = m.captured(2).toStdString();
    f.op = *parseOp(m.captured(3));
    if (!isSummaryMetric(f.metric)) {
        error = "'" + f.metric +
                "' is not a value of the run summary (for example over_issued, "
                "throughput_rps, latency_ms.e2e.p95, backend.pool.waiting_peak)";
        return std::nullopt;
    }
    const QString right = m.captured(4);
    bool isNumber = false;
    f.value = right.toDouble(&isNumber);
    if (isNumber) return f;
    if (const QRegularExpressionMatch times = multiple.match(right); times.hasMatch()) {
        f.value = times.captured(1).toDouble();
        f.otherLane = times.captured(2).trimmed().toStdString();
    } else {
        f.value = 1;
        f.otherLane = right.toStdString();
    }
    if (f.otherLane == "*") {
        error = "'" + text + "': '*' stands only on the left";
        return std::nullopt;
    }
    return f;
}

std::optional<Lesson> loadLesson(const std::string& path, std::string& error) {
    QFile file(QString::fromStdString(path));
    if (!file.open(QIODevice::ReadOnly)) {
        error = path + ": cannot read it (" + file.errorString().toStdString() + ")";
        return std::nullopt;
    }
    QJsonParseError parse;
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &parse);
    if (parse.error != QJsonParseError::NoError || !doc.isObject()) {
        error = path + ": not a JSON object (" + parse.errorString().toStdString() + " at byte " +
                std::to_string(parse.offset) + ")";
        return std::nullopt;
    }
    const QJsonObject o = doc.object();
    Lesson lesson;
    lesson.path = path;
    auto title = text(o, "title", path, error);
    if (!title) return std::nullopt;
    auto watch = text(o, "watch", path, error);
    if (!watch) return std::nullopt;
    lesson.title = std::move(*title);
    lesson.watch = std::move(*watch);
    auto scenario = lessonScenario(o.value(QLatin1String("scenario")), path, error);
    if (!scenario) return std::nullopt;
    lesson.scenario = std::move(*scenario);
    lesson.concurrent = o.value(QLatin1String("concurrent")).toBool(false);
    if (!readLanes(o, path, lesson, error) || !readFindings(o, path, lesson, error))
        return std::nullopt;
    ComparisonSpec spec;
    spec.scenario = lesson.scenario;
    spec.lanes = lesson.lanes;
    if (std::string why = validate(spec); !why.empty()) {
        error = path + ": " + why;
        return std::nullopt;
    }
    return lesson;
}

std::vector<std::string> shippedLessons() {
    std::vector<std::string> names;
    for (const QString& f :
         QDir(kShipped).entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name))
        names.push_back(f.chopped(5).toStdString());
    return names;
}

std::optional<Lesson> findLesson(const std::string& nameOrPath, std::string& error) {
    if (QFileInfo::exists(QString::fromStdString(nameOrPath))) return loadLesson(nameOrPath, error);
    const QString shipped =
        kShipped + QLatin1Char('/') + QString::fromStdString(nameOrPath) + QStringLiteral(".json");
    if (QFileInfo::exists(shipped)) return loadLesson(shipped.toStdString(), error);
    std::string names;
    for (const std::string& n : shippedLessons()) names += (names.empty() ? "" : ", ") + n;
    error = "no lesson file or shipped lesson called '" + nameOrPath + "' (shipped: " + names + ")";
    return std::nullopt;
}

std::vector<FindingResult> checkFindings(const std::vector<Finding>& findings,
                                         const std::vector<LaneResult>& lanes) {
    std::vector<std::pair<std::string, QJsonObject>> summaries;  // the lanes that ran
    std::vector<std::pair<std::string, std::string>> skipped;
    for (const LaneResult& lane : lanes) {
        if (lane.status == LaneStatus::Done && lane.snapshot)
            summaries.emplace_back(lane.label, report::summaryJson(*lane.snapshot));
        else
            skipped.emplace_back(lane.label, lane.status == LaneStatus::Skipped
                                                 ? lane.skipped
                                                 : std::string("it did not run"));
    }
    const auto summaryOf = [&](const std::string& label) -> const QJsonObject* {
        for (const auto& [l, s] : summaries)
            if (l == label) return &s;
        return nullptr;
    };
    const auto whySkipped = [&](const std::string& label) {
        for (const auto& [l, why] : skipped)
            if (l == label) return "lane " + l + " was skipped: " + why;
        return "no lane is called '" + label + "'";
    };
    std::vector<FindingResult> out;
    for (const Finding& f : findings) {
        FindingResult r{f.text, false, false, {}};
        double right = f.value;
        std::string rightText = number(f.value);
        std::optional<QJsonValue> rightString;  // a text value (winners_sha256): == and != only
        if (!f.otherLane.empty()) {
            const QJsonObject* other = summaryOf(f.otherLane);
            if (!other) {
                r.detail = whySkipped(f.otherLane);
                out.push_back(std::move(r));
                continue;
            }
            if (const auto v = valueAt(*other, f.metric); v && v->isString()) {
                rightString = *v;
                rightText = shortText(*v);
            }
            const double v = numberAt(*other, f.metric).value_or(0);
            right = f.value * v;
            if (!rightString)
                rightText = f.value == 1
                                ? number(v)
                                : number(f.value) + " × " + number(v) + " = " + number(right);
        }
        // "*" is every lane: one that was skipped leaves the finding unchecked.
        std::vector<std::string> targets;
        if (f.lane == "*")
            for (const LaneResult& lane : lanes) targets.push_back(lane.label);
        else
            targets.push_back(f.lane);
        r.checked = true;
        r.holds = true;
        std::vector<std::string> parts;
        for (const std::string& lane : targets) {
            const QJsonObject* summary = summaryOf(lane);
            if (!summary) {
                parts.push_back(whySkipped(lane));
                r.checked = false;
                continue;
            }
            if (rightString) {
                const QJsonValue left = valueAt(*summary, f.metric).value_or(QJsonValue());
                const bool equal = left == *rightString;
                r.holds = r.holds && (f.op == CompareOp::Equal      ? equal
                                      : f.op == CompareOp::NotEqual ? !equal
                                                                    : false);
                parts.push_back(lane + " " + f.metric + " " + shortText(left) + " " + opText(f.op) +
                                " " + rightText);
                continue;
            }
            const double left = numberAt(*summary, f.metric).value_or(0);
            r.holds = r.holds && holds(left, f.op, right);
            parts.push_back(lane + " " + f.metric + " " + number(left) + " " + opText(f.op) + " " +
                            rightText);
        }
        r.holds = r.holds && r.checked;
        for (const std::string& part : parts) r.detail += (r.detail.empty() ? "" : "; ") + part;
        out.push_back(std::move(r));
    }
    return out;
}

}  // namespace stampede::compare
