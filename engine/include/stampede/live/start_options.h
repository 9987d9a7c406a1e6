#pragma once
// From "what the operator configured" to what the engine runs on: the guard factory that knows
// the live guards (redis-*, mysql-*) and the transport factory that knows Kafka, both on the
// systems of one LiveSystems value. The one place where front ends meet the backends.

#include "stampede/engine.h"
#include "stampede/live/live_systems.h"

namespace stampede::live {

// Makes redis-* and mysql-* guards on `systems`' servers; a name it does not serve, or a system
// that is not configured, is null with `error` saying what to configure. Also what remote
// workers and dead-letter topic replays decide with. `dbPool`: the mysql-* guards' connection
// pool (RunConfig::dbPool; 0: a connection per worker, no wait).
GuardFactory liveGuardFactory(const LiveSystems& systems, int dbPool = 0);

// The StartOptions of a run of `run` on `systems` (the live guards, and the Kafka transport when
// the run asks for it).
StartOptions startOptionsFor(const core::RunConfig& run, const LiveSystems& systems);

// For a run fed from outside (submit(): traffic replay, the HTTP ingress): a lottery draws when
// its window closes or when the run stops, so an open window waits for the stop that ends it.
void keepLotteriesOpenUntilStopped(sim::Scenario& scenario);

}  // namespace stampede::live
