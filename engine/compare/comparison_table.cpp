#include "stampede/compare/comparison_table.h"

#include <QJsonArray>
#include <QJsonObject>

#include <algorithm>
#include <cstdio>

#include "stampede/report/summary_json.h"

namespace stampede::compare {
namespace {

std::optional<double> valueAt(const QJsonObject& summary, const std::string& metric) {
    QJsonValue at = summary;
    for (const QString& part : QString::fromStdString(metric).split(QLatin1Char('.'))) {
        if (!at.isObject() || !at.toObject().contains(part)) return std::nullopt;
        at = at.toObject().value(part);
    }
    return at.isDouble() ? std::optional<double>(at.toDouble()) : std::nullopt;
}

std::string csvField(const std::string& s) {
    if (s.find_first_of(",\"\n") == std::string::npos) return s;
    std::string out = "\"";
    for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

}  // namespace

const std::vector<TableColumn>& tableColumns() {
    static const std::vector<TableColumn> columns{
        {"issued", "issued", Better::Neither, 0},
        {"over_issued", "over", Better::Lower, 0},
        {"under_issued", "under", Better::Lower, 0},
        {"fairness_inversions", "inversions", Better::Lower, 0},
        {"duplicates", "dup", Better::Neither, 0},
        {"throughput_rps", "req/s", Better::Higher, 0},
        {"latency_ms.e2e.p50", "e2e p50 ms", Better::Lower, 3},
        {"latency_ms.e2e.p95", "e2e p95 ms", Better::Lower, 3},
        {"latency_ms.e2e.p99", "e2e p99 ms", Better::Lower, 3},
        {"retries", "retries", Better::Lower, 0},
        {"dlq", "dlq", Better::Lower, 0},
        {"backend.round_trips", "round trips", Better::Lower, 0},
        {"backend.pool.waiting_peak", "pool waits", Better::Lower, 0},
    };
    return columns;
}

ComparisonTable comparisonTable(const std::vector<LaneResult>& lanes) {
    const auto& columns = tableColumns();
    ComparisonTable table;
    for (const LaneResult& lane : lanes) {
        TableRow row{lane.label, std::string(toString(lane.status)), lane.skipped, {}};
        if (lane.snapshot) {
            const QJsonObject summary = report::summaryJson(*lane.snapshot);
            for (const TableColumn& c : columns) {
                std::optional<double> v = valueAt(summary, c.metric);
                // An in-memory guard has no backend: it made no round trips and nobody waited.
                if (!v && c.metric.rfind("backend.", 0) == 0) v = 0;
                row.values.push_back(v);
            }
        }
        table.rows.push_back(std::move(row));
    }
    table.best.resize(columns.size());
    for (std::size_t c = 0; c < columns.size(); ++c) {
        if (columns[c].better == Better::Neither) continue;
        std::optional<double> best;
        int holders = 0, rowsWithValue = 0;
        for (const TableRow& row : table.rows) {
            if (row.values.empty() || !row.values[c]) continue;
            ++rowsWithValue;
            const double v = *row.values[c];
            if (!best || (columns[c].better == Better::Lower ? v < *best : v > *best)) best = v;
        }
        if (!best) continue;
        std::vector<int> at;
        for (std::size_t r = 0; r < table.rows.size(); ++r) {
            const TableRow& row = table.rows[r];
            if (!row.values.empty() && row.values[c] && *row.values[c] == *best)
                at.push_back(static_cast<int>(r));
        }
        holders = static_cast<int>(at.size());
        if (holders < rowsWithValue) table.best[c] = std::move(at);
    }
    return table;
}

std::string tableCsv(const ComparisonTable& table) {
    std::string out = "lane,status";
    for (const TableColumn& c : tableColumns()) out += "," + c.metric;
    out += ",skipped\n";
    for (const TableRow& row : table.rows) {
        out += csvField(row.lane) + "," + row.status;
        for (std::size_t c = 0; c < tableColumns().size(); ++c) {
            out += ",";
            if (c < row.values.size() && row.values[c]) {
                char v[64];
                std::snprintf(v, sizeof v, "%.*f", tableColumns()[c].decimals, *row.values[c]);
                out += v;
            }
        }
        out += "," + csvField(row.skipped) + "\n";
    }
    return out;
}

}  // namespace stampede::compare
