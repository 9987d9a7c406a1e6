#pragma once
// A lane of a comparison: one configuration (pipeline, guard, transport, workers, partitions,
// pace) that the comparison's scenario is played through. What a lane leaves unset stays as the
// scenario has it, so every lane plays the identical arrival stream.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stampede/core/run_config.h"
#include "stampede/sim/scenario.h"

namespace stampede::compare {

inline constexpr int kMinLanes = 2;
inline constexpr int kMaxLanes = 12;

struct LaneConfig {
    std::string name;  // what findings and tables call it; empty: made from what is set
    std::optional<std::string> guard;
    std::optional<core::Pipeline> pipeline;
    std::optional<core::Transport> transport;
    std::optional<int> workers, partitions;
    std::optional<core::Pace> pace;
    std::optional<int> pool;  // the mysql-* guards' connection pool (RunConfig::dbPool)
};

// "guard=redis-lua,pipeline=sync,workers=8,name=lua-sync" (also pace=, partitions=, pool=); nullopt
// with `error` naming the key or the value that is wrong.
std::optional<LaneConfig> parseLane(std::string_view text, std::string& error);

// The lists of compare --guards/--pipelines/--transports/--workers/--partitions/--pace, as
// given (an empty list: the scenario's own value).
struct LaneLists {
    std::vector<std::string> guards, pipelines, transports, workers, partitions, paces;
};
// Their cross product, guards outermost (the order a trainer reads the table in); nullopt with
// `error` naming the list and the value that is wrong.
std::optional<std::vector<LaneConfig>> crossProduct(const LaneLists& lists, std::string& error);

// The lane's name: its own, else what it sets ("none", "redis-lua · sync · 8 workers").
std::string laneLabel(const LaneConfig& lane);
// Gives lanes that would share a label a unique one ("atomic", "atomic #2").
std::vector<std::string> uniqueLabels(const std::vector<LaneConfig>& lanes);

// `scenario` with the lane's settings; false with `error` when the result is not a valid run
// (an unknown guard, workers out of range).
bool applyLane(const LaneConfig& lane, sim::Scenario& scenario, std::string& error);

}  // namespace stampede::compare
