// MariaDB stops answering under a mysql-* run (SIGSTOP: a server hung in a long stall, a VM
// paused): statements time out while the server holds them, and carries them out once it goes on.
// The run must end with every request final, nothing over-issued, no unit leaked to a timed-out
// decision (its retry finds its own row in stampede_applied), and MariaDB's own ledger agreeing
// with the summary: rows in stampede_applied = issued, remaining + issued = stock.
// The stop lasts STAMPEDE_CHAOS_STOP_S seconds: 6 here (past the 5 s read timeout), 30 in the
// long form (`ctest -L chaos-long`).
#include <QtTest>

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>

#include <csignal>

#include "kafka_test_support.h"
#include "mariadb_server.h"

using namespace stampede;

namespace {
constexpr int kStock = 3000;

qint64 number(const QJsonObject& o, const char* key) {
    return o.value(QLatin1String(key)).toInteger();
}
qint64 finals(const QJsonObject& summary) {
    const QJsonObject states = summary.value(QStringLiteral("states")).toObject();
    return number(states, "SUCCEEDED") + number(states, "REJECTED") +
           number(states, "FAILED_FINAL");
}
int stopSeconds() {
    return qEnvironmentVariableIsSet("STAMPEDE_CHAOS_STOP_S")
               ? qEnvironmentVariableIntValue("STAMPEDE_CHAOS_STOP_S")
               : 6;
}
}  // namespace

class TestChaosMySql : public QObject {
    Q_OBJECT
    test::MariaDbServer m_server;
    QTemporaryDir m_dir;

    QString db() const { return QString::fromLatin1(test::MariaDbServer::kDatabase); }
    qint64 scalar(const QString& sql) {
        return m_server.admin(sql) ? m_server.lastOutput().toLongLong() : -1;
    }

    // 1,500 requests a second for 4 s on a stock of 3,000: sold out before the arrivals end.
    void startRun(QProcess& run, const QString& guard) {
        const QString scenario =
            test::writeConstantLoad(m_dir.filePath(QStringLiteral("mysql-chaos.json")),
                                    QStringLiteral("chaos-mysql"), kStock, 1500, 4000);
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("STAMPEDE_MYSQL_PASSWORD"),
                   QString::fromLatin1(test::MariaDbServer::kPassword));
        run.setProcessEnvironment(env);
        // The outage bound outlasts the stop: this case is about surviving it, not giving up
        // (tst_mysql_guards covers the bound).
        run.start(QStringLiteral(STAMPEDE_CLI_PATH),
                  {QStringLiteral("run"), scenario, QStringLiteral("--guard"), guard,
                   QStringLiteral("--mysql"), m_server.url(), QStringLiteral("--pace"),
                   QStringLiteral("realtime"), QStringLiteral("--give-up-after"),
                   QString::number(stopSeconds() * 3), QStringLiteral("--json"),
                   QStringLiteral("-"), QStringLiteral("--quiet")});
        QVERIFY(run.waitForStarted(5000));
    }

private Q_SLOTS:
    void initTestCase() {
        QString error;
        QVERIFY2(m_server.start(error), qPrintable(error));
    }
    // Each case's ledger is the only one in the database.
    void init() {
        QVERIFY(m_server.admin(
            QStringLiteral("DROP TABLE IF EXISTS %1.stampede_applied, %1.stampede_stock")
                .arg(db())));
    }

    void aStoppedMariaDbLeaksNoUnit_data() {
        QTest::addColumn<QString>("guard");
        QTest::newRow("mysql-atomic") << QStringLiteral("mysql-atomic");
        QTest::newRow("mysql-pessimistic") << QStringLiteral("mysql-pessimistic");
    }
    void aStoppedMariaDbLeaksNoUnit() {
        QFETCH(QString, guard);
        QProcess run;
        startRun(run, guard);
        const QString applied =
            QStringLiteral("SELECT COUNT(*) FROM %1.stampede_applied").arg(db());
        QTRY_VERIFY_WITH_TIMEOUT(scalar(applied) >= 300, 30000);
        QVERIFY(::kill(pid_t(m_server.pid()), SIGSTOP) == 0);
        QTest::qWait(stopSeconds() * 1000);  // the fault's length is the point of this test
        QVERIFY(::kill(pid_t(m_server.pid()), SIGCONT) == 0);

        QElapsedTimer t;
        t.start();
        // (waitForFinished() is false for a run that ended already.)
        QVERIFY(run.state() == QProcess::NotRunning || run.waitForFinished(120000));
        qInfo("the run ended %lld ms after MariaDB went on", t.elapsed());
        const QByteArray err = run.readAllStandardError();
        const QJsonObject summary = QJsonDocument::fromJson(run.readAllStandardOutput()).object();
        QVERIFY2(!summary.isEmpty(), err.constData());
        QVERIFY2(run.exitCode() == 0, err.constData());
        const QJsonObject backend = summary.value(QStringLiteral("backend")).toObject();
        QVERIFY2(backend.value(QStringLiteral("errors")).toInteger() > 0,
                 "no statement timed out: the stop did not reach the run");
        QCOMPARE(number(summary, "over_issued"), 0);
        QCOMPARE(number(summary, "under_issued"), 0);
        QCOMPARE(finals(summary), number(summary, "admitted"));
        QCOMPARE(number(summary, "issued"), qint64(kStock));  // 6,000 asked: every unit issued
        // MariaDB's own ledger agrees: one row a unit, none for a decision the run lost.
        const QString runKey = backend.value(QStringLiteral("detail"))
                                   .toString()
                                   .section(QLatin1Char('='), 1)
                                   .section(QLatin1Char(','), 0, 0);
        QCOMPARE(scalar(QStringLiteral("SELECT COUNT(*) FROM %1.stampede_applied WHERE run_key = "
                                       "'%2' AND campaign = 0")
                            .arg(db(), runKey)),
                 qint64(kStock));
        QCOMPARE(scalar(QStringLiteral("SELECT remaining FROM %1.stampede_stock WHERE run_key = "
                                       "'%2' AND campaign = 0")
                            .arg(db(), runKey)),
                 0);
        qInfo("%s: %lld backend errors, %lld retries over a %d s stop", qPrintable(guard),
              backend.value(QStringLiteral("errors")).toInteger(), number(summary, "retries"),
              stopSeconds());
    }
};

QTEST_GUILESS_MAIN(TestChaosMySql)
#include "tst_chaos_mysql.moc"
