#pragma once
// A comparison as one self-contained HTML file a trainer can mail or project: the scenario and
// the lanes, the machine and the Stampede version, the final table with the best of each column
// marked, a bar chart per column and the first race witnesses of each racy lane, all inline (SVG,
// CSS), so it opens in a browser with no network.

#include <string>
#include <vector>

#include "stampede/compare/comparison.h"

namespace stampede::compare {

std::string comparisonHtml(const ComparisonSpec& spec, const std::vector<LaneResult>& lanes,
                           const std::string& version, const std::string& title = {});

}  // namespace stampede::compare
