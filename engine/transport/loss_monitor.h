#pragma once
// A durable transport's account of what it failed to carry, which the run compensates: pushes
// whose delivery failed for good, and messages lost after they were stored (offsets that fell
// out of range). The in-memory rings lose nothing and have none (Transport::lossMonitor()).

#include <cstdint>
#include <string>
#include <vector>

namespace stampede::transport {

class LossMonitor {
public:
    virtual ~LossMonitor() = default;
    // Messages whose delivery failed for good since the last call (the run compensates them).
    virtual void takeFailedPushes(std::vector<std::uint32_t>& out) = 0;
    // Messages lost since the last call: the run sends again what is still waiting.
    virtual std::int64_t takeLostMessages() = 0;
    // The run sent `n` requests again after a loss (counted in the transport's statistics).
    virtual void countResent(std::int64_t n) = 0;
    // How long the transport has been unable to reach its cluster (0: it can), and what it is
    // in words ("Kafka at 127.0.0.1:9092").
    virtual std::int64_t outageMs() const = 0;
    virtual std::string systemName() const = 0;
};

}  // namespace stampede::transport
