#include "stampede/core/campaign.h"

namespace stampede::core {

std::string_view toString(Policy policy) {
    return policy == Policy::Lottery ? "LOTTERY" : "FIRST_COME";
}

std::optional<Policy> parsePolicy(std::string_view text) {
    if (text == "FIRST_COME") return Policy::FirstCome;
    if (text == "LOTTERY") return Policy::Lottery;
    return std::nullopt;
}

}  // namespace stampede::core
