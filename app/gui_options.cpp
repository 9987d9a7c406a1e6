#include "gui_options.h"

#include <QFile>

namespace stampede::app {

bool parseGuiOptions(const QStringList& args, GuiOptions& o, QString& error) {
    for (int i = 0; i < args.size(); ++i) {
        const QString& a = args[i];
        auto value = [&](QString& out) {
            if (i + 1 >= args.size()) {
                error = a + QStringLiteral(": missing value");
                return false;
            }
            out = args[++i];
            return true;
        };
        if (a == QLatin1String("--screenshot")) {
            if (!value(o.screenshot)) return false;
        } else if (a == QLatin1String("--scenario")) {
            if (!value(o.scenario)) return false;
        } else if (a == QLatin1String("--pace")) {
            if (!value(o.pace)) return false;
            if (o.pace != QLatin1String("realtime") && o.pace != QLatin1String("asap")) {
                error = QStringLiteral("--pace: expected realtime or asap, got '%1'").arg(o.pace);
                return false;
            }
        } else if (a == QLatin1String("--json")) {
            if (!value(o.probeJson)) return false;
        } else if (a == QLatin1String("--run")) {
            o.run = true;
        } else if (a == QLatin1String("--probe")) {
            o.probe = true;
        } else if (a == QLatin1String("--fresh")) {
            o.fresh = true;
        } else {
            error = a + QStringLiteral(": unknown option");
            return false;
        }
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
