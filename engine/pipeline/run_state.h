#pragma once
// What a run's stages share: the clock and the run's life, the request arena (every request's
// record, written by whoever owns its state), the users, the guard, each campaign's flow control
// and lottery, the queue and the dead letters. Built by Run::create; each stage keeps its own
// state apart. Internal to the pipeline.

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "core/clock.h"
#include "ingress/user_directory.h"
#include "pipeline/flow_control.h"
#include "pipeline/run_control.h"
#include "pipeline/run_queue.h"
#include "stampede/core/campaign.h"
#include "stampede/core/request.h"
#include "stampede/dlq/dead_letter_queue.h"
#include "stampede/guards/guard.h"

namespace stampede::pipeline {

struct CampaignRuntime {
    core::Campaign def;
    RateLimiter limiter;
    Bulkhead bulkhead;
    std::vector<core::RequestId> lotteryEntries;  // under the admission lock
    std::atomic<bool> drawn{false};
    std::uint64_t lotterySeed = 0;
};

struct RunState {
    core::RunClock clock;
    RunControl control{clock};
    core::RequestArena arena;
    ingress::UserDirectory users;
    std::unique_ptr<guards::Guard> guard;
    // The run gave up on the guard's backend (gone longer than the outage bound): from then on
    // nothing is decided, even if the server comes back while workers are still at it.
    std::atomic<bool> guardGivenUp{false};
    std::vector<std::unique_ptr<CampaignRuntime>> campaigns;
    RunQueue queue;
    dlq::DeadLetterQueue dlq;
    dlq::FailureLog failures;
    // The run as its dead-letter topic's entries name it (the announcement's JSON), so they can
    // be replayed after the run against its shared stock. Set before the workers start.
    std::string deadLetterOrigin;

    CampaignRuntime& campaign(int c) { return *campaigns[static_cast<std::size_t>(c)]; }
};

}  // namespace stampede::pipeline
