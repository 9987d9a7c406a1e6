#pragma once
// The final table of a comparison, as every front end shows it (the CLI's text, the console's
// Compare view, the report): one row per lane, one column per figure a trainer compares, and the
// best lane of each column marked.

#include <optional>
#include <string>
#include <vector>

#include "stampede/compare/comparison.h"

namespace stampede::compare {

enum class Better { Lower, Higher, Neither };

struct TableColumn {
    std::string metric;   // the dotted path in the run summary (lesson findings use the same)
    std::string heading;  // short, for a table header
    Better better = Better::Lower;
    int decimals = 0;
};
// issued, over_issued, under_issued, fairness_inversions, duplicates, throughput_rps, e2e
// p50/p95/p99, retries, dlq, backend round trips and pool waits.
const std::vector<TableColumn>& tableColumns();

struct TableRow {
    std::string lane;
    std::string status;                         // "done", "skipped", …
    std::string skipped;                        // why, when skipped
    std::vector<std::optional<double>> values;  // per column; empty when the lane did not run
};

struct ComparisonTable {
    std::vector<TableRow> rows;
    // Per column, the rows holding its best value (none when every row holds it, or for
    // Better::Neither).
    std::vector<std::vector<int>> best;
};
ComparisonTable comparisonTable(const std::vector<LaneResult>& lanes);

// The CSV of the table (a header row, then one row per lane; the best marked by a column of
// their own would hide the number, so it is not marked).
std::string tableCsv(const ComparisonTable& table);

}  // namespace stampede::compare
