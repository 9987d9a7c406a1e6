#pragma once
// stampede-cli run as a script runs it, for the tests of its subcommands.

#include <QProcess>
#include <QString>
#include <QStringList>

namespace stampede::test {

struct CliResult {
    int exitCode = -1;  // -1: it crashed or did not end in time
    QByteArray out, err;
};

inline CliResult cli(const QStringList& args, int timeoutMs = 180000) {
    QProcess p;
    p.start(QStringLiteral(STAMPEDE_CLI_PATH), args);
    p.waitForFinished(timeoutMs);
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput(),
            p.readAllStandardError()};
}

// A shipped scenario's path.
inline QString sim(const char* name) {
    return QStringLiteral(STAMPEDE_SOURCE_DIR "/simulations/") + QLatin1String(name);
}

}  // namespace stampede::test
