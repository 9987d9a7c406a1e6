// compare's and lesson's text: the final table, best values marked, then what a trainer reads
// under it (skipped lanes, race witnesses, whether the lanes shared the machine).

#include <algorithm>
#include <cstdio>
#include <sstream>

#include "cli_compare.h"
#include "stampede/compare/comparison_json.h"
#include "stampede/report/race_witnesses.h"

namespace stampede::cli {
namespace {

std::string cell(const compare::TableColumn& column, const std::optional<double>& v, bool best) {
    if (!v) return "-";
    char text[64];
    std::snprintf(text, sizeof text, "%.*f%s", column.decimals, *v, best ? "*" : "");
    return text;
}

constexpr std::size_t kWitnessesShown = 3;  // per lane; the JSON has them all

}  // namespace

std::string comparisonText(const compare::ComparisonSpec& spec,
                           const std::vector<compare::LaneResult>& lanes) {
    const compare::ComparisonTable table = compare::comparisonTable(lanes);
    const auto& columns = compare::tableColumns();
    // Every cell as text first, so each column is as wide as its widest.
    std::vector<std::vector<std::string>> cells(table.rows.size() + 1);
    cells[0].push_back("lane");
    for (const auto& c : columns) cells[0].push_back(c.heading);
    for (std::size_t r = 0; r < table.rows.size(); ++r) {
        const compare::TableRow& row = table.rows[r];
        cells[r + 1].push_back(row.lane);
        for (std::size_t c = 0; c < columns.size(); ++c) {
            if (row.values.empty()) {
                cells[r + 1].push_back(c == 0 ? row.status : "");
                continue;
            }
            const auto& best = table.best[c];
            const bool isBest = std::find(best.begin(), best.end(), int(r)) != best.end();
            cells[r + 1].push_back(cell(columns[c], row.values[c], isBest));
        }
    }
    std::vector<std::size_t> width(columns.size() + 1, 0);
    for (const auto& line : cells)
        for (std::size_t c = 0; c < line.size(); ++c) width[c] = std::max(width[c], line[c].size());
    std::ostringstream out;
    out << "scenario  " << spec.scenario.name << " (seed " << spec.scenario.seed << "), "
        << lanes.size() << " lanes "
        << (spec.concurrent ? "run concurrently: they shared the machine" : "run one after another")
        << "\n";
    const compare::MachineInfo machine = compare::thisMachine();
    out << "machine   " << machine.cpu << ", " << machine.cores << " cores\n\n";
    for (const auto& line : cells) {
        for (std::size_t c = 0; c < line.size(); ++c) {
            const std::string pad(width[c] - line[c].size(), ' ');
            out << (c == 0 ? line[c] + pad : pad + line[c]) << (c + 1 < line.size() ? "  " : "");
        }
        out << "\n";
    }
    out << "(* the best of its column; e2e latencies in ms)\n";
    for (const compare::LaneResult& lane : lanes) {
        if (lane.status == compare::LaneStatus::Skipped)
            out << "SKIPPED   " << lane.label << ": " << lane.skipped << "\n";
        if (!lane.snapshot) continue;
        if (!lane.snapshot->failure.empty())
            out << "ERROR     " << lane.label << ": " << lane.snapshot->failure << "\n";
        const auto& witnesses = lane.snapshot->raceWitnesses;
        for (std::size_t i = 0; i < witnesses.size() && i < kWitnessesShown; ++i)
            out << "RACE      " << lane.label << ": "
                << report::raceWitnessText(*lane.snapshot, witnesses[i]) << "\n";
        if (witnesses.size() > kWitnessesShown)
            out << "RACE      " << lane.label << ": " << witnesses.size() - kWitnessesShown
                << " more in --json's race_witnesses\n";
    }
    return out.str();
}

}  // namespace stampede::cli
