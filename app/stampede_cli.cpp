// stampede-cli: the headless front of the engine, for scripts, CI and trainers. Parses the
// command line and hands over to one subcommand; all the work is in the engine.

#include <QCoreApplication>

#include "cli_command_line.h"

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("stampede"));
    stampede::cli::CommandLine commandLine;
    stampede::cli::registerSubcommands(commandLine);
    return commandLine.run(argc, argv);
}
