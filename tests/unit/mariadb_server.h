#pragma once
// A throwaway MariaDB for tests: mariadb-install-db into a temporary data directory, mariadbd on
// a free loopback port, a user with a password, stopped and deleted at the end. Real server, no
// mocks. Needs mariadb-server (installed by installer/install-deps.sh).

#include <QDir>
#include <QProcess>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QThread>

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>

namespace stampede::test {

class MariaDbServer {
public:
    static constexpr const char* kUser = "stampede";
    static constexpr const char* kPassword = "s3cret-for-tests";
    static constexpr const char* kDatabase = "stampede";

    ~MariaDbServer() { stop(); }

    // Starts the server; false with `error` saying why.
    bool start(QString& error) {
        if (!m_dir.isValid()) return fail(error, QStringLiteral("no temporary directory"));
        m_port = freePort();
        const QString data = m_dir.filePath(QStringLiteral("data"));
        QProcess install;
        install.start(QStringLiteral("mariadb-install-db"),
                      {QStringLiteral("--no-defaults"), QStringLiteral("--datadir=") + data,
                       QStringLiteral("--user=root"),
                       QStringLiteral("--auth-root-authentication-method=normal"),
                       QStringLiteral("--skip-test-db")});
        if (!install.waitForFinished(120000) || install.exitCode() != 0)
            return fail(error, QStringLiteral("mariadb-install-db failed: ") +
                                   QString::fromUtf8(install.readAllStandardError().right(800)));
        if (!launch(error)) return false;
        const QString user = QString::fromLatin1(kUser), pw = QString::fromLatin1(kPassword);
        if (!admin(QStringLiteral("CREATE DATABASE IF NOT EXISTS %1")
                       .arg(QString::fromLatin1(kDatabase))) ||
            !admin(QStringLiteral("CREATE USER IF NOT EXISTS '%1'@'127.0.0.1' IDENTIFIED BY '%2'")
                       .arg(user, pw)) ||
            !admin(QStringLiteral("GRANT ALL ON %1.* TO '%2'@'127.0.0.1'")
                       .arg(QString::fromLatin1(kDatabase), user)))
            return fail(error, QStringLiteral("cannot create the test user: ") + m_lastAdminError);
        return true;
    }

    // Kills the server (SIGKILL: a crash, InnoDB recovers at the next start) and starts it again
    // on the same data directory and port; true once it answers again.
    bool killAndRestart(QString& error) {
        m_server.kill();
        m_server.waitForFinished(10000);
        return launch(error);
    }

private:
    bool launch(QString& error) {
        const QString data = m_dir.filePath(QStringLiteral("data"));
        m_server.setProcessChannelMode(QProcess::MergedChannels);
        m_server.start(
            QStringLiteral("/usr/sbin/mariadbd"),
            {QStringLiteral("--no-defaults"), QStringLiteral("--datadir=") + data,
             QStringLiteral("--user=root"), QStringLiteral("--bind-address=127.0.0.1"),
             QStringLiteral("--port=%1").arg(m_port),
             QStringLiteral("--socket=") + m_dir.filePath(QStringLiteral("mysqld.sock")),
             QStringLiteral("--pid-file=") + m_dir.filePath(QStringLiteral("mysqld.pid")),
             QStringLiteral("--skip-log-bin"), QStringLiteral("--innodb-buffer-pool-size=64M"),
             QStringLiteral("--innodb-flush-log-at-trx-commit=2")});
        if (!m_server.waitForStarted(10000))
            return fail(error, QStringLiteral("mariadbd did not start"));
        // Ready when root can connect over the socket; then create the test user and database.
        for (int i = 0; i < 300; ++i) {
            if (m_server.state() != QProcess::Running)
                return fail(error, QStringLiteral("mariadbd exited: ") +
                                       QString::fromUtf8(m_server.readAll().right(800)));
            if (admin(QStringLiteral("SELECT 1"))) return true;
            QThread::msleep(100);
        }
        return fail(error, QStringLiteral("mariadbd did not answer in 30 s"));
    }

public:
    void stop() {
        if (m_server.state() == QProcess::NotRunning) return;
        m_server.terminate();
        if (!m_server.waitForFinished(20000)) m_server.kill();
        m_server.waitForFinished(5000);
    }

    int port() const { return m_port; }
    qint64 pid() const { return m_server.processId(); }
    QString url() const {
        return QStringLiteral("mysql://%1@127.0.0.1:%2/%3")
            .arg(QString::fromLatin1(kUser))
            .arg(m_port)
            .arg(QString::fromLatin1(kDatabase));
    }

    // Runs one statement as root over the socket (the way an operator's mariadb client would).
    bool admin(const QString& sql) {
        QProcess client;
        client.start(QStringLiteral("mariadb"),
                     {QStringLiteral("--no-defaults"), QStringLiteral("-uroot"),
                      QStringLiteral("--socket=") + m_dir.filePath(QStringLiteral("mysqld.sock")),
                      QStringLiteral("-N"), QStringLiteral("-e"), sql});
        client.waitForFinished(20000);
        m_lastOutput = QString::fromUtf8(client.readAllStandardOutput()).trimmed();
        m_lastAdminError = QString::fromUtf8(client.readAllStandardError()).trimmed();
        return client.exitStatus() == QProcess::NormalExit && client.exitCode() == 0;
    }
    QString lastOutput() const { return m_lastOutput; }

    static int freePort() {
        QTcpServer probe;
        probe.listen(QHostAddress::LocalHost, 0);
        return probe.serverPort();
    }

private:
    bool fail(QString& error, const QString& why) {
        error = why;
        return false;
    }
    QTemporaryDir m_dir;
    QProcess m_server;
    int m_port = 0;
    QString m_lastAdminError, m_lastOutput;
};

}  // namespace stampede::test
