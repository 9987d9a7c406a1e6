// `stampede-cli aggregate` and `stampede-cli export`: the store's batch aggregation and its
// analytics export (schema: resources/analytics-schema.md).

#include <QFile>

#include <cstdio>

#include "cli_commands.h"
#include "cli_store.h"
#include "stampede/store/aggregation_job.h"
#include "stampede/store/analytics_export.h"

namespace stampede::cli {
namespace {

// The runs a command applies to: --run, or every run in the store.
std::vector<std::int64_t> runsOf(const CliOptions& o, store::Store& db) {
    if (o.run) return {*o.run};
    std::vector<std::int64_t> ids;
    for (const auto& r : db.runs()) ids.push_back(r.id);
    return ids;
}

}  // namespace

int aggregateCommand(const CliOptions& o) {
    std::int64_t bucketMs = 1000;
    if (o.bucket && *o.bucket == "minute")
        bucketMs = 60000;
    else if (o.bucket && *o.bucket != "second") {
        std::fprintf(stderr,
                     "stampede-cli aggregate: --bucket: expected second or minute, got '%s'\n",
                     o.bucket->c_str());
        return kExitBadInput;
    }
    auto db = openStoreOrReport(o);
    if (!db) return kExitBadInput;
    if (o.run && !db->run(*o.run)) {
        std::fprintf(stderr, "stampede-cli aggregate: the store has no run %lld\n",
                     static_cast<long long>(*o.run));
        return kExitBadInput;
    }
    for (const std::int64_t runId : runsOf(o, *db)) {
        store::AggregationJob job(*db, runId, bucketMs);
        std::string error;
        if (o.rebuild && !job.reset(error)) {
            std::fprintf(stderr, "stampede-cli: %s\n", error.c_str());
            return kExitInternal;
        }
        const bool ok = job.run(
            [&](const store::AggregationProgress& p) {
                if (!o.quiet)
                    std::fprintf(stderr, "\rrun %lld: %lld of %lld events aggregated ",
                                 static_cast<long long>(runId),
                                 static_cast<long long>(p.eventsDone),
                                 static_cast<long long>(p.eventsTotal));
            },
            nullptr, error);
        if (!ok) {
            std::fprintf(stderr, "\nstampede-cli: %s\n", error.c_str());
            return kExitInternal;
        }
        const auto p = job.progress();
        std::printf("%srun %lld: %lld events in %lld-ms buckets, %lld bucket rows written\n",
                    o.quiet ? "" : "\n", static_cast<long long>(runId),
                    static_cast<long long>(p.eventsDone), static_cast<long long>(bucketMs),
                    static_cast<long long>(p.bucketsWritten));
    }
    return kExitOk;
}

int exportCommand(const CliOptions& o) {
    if (!o.what || (*o.what != "events" && *o.what != "stats")) {
        std::fprintf(stderr, "stampede-cli export: --what events|stats is required\n");
        return kExitBadInput;
    }
    const std::string format = o.format.value_or("csv");
    if (format != "csv" && format != "ndjson") {
        std::fprintf(stderr, "stampede-cli export: --format: expected csv or ndjson, got '%s'\n",
                     format.c_str());
        return kExitBadInput;
    }
    auto db = openStoreOrReport(o);
    if (!db) return kExitBadInput;
    QFile out;
    const std::string target = o.out.value_or("-");
    const bool opened = target == "-" ? out.open(stdout, QIODevice::WriteOnly)
                                      : (out.setFileName(QString::fromStdString(target)),
                                         out.open(QIODevice::WriteOnly | QIODevice::Truncate));
    if (!opened) {
        std::fprintf(stderr, "stampede-cli export: cannot write %s: %s\n", target.c_str(),
                     qPrintable(out.errorString()));
        return kExitBadInput;
    }
    std::string error;
    const std::int64_t rows = store::exportAnalytics(
        *db, *o.what == "events" ? store::ExportWhat::Events : store::ExportWhat::Stats,
        format == "csv" ? store::ExportFormat::Csv : store::ExportFormat::Ndjson,
        o.run ? std::optional<std::int64_t>(*o.run) : std::nullopt, out, error);
    out.close();
    if (rows < 0) {
        std::fprintf(stderr, "stampede-cli: %s\n", error.c_str());
        return kExitInternal;
    }
    std::fprintf(stderr, "exported %lld %s rows\n", static_cast<long long>(rows), o.what->c_str());
    return kExitOk;
}

}  // namespace stampede::cli
