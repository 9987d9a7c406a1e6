#include "stampede/run_types.h"

#include <thread>

namespace stampede {

std::string_view toString(StockChangeResult result) {
    switch (result) {
        case StockChangeResult::Applied:
            return "applied";
        case StockChangeResult::BelowIssued:
            return "below what is already issued";
        case StockChangeResult::Negative:
            return "negative stock";
        case StockChangeResult::UnknownCampaign:
            return "unknown campaign";
        case StockChangeResult::NoRun:
            return "no run";
    }
    return "unknown";
}

bool ReplayJob::wait(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!progress().finished) {
        if (std::chrono::steady_clock::now() >= deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return true;
}

}  // namespace stampede
