#pragma once
// A campaign: what is given away, how much of it, to whom and when. Plain data; the engine keeps
// the live stock in its guard, never here.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace stampede::core {

enum class Policy : std::uint8_t { FirstCome, Lottery };

std::string_view toString(Policy policy);  // "FIRST_COME" | "LOTTERY"
std::optional<Policy> parsePolicy(std::string_view text);

struct Campaign {
    std::string id;    // unique within a scenario; what requests name
    std::string name;  // shown to operators
    std::int64_t stock = 0;
    Policy policy = Policy::FirstCome;
    bool requiresVerification = false;
    bool oneIssuePerUser = true;  // idempotency on (campaign, user); false admits every submission
    std::int64_t opensAfterMs = 0;              // window start, relative to the run's start
    std::optional<std::int64_t> closesAfterMs;  // window end; LOTTERY draws here (default: after
                                                // the last arrival)
    std::int64_t maxInFlight = 0;  // bulkhead: max requests PROCESSING at once (0 = unlimited)
    double rateLimitRps = 0;       // processing-rate cap (0 = unlimited); changeable during a run
};

}  // namespace stampede::core
