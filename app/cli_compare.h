#pragma once
// What compare and lesson share: the comparison run to its end with progress on stderr (a signal
// stops it), and its final table as text.

#include <string>
#include <vector>

#include "cli_options.h"
#include "stampede/compare/comparison.h"
#include "stampede/compare/comparison_table.h"

namespace stampede::cli {

// Runs `spec` to its end; the lanes as they ended. Ctrl-C stops the running lanes and skips the
// waiting ones.
std::vector<compare::LaneResult> runComparison(const compare::ComparisonSpec& spec, bool quiet);

// The table with each column's best value marked by '*', the skipped lanes with their reasons,
// and the race witnesses of the lanes that have them.
std::string comparisonText(const compare::ComparisonSpec& spec,
                           const std::vector<compare::LaneResult>& lanes);

// The comparison's live systems and outage bound from the command line; false after printing why.
// Writes what --csv and --report ask for (the final table, the HTML report titled `title`);
// false with `error` when it cannot.
bool writeComparisonFiles(const CliOptions& o, const compare::ComparisonSpec& spec,
                          const std::vector<compare::LaneResult>& results, const std::string& title,
                          std::string& error);
bool comparisonSystems(const CliOptions& o, const char* command, compare::ComparisonSpec& spec);

}  // namespace stampede::cli
