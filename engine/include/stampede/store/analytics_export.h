#pragma once
// Analytics export (seed 000's Athena pipeline): the request event log or the aggregated
// statistics of a run, streamed out as CSV or NDJSON. The columns and their meaning are the
// documented contract in resources/analytics-schema.md.

#include <QIODevice>

#include <cstdint>
#include <optional>
#include <string>

namespace stampede::store {

class Store;

enum class ExportWhat { Events, Stats };
enum class ExportFormat { Csv, Ndjson };

// Writes rows (of one run, or all) to `out`; returns the rows written, or -1 with `error`.
std::int64_t exportAnalytics(Store& store, ExportWhat what, ExportFormat format,
                             std::optional<std::int64_t> runId, QIODevice& out, std::string& error);

}  // namespace stampede::store
