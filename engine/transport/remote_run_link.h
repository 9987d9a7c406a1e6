#pragma once
// A run's link to the processes outside it: workers in other processes join the run through its
// announcement and send their decisions back; dead letters are published for them and for a
// replay after the run. Only a transport that leaves the process has one
// (Transport::remoteLink()).

#include <cstdint>
#include <string>
#include <vector>

namespace stampede::transport {

// A decision made by a worker in another process, as it came back to the ingress.
enum class RemoteOutcome : std::uint8_t { Succeeded, SoldOut, LotteryLost, Failed };
struct RemoteResult {
    std::uint32_t message = 0;  // request id | kReplayBit
    RemoteOutcome outcome = RemoteOutcome::Failed;
    std::uint8_t attempts = 1;
    // The ingress process whose request it was, in a run several share (0: a run of one).
    std::uint32_t origin = 0;
};

class RemoteRunLink {
public:
    virtual ~RemoteRunLink() = default;
    // Whether workers in other processes take part of this run's work.
    virtual bool sharesWork() const = 0;
    // The run is announced (what a worker needs to join it, transport/run_announcement.h's
    // JSON) when it starts, and its end when it ends.
    virtual void announceRun(const std::string& json) = 0;
    virtual void announceEnd() = 0;
    // The other processes' decisions since the last call.
    virtual void takeRemoteResults(std::vector<RemoteResult>& out) = 0;
    // A request ended in the DLQ: kept on the run's dead-letter topic.
    virtual void publishDeadLetter(std::uint32_t requestId, const std::string& json) = 0;
};

}  // namespace stampede::transport
