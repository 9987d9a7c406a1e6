#pragma once
// A throwaway redis-server for tests: a free loopback port, a temporary directory with an
// append-only file (fsync always) so a restart keeps the keys; kill and restart on demand.

#include <QProcess>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QThread>

namespace stampede::test {

class RedisServer {
public:
    QStringList extraArgs;  // e.g. --requirepass SECRET
    ~RedisServer() { stop(); }

    bool start(QString& error) {
        if (m_port == 0) {
            QTcpServer probe;
            probe.listen(QHostAddress::LocalHost, 0);
            m_port = probe.serverPort();
        }
        m_server.setProcessChannelMode(QProcess::MergedChannels);
        m_server.start(QStringLiteral("redis-server"),
                       QStringList{QStringLiteral("--port"), QString::number(m_port),
                                   QStringLiteral("--bind"), QStringLiteral("127.0.0.1"),
                                   QStringLiteral("--dir"), m_dir.path(), QStringLiteral("--save"),
                                   QString(), QStringLiteral("--appendonly"), QStringLiteral("yes"),
                                   QStringLiteral("--appendfsync"), QStringLiteral("always")} +
                           extraArgs);
        if (!m_server.waitForStarted(5000)) {
            error = QStringLiteral("redis-server did not start");
            return false;
        }
        for (int i = 0; i < 100; ++i) {
            QTcpSocket s;
            s.connectToHost(QHostAddress::LocalHost, quint16(m_port));
            if (s.waitForConnected(100)) return true;
            QThread::msleep(50);
        }
        error = QStringLiteral("redis-server does not answer: ") +
                QString::fromUtf8(m_server.readAll());
        return false;
    }

    void kill() {
        m_server.kill();
        m_server.waitForFinished(5000);
    }

    void stop() {
        if (m_server.state() == QProcess::NotRunning) return;
        m_server.terminate();
        if (!m_server.waitForFinished(5000)) kill();
    }

    int port() const { return m_port; }
    qint64 pid() const { return m_server.processId(); }
    QString url() const { return QStringLiteral("redis://127.0.0.1:%1").arg(m_port); }

    // What the real client says.
    QString cli(const QStringList& args) {
        QProcess p;
        p.start(QStringLiteral("redis-cli"),
                QStringList{QStringLiteral("-p"), QString::number(m_port)} + args);
        p.waitForFinished(5000);
        return QString::fromUtf8(p.readAllStandardOutput()).trimmed();
    }

private:
    QTemporaryDir m_dir;
    QProcess m_server;
    int m_port = 0;
};

}  // namespace stampede::test
