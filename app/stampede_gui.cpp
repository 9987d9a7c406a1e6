// stampede: the operator console. Parses the command line, composes the main window, and either
// hands over to the user or, for docs and tests, renders a screenshot or runs the probe and exits.

#include <QApplication>
#include <QElapsedTimer>
#include <QPointer>
#include <QTimer>

#include <cstdio>

#include "docks/launcher_dock.h"
#include "engine_controller.h"
#include "gui_options.h"
#include "gui_probe.h"
#include "main_window.h"
#include "profiles_dialog.h"

using namespace stampede;

namespace {

void saveScreenshotSoon(ui::MainWindow& window, const QString& file) {
    // Let the last snapshot reach every view and the plots replot before rendering.
    QTimer::singleShot(600, &window, [&window, file] {
        const bool ok = window.grab().save(file, "PNG");
        if (!ok)
            std::fprintf(stderr, "stampede: cannot write the screenshot %s\n", qPrintable(file));
        QApplication::exit(ok ? 0 : 1);
    });
}

}  // namespace

int main(int argc, char** argv) {
    QElapsedTimer sinceStart;
    sinceStart.start();
    app::setApplicationIdentity();
    // Answered before QApplication, which needs a display.
    if (const auto answered = app::answerHelpOrVersion(argc, argv)) return *answered;
    QApplication app(argc, argv);
    QApplication::setApplicationDisplayName(QStringLiteral("Stampede"));

    app::GuiOptions options;
    QString error;
    if (!app::parseGuiOptions(app.arguments(), options, error)) {
        std::fprintf(stderr, "stampede: %s\nsee: stampede --help\n", qPrintable(error));
        return 2;
    }

    // A screenshot or a probe is for docs and tests: it never writes into the user's store
    // unless STAMPEDE_STORE asks for one (the default store grew by every render).
    if ((options.probe || !options.screenshot.isEmpty()) &&
        !qEnvironmentVariableIsSet("STAMPEDE_STORE"))
        qputenv("STAMPEDE_STORE", "none");
    ui::MainWindow window;
    // Connection profiles chosen with "Use for runs" (unless the environment already says).
    window.controller()->useProfiles(ui::ProfilesDialog::profilesInUse(false));
    if (!options.fresh)
        window.restoreSettings();
    else
        window.launcherDock()->selectScenario(QStringLiteral(":/simulations/seed-001.json"));
    if (!options.scenario.isEmpty() &&
        !window.launcherDock()->selectScenario(app::resolveScenario(options.scenario), &error)) {
        std::fprintf(stderr, "stampede: %s\n", qPrintable(error));
        return 2;
    }
    if (!options.pace.isEmpty())
        window.launcherDock()->setRunSetting(QStringLiteral("pace"), options.pace);
    window.show();
    const qint64 startupMs = sinceStart.elapsed();

    std::unique_ptr<app::GuiProbe> probe;
    if (options.probe) {
        probe = std::make_unique<app::GuiProbe>(window, options.probeJson, startupMs);
        probe->start();
    } else if (!options.screenshot.isEmpty()) {
        if (options.run) {
            QObject::connect(
                window.controller(), &ui::EngineController::runEnded, &window,
                [&window, file = options.screenshot] { saveScreenshotSoon(window, file); });
            QObject::connect(window.controller(), &ui::EngineController::runRefused, &window,
                             [](const QString& e) {
                                 std::fprintf(stderr, "stampede: %s\n", qPrintable(e));
                                 QApplication::exit(2);
                             });
            window.controller()->start();
        } else {
            saveScreenshotSoon(window, options.screenshot);
        }
    }
    return app.exec();
}
