#pragma once
// The console's command line: --screenshot FILE [--scenario S] [--run] [--pace P], --probe.

#include <QString>
#include <QStringList>

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

// Parses the arguments after the program name; on error returns false with `error` set.
bool parseGuiOptions(const QStringList& args, GuiOptions& options, QString& error);
// A shipped scenario's resource path for a bare name, or the argument unchanged.
QString resolveScenario(const QString& nameOrPath);

}  // namespace stampede::app
