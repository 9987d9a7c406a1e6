#include "stampede/compare/lane.h"

#include <algorithm>
#include <charconv>

#include "stampede/guards/guard_registry.h"

namespace stampede::compare {
namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

std::vector<std::string_view> split(std::string_view text, char by) {
    std::vector<std::string_view> out;
    for (;;) {
        const std::size_t at = text.find(by);
        out.push_back(trim(text.substr(0, at)));
        if (at == std::string_view::npos) return out;
        text.remove_prefix(at + 1);
    }
}

std::optional<int> count(std::string_view text, int min, int max) {
    int v = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size() || v < min || v > max)
        return std::nullopt;
    return v;
}

// Sets one key of `lane`; empty, or what is wrong with it.
std::string setKey(LaneConfig& lane, std::string_view key, std::string_view value) {
    const std::string v(value);
    if (key == "name") {
        if (v.empty()) return "name: empty";
        lane.name = v;
    } else if (key == "guard") {
        if (!guards::findGuard(v))
            return "guard: unknown guard '" + v + "' (known: " + guards::guardNames() + ")";
        lane.guard = v;
    } else if (key == "pipeline") {
        lane.pipeline = core::parsePipeline(v);
        if (!lane.pipeline)
            return "pipeline: unknown pipeline '" + v +
                   "' (known: sync, decide-at-ingress, decide-in-worker)";
    } else if (key == "transport") {
        lane.transport = core::parseTransport(v);
        if (!lane.transport)
            return "transport: unknown transport '" + v + "' (known: inproc, kafka)";
    } else if (key == "pace") {
        lane.pace = core::parsePace(v);
        if (!lane.pace) return "pace: unknown pace '" + v + "' (known: realtime, asap)";
    } else if (key == "workers") {
        lane.workers = count(value, 1, 256);
        if (!lane.workers) return "workers: expected an integer in [1, 256], got '" + v + "'";
    } else if (key == "partitions") {
        lane.partitions = count(value, 1, 256);
        if (!lane.partitions) return "partitions: expected an integer in [1, 256], got '" + v + "'";
    } else if (key == "pool") {
        lane.pool = count(value, 1, 1024);
        if (!lane.pool) return "pool: expected an integer in [1, 1024], got '" + v + "'";
    } else {
        return "unknown key '" + std::string(key) +
               "' (known: guard, pipeline, transport, workers, partitions, pace, pool, name)";
    }
    return {};
}

}  // namespace

std::optional<LaneConfig> parseLane(std::string_view text, std::string& error) {
    LaneConfig lane;
    if (trim(text).empty()) {
        error = "an empty lane (expected KEY=VALUE,… such as guard=redis-lua,pipeline=sync)";
        return std::nullopt;
    }
    for (std::string_view item : split(text, ',')) {
        const std::size_t eq = item.find('=');
        if (eq == std::string_view::npos) {
            error = "'" + std::string(item) + "' is not KEY=VALUE";
            return std::nullopt;
        }
        if (std::string why = setKey(lane, trim(item.substr(0, eq)), trim(item.substr(eq + 1)));
            !why.empty()) {
            error = std::move(why);
            return std::nullopt;
        }
    }
    return lane;
}

std::optional<std::vector<LaneConfig>> crossProduct(const LaneLists& lists, std::string& error) {
    std::vector<LaneConfig> lanes{LaneConfig{}};
    const auto expand = [&](const std::vector<std::string>& values, std::string_view key,
                            std::string_view flag) {
        if (values.empty()) return true;
        std::vector<LaneConfig> next;
        for (const LaneConfig& base : lanes)
            for (const std::string& v : values) {
                LaneConfig lane = base;
                if (std::string why = setKey(lane, key, trim(v)); !why.empty()) {
                    error = std::string(flag) + ": " + why;
                    return false;
                }
                next.push_back(std::move(lane));
            }
        lanes = std::move(next);
        return true;
    };
    if (!expand(lists.guards, "guard", "--guards") ||
        !expand(lists.pipelines, "pipeline", "--pipelines") ||
        !expand(lists.transports, "transport", "--transports") ||
        !expand(lists.workers, "workers", "--workers") ||
        !expand(lists.partitions, "partitions", "--partitions") ||
        !expand(lists.paces, "pace", "--pace"))
        return std::nullopt;
    return lanes;
}

std::string laneLabel(const LaneConfig& lane) {
    if (!lane.name.empty()) return lane.name;
    std::vector<std::string> parts;
    if (lane.guard) parts.push_back(*lane.guard);
    if (lane.pipeline) parts.emplace_back(core::toString(*lane.pipeline));
    if (lane.transport) parts.emplace_back(core::toString(*lane.transport));
    if (lane.workers) parts.push_back(std::to_string(*lane.workers) + " workers");
    if (lane.partitions) parts.push_back(std::to_string(*lane.partitions) + " partitions");
    if (lane.pace) parts.emplace_back(core::toString(*lane.pace));
    if (lane.pool) parts.push_back("pool " + std::to_string(*lane.pool));
    if (parts.empty()) return "scenario's own";
    std::string out = parts.front();
    for (std::size_t i = 1; i < parts.size(); ++i) out += " · " + parts[i];
    return out;
}

std::vector<std::string> uniqueLabels(const std::vector<LaneConfig>& lanes) {
    std::vector<std::string> labels;
    for (const LaneConfig& lane : lanes) {
        const std::string base = laneLabel(lane);
        std::string label = base;
        for (int n = 2; std::find(labels.begin(), labels.end(), label) != labels.end(); ++n)
            label = base + " #" + std::to_string(n);
        labels.push_back(std::move(label));
    }
    return labels;
}

bool applyLane(const LaneConfig& lane, sim::Scenario& scenario, std::string& error) {
    core::RunConfig& run = scenario.run;
    if (lane.guard) {
        if (!guards::findGuard(*lane.guard)) {
            error = "unknown guard '" + *lane.guard + "'";
            return false;
        }
        run.guard = *lane.guard;
    }
    if (lane.pipeline) run.pipeline = *lane.pipeline;
    if (lane.transport) run.transport = *lane.transport;
    if (lane.workers) run.workers = *lane.workers;
    if (lane.partitions) run.partitions = *lane.partitions;
    if (lane.pace) run.pace = *lane.pace;
    if (lane.pool) run.dbPool = *lane.pool;
    return true;
}

}  // namespace stampede::compare
