#pragma once
// The console's command line, on QCommandLineParser: --screenshot FILE [--scenario S] [--run]
// [--pace P], --probe [--scenario S] [--json FILE], --fresh, --help, --version.

#include <QString>
#include <QStringList>

#include <optional>

namespace stampede::app {

struct GuiOptions {
    QString screenshot;  // render the main window to this PNG and exit
    QString scenario;    // a file, or the name of a shipped scenario ("seed-003")
    QString pace;        // realtime | asap (overrides the scenario)
    QString probeJson;   // with --probe: where to write the figures ("-" = stdout)
    bool run = false;    // play the scenario to its end first
    bool probe = false;  // measure responsiveness during a run and exit
    bool fresh = false;  // ignore saved settings (implied by --screenshot and --probe)
};

// The application's name, organisation and version (CMake's PROJECT_VERSION); static, so it can
// be set before any application object exists.
void setApplicationIdentity();
// --help or --version: prints the answer to stdout and returns 0; otherwise nullopt. Needs no
// display (it runs before QApplication, and only a QCoreApplication when it answers).
std::optional<int> answerHelpOrVersion(int& argc, char** argv);
// Parses the arguments (the program's name first); on error returns false with `error` set.
bool parseGuiOptions(const QStringList& arguments, GuiOptions& options, QString& error);
// A shipped scenario's resource path for a bare name, or the argument unchanged.
QString resolveScenario(const QString& nameOrPath);

}  // namespace stampede::app
