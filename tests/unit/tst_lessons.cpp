// Every shipped lesson holds, as a trainer runs it: against a real redis-server and MariaDB
// started here (the Kafka lanes on librdkafka's in-process cluster), through stampede-cli lesson.
// A lesson that stops holding on a correct engine is a lesson that teaches something false.
#include <QtTest>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>

#include "mariadb_server.h"
#include "redis_server.h"
#include "stampede/compare/lesson.h"

using stampede::test::MariaDbServer;
using stampede::test::RedisServer;

class TstLessons : public QObject {
    Q_OBJECT
    RedisServer m_redis;
    MariaDbServer m_mysql;

private Q_SLOTS:
    void initTestCase() {
        QString error;
        QVERIFY2(m_redis.start(error), qPrintable(error));
        QVERIFY2(m_mysql.start(error), qPrintable(error));
        qputenv("STAMPEDE_MYSQL_PASSWORD", MariaDbServer::kPassword);
    }

    void everyShippedLessonHolds_data() {
        QTest::addColumn<QString>("name");
        for (const std::string& name : stampede::compare::shippedLessons())
            QTest::newRow(name.c_str()) << QString::fromStdString(name);
    }
    void everyShippedLessonHolds() {
        QFETCH(QString, name);
        QProcess p;
        p.start(QStringLiteral(STAMPEDE_CLI_PATH),
                {QStringLiteral("lesson"), name, QStringLiteral("--redis"), m_redis.url(),
                 QStringLiteral("--mysql"), m_mysql.url(), QStringLiteral("--quiet"),
                 QStringLiteral("--json"), QStringLiteral("-")});
        QVERIFY(p.waitForFinished(300000));
        const QByteArray out = p.readAllStandardOutput(), err = p.readAllStandardError();
        const QJsonObject json = QJsonDocument::fromJson(out).object();
        QString failed;
        for (const QJsonValue& f : json.value(QLatin1String("findings")).toArray())
            if (!f.toObject().value(QLatin1String("holds")).toBool())
                failed +=
                    f.toObject().value(QLatin1String("finding")).toString() + QLatin1String(" (") +
                    f.toObject().value(QLatin1String("detail")).toString() + QLatin1String(") ");
        QVERIFY2(p.exitCode() == 0, qPrintable(failed + QString::fromUtf8(err)));
        QVERIFY(!json.value(QLatin1String("findings")).toArray().isEmpty());
        for (const QJsonValue& l : json.value(QLatin1String("lanes")).toArray())
            QVERIFY2(l.toObject().value(QLatin1String("lane_status")).toString() ==
                         QLatin1String("done"),
                     qPrintable(l.toObject().value(QLatin1String("skipped")).toString()));
    }
};

QTEST_GUILESS_MAIN(TstLessons)
#include "tst_lessons.moc"
