// `stampede-cli lesson NAME|FILE`: the lesson's comparison, then each expected finding with ✓ or
// ✗. A finding that does not hold (or could not be checked) is said loudly and the exit status is
// 3, so a lesson never teaches something false.

#include <QJsonArray>
#include <QJsonDocument>

#include <cstdio>

#include "cli_commands.h"
#include "cli_compare.h"
#include "cli_signals.h"
#include "stampede/compare/comparison_json.h"
#include "stampede/compare/lesson.h"

namespace stampede::cli {
namespace {

constexpr int kExitFindingFailed = 3;

int listLessons() {
    for (const std::string& name : compare::shippedLessons()) {
        std::string error;
        const auto lesson = compare::findLesson(name, error);
        std::printf("%-28s %s\n", name.c_str(), lesson ? lesson->title.c_str() : error.c_str());
    }
    return kExitOk;
}

QJsonArray findingsJson(const std::vector<compare::FindingResult>& results) {
    QJsonArray out;
    for (const auto& r : results)
        out.append(QJsonObject{{QStringLiteral("finding"), QString::fromStdString(r.text)},
                               {QStringLiteral("holds"), r.holds},
                               {QStringLiteral("checked"), r.checked},
                               {QStringLiteral("detail"), QString::fromStdString(r.detail)}});
    return out;
}

}  // namespace

int lessonCommand(const CliOptions& o) {
    if (o.list) return listLessons();
    if (o.positional.size() != 1) {
        std::fprintf(stderr,
                     "stampede-cli lesson: expected one lesson NAME or FILE (--list shows the "
                     "shipped ones)\n");
        return kExitBadInput;
    }
    catchStopSignals();
    std::string error;
    const auto lesson = compare::findLesson(o.positional.front(), error);
    if (!lesson) {
        std::fprintf(stderr, "stampede-cli lesson: %s\n", error.c_str());
        return kExitBadInput;
    }
    compare::ComparisonSpec spec;
    if (!outputsCanBeWritten(o, "lesson") || !comparisonSystems(o, "lesson", spec))
        return kExitBadInput;
    spec.scenario = lesson->scenario;
    spec.lanes = lesson->lanes;
    spec.concurrent = o.concurrent || lesson->concurrent;
    const bool dataToStdout = (o.json && *o.json == "-") || (o.csv && *o.csv == "-");
    FILE* text = dataToStdout ? stderr : stdout;
    std::fprintf(text, "%s\n\n%s\n\n", lesson->title.c_str(), lesson->watch.c_str());
    std::fflush(text);
    const std::vector<compare::LaneResult> results = runComparison(spec, o.quiet);
    std::fputs(comparisonText(spec, results).c_str(), text);
    const auto findings = compare::checkFindings(lesson->findings, results);
    std::fputs("\nfindings\n", text);
    int failed = 0;
    for (const auto& f : findings) {
        failed += !f.holds;
        std::fprintf(text, "  %s %s   (%s)\n", f.holds ? "✓" : "✗", f.text.c_str(),
                     f.detail.c_str());
    }
    if (failed > 0)
        std::fprintf(stderr, "\nLESSON FAILED: %d of %zu findings %s; do not teach from this run\n",
                     failed, findings.size(), failed == 1 ? "does not hold" : "do not hold");
    if (!writeComparisonFiles(o, spec, results, lesson->title, error)) {
        std::fprintf(stderr, "stampede-cli: %s\n", error.c_str());
        return kExitInternal;
    }
    if (o.json) {
        QJsonObject json = compare::comparisonJson(spec, results, STAMPEDE_VERSION);
        json[QStringLiteral("lesson")] = QString::fromStdString(lesson->title);
        json[QStringLiteral("findings")] = findingsJson(findings);
        if (!writeOutput(*o.json, QJsonDocument(json).toJson().toStdString(), error)) {
            std::fprintf(stderr, "stampede-cli: %s\n", error.c_str());
            return kExitInternal;
        }
    }
    return failed > 0 ? kExitFindingFailed : kExitOk;
}

}  // namespace stampede::cli
