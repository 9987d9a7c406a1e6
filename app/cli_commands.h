#pragma once
// The subcommands of stampede-cli; each returns the process's exit status.

#include <optional>
#include <string>
#include <vector>

#include "cli_options.h"
#include "stampede/core/request.h"

namespace stampede::sim {
struct Scenario;
}

namespace stampede::cli {

// Applies run's --pipeline/--guard/--transport/--pace/--workers/... to `scenario`; false with
// `error` naming the flag. Shared by run and replay.
bool applyOverrides(const CliOptions& options, sim::Scenario& scenario, std::string& error);
int captureCommand(const CliOptions& options);  // capture info|convert
int replayCommand(const CliOptions& options);

int runCommand(const CliOptions& options);
int benchCommand(const CliOptions& options);
int dlqCommand(const CliOptions& options);
int dlqTopicCommand(const CliOptions& options);  // dlq list|replay --kafka … --topic …
int aggregateCommand(const CliOptions& options);
int exportCommand(const CliOptions& options);
int brokerCommand(const CliOptions& options);
int workerCommand(const CliOptions& options);
int profilesCommand(const CliOptions& options);
int guardsCommand(const CliOptions& options);
int compareCommand(const CliOptions& options);  // one scenario through 2 to 12 lanes
int serveCommand(const CliOptions& options);    // the HTTP ingress in front of a run
int lessonCommand(const CliOptions& options);   // a comparison that checks its findings  // every
                                                // guard: name, family, what it needs

// --ids ID,ID,...; nullopt with `error` naming the item that is not a request id.
std::optional<std::vector<core::RequestId>> parseRequestIds(const std::string& text,
                                                            std::string& error);

}  // namespace stampede::cli
