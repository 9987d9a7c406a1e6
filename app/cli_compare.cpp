// `stampede-cli compare SCENARIO`: the lanes from the lists' cross product or the --lane's, run
// one after another (or --concurrent), then the table and, with --json, {"lanes": [SUMMARY, …]}.

#include <QJsonDocument>

#include <cstdio>

#include "cli_commands.h"
#include "cli_compare.h"
#include "cli_live.h"
#include "cli_signals.h"
#include "stampede/compare/comparison_json.h"
#include "stampede/compare/comparison_pdf.h"
#include "stampede/compare/comparison_report.h"

namespace stampede::cli {
namespace {

std::vector<std::string> listOf(const std::optional<std::string>& text) {
    std::vector<std::string> out;
    if (!text) return out;
    std::size_t from = 0;
    for (;;) {
        const std::size_t comma = text->find(',', from);
        out.push_back(text->substr(from, comma - from));
        if (comma == std::string::npos) return out;
        from = comma + 1;
    }
}

std::optional<std::vector<compare::LaneConfig>> lanesOf(const CliOptions& o, std::string& error) {
    const bool lists = o.guardList || o.pipelineList || o.transportList || o.workerList ||
                       o.partitionList || o.paceList;
    if (!o.lanes.empty()) {
        if (lists) {
            error = "--lane and the lists (--guards, --pipelines, …) are exclusive";
            return std::nullopt;
        }
        std::vector<compare::LaneConfig> lanes;
        for (const std::string& text : o.lanes) {
            std::string why;
            auto lane = compare::parseLane(text, why);
            if (!lane) {
                error = "--lane '" + text + "': " + why;
                return std::nullopt;
            }
            lanes.push_back(std::move(*lane));
        }
        return lanes;
    }
    if (!lists) {
        error =
            "no lanes: give --guards G1,G2,… (or --pipelines, --transports, --workers, "
            "--partitions, --pace), or --lane KEY=VALUE,… at least twice";
        return std::nullopt;
    }
    compare::LaneLists l;
    l.guards = listOf(o.guardList);
    l.pipelines = listOf(o.pipelineList);
    l.transports = listOf(o.transportList);
    l.workers = listOf(o.workerList);
    l.partitions = listOf(o.partitionList);
    l.paces = listOf(o.paceList);
    return compare::crossProduct(l, error);
}

void printProgress(const std::vector<compare::LaneResult>& lanes) {
    std::string line;
    for (const compare::LaneResult& lane : lanes) {
        if (lane.status != compare::LaneStatus::Running || !lane.snapshot) continue;
        const Snapshot& s = *lane.snapshot;
        char part[160];
        std::snprintf(part, sizeof part, "%s %.1f s fed %lld/%lld issued %lld/%lld  ",
                      lane.label.c_str(), s.elapsedS, static_cast<long long>(s.arrivalsFed),
                      static_cast<long long>(s.arrivalsTotal), static_cast<long long>(s.issued),
                      static_cast<long long>(s.stock));
        line += part;
    }
    int done = 0;
    for (const compare::LaneResult& lane : lanes)
        done +=
            lane.status == compare::LaneStatus::Done || lane.status == compare::LaneStatus::Skipped;
    std::fprintf(stderr, "\r[%d/%zu] %-100.100s", done, lanes.size(), line.c_str());
}

}  // namespace

bool comparisonSystems(const CliOptions& o, const char* command, compare::ComparisonSpec& spec) {
    const auto systems = liveSystemsOrReport(o, command);
    if (!systems) return false;
    spec.systems = *systems;
    if (o.giveUpAfter)
        spec.outageBound = std::chrono::milliseconds(std::int64_t(*o.giveUpAfter * 1000));
    return true;
}

std::vector<compare::LaneResult> runComparison(const compare::ComparisonSpec& spec, bool quiet) {
    compare::Comparison comparison(spec);
    comparison.start();
    bool stopping = false;
    while (!comparison.waitForEnd(std::chrono::milliseconds(250))) {
        if (stopSignalled().load() && !stopping) {
            std::fprintf(stderr, "\nstopping: the running lanes drain, the others are skipped\n");
            comparison.stop();
            stopping = true;
        }
        if (!quiet) printProgress(comparison.lanes());
    }
    if (!quiet) std::fprintf(stderr, "\r%120s\r", "");
    return comparison.lanes();
}

bool writeComparisonFiles(const CliOptions& o, const compare::ComparisonSpec& spec,
                          const std::vector<compare::LaneResult>& results, const std::string& title,
                          std::string& error) {
    if (o.csv && !writeOutput(*o.csv, compare::tableCsv(compare::comparisonTable(results)), error))
        return false;
    if (o.report &&
        !writeOutput(*o.report, compare::comparisonHtml(spec, results, STAMPEDE_VERSION, title),
                     error))
        return false;
    return !o.pdf ||
           compare::writeComparisonPdf(*o.pdf, spec, results, STAMPEDE_VERSION, title, error);
}

int compareCommand(const CliOptions& o) {
    catchStopSignals();
    compare::ComparisonSpec spec;
    if (!outputsCanBeWritten(o, "compare") || !comparisonSystems(o, "compare", spec))
        return kExitBadInput;
    const sim::ScenarioLoad load = sim::loadScenarioFile(o.positional.front());
    if (!load.ok()) {
        std::fprintf(stderr, "stampede-cli: %s\n", load.error.toString().c_str());
        return kExitBadInput;
    }
    spec.scenario = *load.scenario;
    if (o.seed) spec.scenario.seed = static_cast<std::uint64_t>(*o.seed);
    spec.concurrent = o.concurrent;
    std::string error;
    auto lanes = lanesOf(o, error);
    if (!lanes) {
        std::fprintf(stderr, "stampede-cli compare: %s\n", error.c_str());
        return kExitBadInput;
    }
    spec.lanes = std::move(*lanes);
    if (std::string why = compare::validate(spec); !why.empty()) {
        std::fprintf(stderr, "stampede-cli compare: %s\n", why.c_str());
        return kExitBadInput;
    }
    const std::vector<compare::LaneResult> results = runComparison(spec, o.quiet);
    // What goes to stdout (JSON or CSV) keeps it for itself; the table then goes to stderr.
    const bool dataToStdout = (o.json && *o.json == "-") || (o.csv && *o.csv == "-");
    if (!o.quiet || !dataToStdout)
        std::fputs(comparisonText(spec, results).c_str(), dataToStdout ? stderr : stdout);
    if (!writeComparisonFiles(o, spec, results, {}, error)) {
        std::fprintf(stderr, "stampede-cli: %s\n", error.c_str());
        return kExitInternal;
    }
    if (o.json) {
        const QJsonObject json = compare::comparisonJson(spec, results, STAMPEDE_VERSION);
        if (!writeOutput(*o.json, QJsonDocument(json).toJson().toStdString(), error)) {
            std::fprintf(stderr, "stampede-cli: %s\n", error.c_str());
            return kExitInternal;
        }
    }
    // A comparison in which no lane could run compared nothing.
    const bool anyRan = std::any_of(results.begin(), results.end(), [](const auto& lane) {
        return lane.status == compare::LaneStatus::Done;
    });
    if (!anyRan) {
        std::fprintf(stderr, "stampede-cli compare: no lane could run\n");
        return kExitInternal;
    }
    return kExitOk;
}

}  // namespace stampede::cli
