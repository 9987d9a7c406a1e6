#include "gui_options.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>

#include <cstdio>

#ifndef STAMPEDE_VERSION
#error "STAMPEDE_VERSION (CMake's PROJECT_VERSION) must be defined"
#endif

namespace stampede::app {
namespace {

// Every option of the console, declared once for the early pass (help, version) and the real one.
struct Declared {
    QCommandLineParser parser;
    QCommandLineOption help, version;
    QCommandLineOption screenshot{QStringLiteral("screenshot"),
                                  QStringLiteral("Render the main window to FILE (PNG) and exit."),
                                  QStringLiteral("FILE")};
    QCommandLineOption scenario{
        QStringLiteral("scenario"),
        QStringLiteral("The scenario: a file, or a shipped one's name (seed-003)."),
        QStringLiteral("S")};
    QCommandLineOption run{
        QStringLiteral("run"),
        QStringLiteral("With --screenshot: play the scenario to its end first.")};
    QCommandLineOption pace{QStringLiteral("pace"),
                            QStringLiteral("Arrivals at their times, or as fast as they are taken "
                                           "(overrides the scenario)."),
                            QStringLiteral("realtime|asap")};
    QCommandLineOption probe{QStringLiteral("probe"),
                             QStringLiteral("Measure the console's responsiveness during a run, "
                                            "print the figures as JSON and exit.")};
    QCommandLineOption json{QStringLiteral("json"),
                            QStringLiteral("With --probe: where to write the figures (-: stdout)."),
                            QStringLiteral("FILE")};
    QCommandLineOption fresh{
        QStringLiteral("fresh"),
        QStringLiteral("Ignore the saved settings (implied by --screenshot and --probe).")};

    Declared() : help(parser.addHelpOption()), version(parser.addVersionOption()) {
        parser.setApplicationDescription(
            QStringLiteral("Stampede: the operator console for first-come-first-served and "
                           "lottery events under burst traffic."));
        parser.addOptions({screenshot, scenario, run, pace, probe, json, fresh});
    }
};

QStringList argumentsOf(int argc, char** argv) {
    QStringList arguments;
    for (int i = 0; i < argc; ++i) arguments << QString::fromLocal8Bit(argv[i]);
    return arguments;
}

}  // namespace

void setApplicationIdentity() {
    QCoreApplication::setApplicationName(QStringLiteral("Stampede"));
    QCoreApplication::setOrganizationName(QStringLiteral("Stampede"));
    QCoreApplication::setApplicationVersion(QStringLiteral(STAMPEDE_VERSION));
}

std::optional<int> answerHelpOrVersion(int& argc, char** argv) {
    Declared d;
    // Errors wait for the real pass: QApplication first takes its own options (-platform, …).
    d.parser.parse(argumentsOf(argc, argv));
    const bool help = d.parser.isSet(d.help) || d.parser.isSet(QStringLiteral("help-all"));
    if (!help && !d.parser.isSet(d.version)) return std::nullopt;
    const QCoreApplication core(argc, argv);  // the help text names the program through it
    setApplicationIdentity();
    const QString text = help ? d.parser.helpText()
                              : QCoreApplication::applicationName() + QLatin1Char(' ') +
                                    QCoreApplication::applicationVersion() + QLatin1Char('\n');
    std::fputs(qPrintable(text), stdout);
    return 0;
}

bool parseGuiOptions(const QStringList& arguments, GuiOptions& o, QString& error) {
    Declared d;
    if (!d.parser.parse(arguments)) {
        error = d.parser.errorText();
        return false;
    }
    if (const QStringList extra = d.parser.positionalArguments(); !extra.isEmpty()) {
        error = QStringLiteral("unexpected argument '%1'").arg(extra.first());
        return false;
    }
    o.screenshot = d.parser.value(d.screenshot);
    o.scenario = d.parser.value(d.scenario);
    o.pace = d.parser.value(d.pace);
    o.probeJson = d.parser.value(d.json);
    o.run = d.parser.isSet(d.run);
    o.probe = d.parser.isSet(d.probe);
    o.fresh = d.parser.isSet(d.fresh);
    if (d.parser.isSet(d.pace) && o.pace != QLatin1String("realtime") &&
        o.pace != QLatin1String("asap")) {
        error = QStringLiteral("--pace: expected realtime or asap, got '%1'").arg(o.pace);
        return false;
    }
    if (!o.screenshot.isEmpty() || o.probe) o.fresh = true;
    return true;
}

QString resolveScenario(const QString& nameOrPath) {
    const QString shipped = QStringLiteral(":/simulations/%1.json").arg(nameOrPath);
    if (!nameOrPath.contains(QLatin1Char('/')) && QFile::exists(shipped)) return shipped;
    return nameOrPath;
}

}  // namespace stampede::app
