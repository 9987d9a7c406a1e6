#include "stampede/compare/comparison_report.h"

#include <QString>

#include <algorithm>
#include <cstdio>

#include "stampede/compare/comparison_json.h"
#include "stampede/compare/comparison_table.h"

namespace stampede::compare {
namespace {

constexpr int kWitnessesPerLane = 3;  // enough to see the pattern; the JSON has them all

// HTML-escaped, by Qt's own escaping.
std::string escaped(const std::string& s) {
    return QString::fromStdString(s).toHtmlEscaped().toStdString();
}

std::string number(double v, int decimals) {
    char text[64];
    std::snprintf(text, sizeof text, "%.*f", decimals, v);
    return text;
}

const char* kStyle = R"(
body { font-family: sans-serif; margin: 2em; color: #111; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 1.6em; }
table { border-collapse: collapse; } th, td { border: 1px solid #bbb; padding: 4px 8px; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
td.best { background: #d8f0d8; font-weight: bold; } td.over { color: #b00; font-weight: bold; }
tr.skipped td { color: #777; font-style: italic; }
.charts { display: flex; flex-wrap: wrap; gap: 1.5em; } figure { margin: 0; }
figcaption { font-size: 0.9em; margin-bottom: 4px; }
.meta td:first-child { font-weight: bold; }
)";

std::string metaTable(const ComparisonSpec& spec, const std::string& version) {
    const MachineInfo machine = thisMachine();
    std::string out = "<table class=\"meta\">";
    const auto row = [&out](const std::string& k, const std::string& v) {
        out += "<tr><td>" + escaped(k) + "</td><td>" + escaped(v) + "</td></tr>";
    };
    row("scenario", spec.scenario.name);
    row("seed", std::to_string(spec.scenario.seed));
    std::int64_t stock = 0;
    for (const auto& c : spec.scenario.campaigns) stock += c.stock;
    row("campaigns",
        std::to_string(spec.scenario.campaigns.size()) + " (stock " + std::to_string(stock) + ")");
    row("lanes ran", spec.concurrent ? "concurrently: they shared the machine"
                                     : "one after another: each had the machine to itself");
    row("machine", machine.cpu + ", " + std::to_string(machine.cores) + " cores");
    row("Stampede", version);
    return out + "</table>";
}

std::string finalTable(const ComparisonTable& table) {
    const auto& columns = tableColumns();
    std::string out = "<table><tr><th>lane</th>";
    for (const TableColumn& c : columns) out += "<th>" + escaped(c.heading) + "</th>";
    out += "</tr>";
    for (std::size_t r = 0; r < table.rows.size(); ++r) {
        const TableRow& row = table.rows[r];
        if (row.values.empty()) {
            out += "<tr class=\"skipped\"><td>" + escaped(row.lane) + "</td><td colspan=\"" +
                   std::to_string(columns.size()) + "\">" + escaped(row.status) +
                   (row.skipped.empty() ? "" : ": " + escaped(row.skipped)) + "</td></tr>";
            continue;
        }
        out += "<tr><td>" + escaped(row.lane) + "</td>";
        for (std::size_t c = 0; c < columns.size(); ++c) {
            const auto& best = table.best[c];
            const bool isBest = std::find(best.begin(), best.end(), int(r)) != best.end();
            const bool over =
                columns[c].metric == "over_issued" && row.values[c] && *row.values[c] > 0;
            out += std::string("<td class=\"n") + (isBest ? " best" : "") + (over ? " over" : "") +
                   "\">" + (row.values[c] ? number(*row.values[c], columns[c].decimals) : "–") +
                   "</td>";
        }
        out += "</tr>";
    }
    return out +
           "</table><p>Green: the best lane of a column (none marked when all are equal).</p>";
}

// One horizontal bar per lane that ran, scaled to the column's largest value.
std::string barChart(const ComparisonTable& table, std::size_t column) {
    const TableColumn& c = tableColumns()[column];
    double largest = 0;
    int bars = 0;
    for (const TableRow& row : table.rows)
        if (!row.values.empty() && row.values[column]) {
            largest = std::max(largest, *row.values[column]);
            ++bars;
        }
    if (bars == 0) return {};
    constexpr int kLabel = 150, kBar = 220, kRow = 22;
    const int height = bars * kRow + 4;
    std::string svg = "<figure><figcaption>" + escaped(c.heading) +
                      "</figcaption><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" +
                      std::to_string(kLabel + kBar + 90) + "\" height=\"" + std::to_string(height) +
                      "\">";
    int y = 2;
    for (const TableRow& row : table.rows) {
        if (row.values.empty() || !row.values[column]) continue;
        const double v = *row.values[column];
        const int w = largest > 0 ? int(kBar * v / largest) : 0;
        const char* colour = c.metric == "over_issued" && v > 0 ? "#c33" : "#4a7ab0";
        svg += "<text x=\"0\" y=\"" + std::to_string(y + 15) + "\" font-size=\"12\">" +
               escaped(row.lane.size() > 22 ? row.lane.substr(0, 21) + "…" : row.lane) +
               "</text><rect x=\"" + std::to_string(kLabel) + "\" y=\"" + std::to_string(y + 3) +
               "\" width=\"" + std::to_string(std::max(w, 1)) + "\" height=\"15\" fill=\"" +
               colour + "\"/><text x=\"" + std::to_string(kLabel + std::max(w, 1) + 4) + "\" y=\"" +
               std::to_string(y + 15) + "\" font-size=\"12\">" + number(v, c.decimals) + "</text>";
        y += kRow;
    }
    return svg + "</svg></figure>";
}

// Two rows of time (the first decision, the second), each a bar from its read to its write:
// the second read lands inside the first's bar, before its write, so both acted on one value.
std::string witnessTimeline(const guards::RaceWitness& w) {
    const std::int64_t from = std::min(w.first.readNs, w.second.readNs);
    const std::int64_t to = std::max(w.first.writeNs, w.second.writeNs);
    const double span = double(std::max<std::int64_t>(to - from, 1));
    constexpr int kLeft = 190, kWidth = 420;
    const auto x = [&](std::int64_t ns) { return kLeft + int(kWidth * double(ns - from) / span); };
    const auto at = [&](std::int64_t ns) { return std::to_string(x(ns)); };
    std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" +
                      std::to_string(kLeft + kWidth + 20) + "\" height=\"70\">";
    int y = 8;
    for (const guards::RaceDecision* d : {&w.first, &w.second}) {
        const std::string who =
            std::string(d->atIngress ? "feeder " : "worker ") + std::to_string(d->worker);
        svg += "<text x=\"0\" y=\"" + std::to_string(y + 12) + "\" font-size=\"12\">" + who +
               ": read " + std::to_string(d->valueRead) + ", wrote " +
               std::to_string(d->valueWritten) + "</text>" + "<rect x=\"" + at(d->readNs) +
               "\" y=\"" + std::to_string(y + 2) + "\" width=\"" +
               std::to_string(std::max(1, x(d->writeNs) - x(d->readNs))) +
               "\" height=\"12\" fill=\"#e8c170\"/>" + "<rect x=\"" + at(d->readNs) + "\" y=\"" +
               std::to_string(y) + "\" width=\"3\" height=\"16\" fill=\"#235\"/>" + "<rect x=\"" +
               at(d->writeNs) + "\" y=\"" + std::to_string(y) +
               "\" width=\"3\" height=\"16\" fill=\"#c33\"/>";
        y += 24;
    }
    svg += "<text x=\"" + std::to_string(kLeft) + "\" y=\"64\" font-size=\"11\">" +
           number(double(from) / 1e6, 3) + " ms</text><text x=\"" +
           std::to_string(kLeft + kWidth - 60) + "\" y=\"64\" font-size=\"11\">" +
           number(double(to) / 1e6, 3) + " ms</text>";
    return svg + "</svg>";
}

std::string raceSection(const std::vector<LaneResult>& lanes) {
    std::string out;
    for (const LaneResult& lane : lanes) {
        if (!lane.snapshot || lane.snapshot->raceWitnesses.empty()) continue;
        const auto& witnesses = lane.snapshot->raceWitnesses;
        out += "<h3>" + escaped(lane.label) + ": over-issued " +
               std::to_string(lane.snapshot->overIssued) + "; the first " +
               std::to_string(std::min<std::size_t>(witnesses.size(), kWitnessesPerLane)) + " of " +
               std::to_string(witnesses.size()) + " recorded collisions</h3>";
        for (std::size_t i = 0; i < witnesses.size() && i < std::size_t(kWitnessesPerLane); ++i)
            out += "<p>" + witnessTimeline(witnesses[i]) + "</p>";
    }
    if (out.empty())
        return "<p>No lane recorded a race: the guards that race on purpose (none, "
               "mutex-early-release, redis-naive) record them.</p>";
    return "<p>Each bar runs from a decision's read of the stock (dark mark) to its write (red "
           "mark). The second decision read before the first had written, so both acted on the "
           "same value and one unit went out twice.</p>" +
           out;
}

}  // namespace

std::string comparisonHtml(const ComparisonSpec& spec, const std::vector<LaneResult>& lanes,
                           const std::string& version, const std::string& title) {
    const std::string heading = title.empty() ? "Comparison: " + spec.scenario.name : title;
    const ComparisonTable table = comparisonTable(lanes);
    std::string html = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" +
                       escaped(heading) + "</title><style>" + kStyle + "</style></head><body>";
    html += "<h1>" + escaped(heading) + "</h1>" + metaTable(spec, version);
    html += "<h2>Lanes</h2><ol>";
    for (const LaneResult& lane : lanes)
        html += "<li>" + escaped(lane.label) + " (" + escaped(std::string(toString(lane.status))) +
                ")</li>";
    html += "</ol><h2>Final table</h2>" + finalTable(table);
    html += "<h2>Side by side</h2><div class=\"charts\">";
    for (std::size_t c = 0; c < tableColumns().size(); ++c) html += barChart(table, c);
    html += "</div><h2>Race witnesses</h2>" + raceSection(lanes);
    return html + "</body></html>\n";
}

}  // namespace stampede::compare
