// stampede-cli: the headless front of the engine, for scripts, CI and trainers. Parses the
// command line and hands over to one subcommand; all the work is in the engine.

#include <QCoreApplication>

#include <cstdio>

#include "cli_commands.h"
#include "cli_options.h"

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("stampede"));
    using namespace stampede::cli;
    std::string error;
    const auto options = parseCli(argc, argv, error);
    if (!options) {
        std::fprintf(stderr, "stampede-cli: %s\n\n%s", error.c_str(), usage().c_str());
        return kExitBadInput;
    }
    if (options->command == "run") return runCommand(*options);
    if (options->command == "bench") return benchCommand(*options);
    if (options->command == "dlq") return dlqCommand(*options);
    if (options->command == "aggregate") return aggregateCommand(*options);
    if (options->command == "export") return exportCommand(*options);
    if (options->command == "broker") return brokerCommand(*options);
    if (options->command == "worker") return workerCommand(*options);
    if (options->command == "profiles") return profilesCommand(*options);
    if (options->command == "guards") return guardsCommand(*options);
    if (options->command == "help" || options->command == "--help" || options->command == "-h") {
        std::fputs(usage().c_str(), stdout);
        return kExitOk;
    }
    std::fprintf(stderr, "stampede-cli: unknown command '%s'\n\n%s", options->command.c_str(),
                 usage().c_str());
    return kExitBadInput;
}
