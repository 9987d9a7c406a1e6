#pragma once
// A comparison as a PDF (QPdfWriter, A4 landscape), for a trainer to print or hand out: what the
// HTML report holds, drawn with QPainter (the scenario and lanes, the machine and the version,
// the final table with the best of each column marked and an over-issue in red, a bar chart per
// column, and the first race witnesses of each racy lane as timelines). Needs a QGuiApplication
// (fonts); stampede_compare_print.

#include <string>
#include <vector>

#include "stampede/compare/comparison.h"

namespace stampede::compare {

// False with `error` (naming the file) when it cannot be written.
bool writeComparisonPdf(const std::string& path, const ComparisonSpec& spec,
                        const std::vector<LaneResult>& lanes, const std::string& version,
                        const std::string& title, std::string& error);

}  // namespace stampede::compare
