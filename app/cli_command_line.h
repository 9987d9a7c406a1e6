#pragma once
// stampede-cli's command line, on CLI11: one subcommand per job, each taking only its own options
// (anything else is a usage error naming the subcommand and the option), --help and -h on every
// subcommand, --version. What is given lands in the CliOptions the subcommand's function
// receives; the help text is made from the registrations, never kept by hand.

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "cli_options.h"

namespace CLI {
class App;
}  // namespace CLI

namespace stampede::cli {

using Command = int (*)(const CliOptions& options);

class CommandLine {
public:
    CommandLine();
    ~CommandLine();
    CommandLine(const CommandLine&) = delete;
    CommandLine& operator=(const CommandLine&) = delete;

    // A subcommand that runs `command`; its options are added to the returned app, bound into
    // options().
    CLI::App& addCommand(const std::string& name, const std::string& description, Command command);
    // An action of a subcommand (`dlq list`), with options of its own; the command receives the
    // action's name as its first positional argument.
    static CLI::App& addAction(CLI::App& command, const std::string& name,
                               const std::string& description);
    CliOptions& options() { return m_options; }

    // Parses the arguments and runs the subcommand they name; returns the exit status. --help and
    // --version print to stdout and return kExitOk; a usage error is one message on stderr and
    // kExitBadInput.
    int run(int argc, char** argv);
    std::string help() const;

private:
    std::unique_ptr<CLI::App> m_app;
    CliOptions m_options;
    std::vector<std::pair<const CLI::App*, Command>> m_commands;
};

// Registers every subcommand of stampede-cli (cli_subcommands.cpp), one function each.
void registerSubcommands(CommandLine& commandLine);

}  // namespace stampede::cli
