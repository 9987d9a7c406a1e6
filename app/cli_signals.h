#pragma once
// SIGINT and SIGTERM for the long-running commands (run, worker, broker): the first asks the
// command to stop (it ends within a few seconds, with its summary); a second ends the process
// at once, exit status 130. Whatever a library waits for after the first, the process is gone
// within 5 s of it (exit status 1, said on stderr): a stop is never a hang.

#include <atomic>

namespace stampede::cli {

void catchStopSignals();
// Set by the first signal.
const std::atomic<bool>& stopSignalled();

}  // namespace stampede::cli
