#pragma once
// The subcommands of stampede-cli; each returns the process's exit status.

#include "cli_options.h"

namespace stampede::cli {

int runCommand(const CliOptions& options);
int benchCommand(const CliOptions& options);
int dlqCommand(const CliOptions& options);
int aggregateCommand(const CliOptions& options);
int exportCommand(const CliOptions& options);
int brokerCommand(const CliOptions& options);
int workerCommand(const CliOptions& options);
int profilesCommand(const CliOptions& options);

}  // namespace stampede::cli
