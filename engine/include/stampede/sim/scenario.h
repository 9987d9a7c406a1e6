#pragma once
// The scenario file format of DESIGN.md: who arrives when, for which campaigns, under which run
// configuration. A stable contract: unknown keys are errors, every field has a documented default
// (see simulations/README.md). Parsing never throws and never touches anything but its result.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stampede/core/campaign.h"
#include "stampede/core/run_config.h"

namespace stampede::sim {

enum class Profile : std::uint8_t { Spike, Ramp, Constant, Poisson };
std::string_view toString(Profile profile);  // "spike" | "ramp" | "constant" | "poisson"
std::optional<Profile> parseProfile(std::string_view text);

// One block of arrivals. spike: `users` within `over_ms`; ramp: `users` whose rate climbs
// linearly from `from_rps` to `to_rps` over `over_ms`; constant: `rps` evenly for `over_ms`;
// poisson: a Poisson process of rate `rps` for `over_ms`. Each arrival is a distinct user.
struct ArrivalSpec {
    std::string campaign;
    Profile profile = Profile::Spike;
    std::int64_t users = 0;
    double overMs = 1000;
    double fromRps = 0;
    double toRps = 0;
    double rps = 0;
    double startMs = 0;  // offset of the block from the run's start
    // Number of the block's first user; default: right after the users of earlier blocks of the
    // same campaign (so blocks add new people). Users share numbers across campaigns.
    std::optional<std::int64_t> firstUser;
};

// How clients behave beyond their first submission.
struct ClientBehaviour {
    double duplicateRate = 0;       // share of users who double-submit within 50 ms
    std::int64_t retryAfterMs = 0;  // > 0: a retry storm, clients resubmit this often
    double retryRate = 0.5;         // share of users that take part in the retry storm
    int retries = 3;                // resubmissions per storming client
    double unverifiedRate = 0;      // share of users who never verified (bots)
};

struct Scenario {
    std::string name;
    std::string description;
    std::uint64_t seed = 1;
    std::vector<core::Campaign> campaigns;
    std::vector<ArrivalSpec> arrivals;
    ClientBehaviour clients;
    core::FaultConfig faults;
    core::RunConfig run;

    // Index of the campaign with this id, or -1.
    int campaignIndex(std::string_view id) const;
};

// Where and why a scenario was refused: a file, a line and column for syntax errors, a field path
// such as "campaigns[0].stock" for everything else.
struct ScenarioError {
    std::string source;  // file name, or "<scenario>" for text given directly
    int line = 0;        // 1-based; 0 when unknown
    int column = 0;      // 1-based; 0 when unknown
    std::string field;   // JSON path of the offending field; empty for syntax errors
    std::string message;

    // "file:line:col: message" or "file: field: message"
    std::string toString() const;
};

struct ScenarioLoad {
    std::optional<Scenario> scenario;
    ScenarioError error;  // meaningful only when !scenario
    bool ok() const { return scenario.has_value(); }
};

inline constexpr std::int64_t kMaxScenarioBytes = 16 * 1024 * 1024;
inline constexpr std::int64_t kMaxArrivals = 50'000'000;

ScenarioLoad parseScenario(std::string_view json, std::string_view sourceName = "<scenario>");
ScenarioLoad loadScenarioFile(const std::string& path);

// The scenario as JSON text in the same format (round-trips through parseScenario).
std::string toJson(const Scenario& scenario);

}  // namespace stampede::sim
