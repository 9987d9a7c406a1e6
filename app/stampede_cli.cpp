// stampede-cli: the headless front of the engine, for scripts, CI and trainers. Parses the
// command line and hands over to one subcommand; all the work is in the engine.

#include <QCoreApplication>
#include <QGuiApplication>

#include <cstring>
#include <memory>

#include "cli_command_line.h"

namespace {

// A PDF is drawn with fonts, which need a QGuiApplication; it runs on the offscreen platform, so
// the CLI needs no display for it. Every other command keeps the plain QCoreApplication.
bool drawsPdf(int argc, char** argv) {
    for (int i = 1; i < argc; ++i)
        if (std::strcmp(argv[i], "--pdf") == 0 || std::strncmp(argv[i], "--pdf=", 6) == 0)
            return true;
    return false;
}

}  // namespace

int main(int argc, char** argv) {
    std::unique_ptr<QCoreApplication> app;
    if (drawsPdf(argc, argv)) {
        if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
            qputenv("QT_QPA_PLATFORM", QByteArrayLiteral("offscreen"));
        app = std::make_unique<QGuiApplication>(argc, argv);
    } else {
        app = std::make_unique<QCoreApplication>(argc, argv);
    }
    QCoreApplication::setApplicationName(QStringLiteral("stampede"));
    stampede::cli::CommandLine commandLine;
    stampede::cli::registerSubcommands(commandLine);
    return commandLine.run(argc, argv);
}
