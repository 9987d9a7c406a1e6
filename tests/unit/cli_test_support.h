#pragma once
// stampede-cli run as a script runs it, for the tests of its subcommands.

#include <QProcess>
#include <QRegularExpression>
#include <QString>
#include <QStringList>

#include <algorithm>

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

// What a running `stampede-cli run --store` has said it persisted: the highest "persisted N" of
// its progress lines so far (its stderr is kept in `err`).
struct PersistedProgress {
    QByteArray err;
    qint64 reported = 0;
    qint64 read(QProcess& run) {
        static const QRegularExpression persisted(QStringLiteral("persisted (\\d+)"));
        err += run.readAllStandardError();
        auto it = persisted.globalMatch(QString::fromUtf8(err));
        while (it.hasNext()) reported = std::max(reported, it.next().captured(1).toLongLong());
        return reported;
    }
};

// A shipped scenario's path.
inline QString sim(const char* name) {
    return QStringLiteral(STAMPEDE_SOURCE_DIR "/simulations/") + QLatin1String(name);
}

}  // namespace stampede::test
