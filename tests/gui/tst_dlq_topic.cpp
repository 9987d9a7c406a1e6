// The DLQ inspector on a Kafka run's dead-letter topic, after the run, as an operator uses it:
// a run through the standalone mock broker leaves dead letters on its topic; the dock opens the
// topic and lists the pending entries. A run whose stock lived in its process is shown read-only;
// a redis-lua run's entries are replayed with "Replay all" against the shared stock in a real
// redis-server, the topic is read again and nothing is left pending, and Redis agrees. Set
// STAMPEDE_SCREENSHOT_DIR to keep pictures of the dock.
#include <QtTest>

#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QProcess>
#include <QProgressBar>

#include "docks/dlq_dock.h"
#include "engine_controller.h"
#include "kafka_test_support.h"
#include "models/dlq_model.h"
#include "redis_server.h"
#include "stampede/sim/scenario.h"

using namespace stampede;
using namespace stampede::ui;

namespace {

QString countText(const DlqDock& dock) {
    for (QLabel* l : dock.findChildren<QLabel*>())
        if (l->objectName() == QStringLiteral("dlqCount")) return l->text();
    return {};
}

bool logSays(const EngineController& controller, const QString& text) {
    for (const auto& e : controller.events())
        if (e.text.contains(text)) return true;
    return false;
}

void saveScreenshot(QWidget& widget, const QString& name) {
    const QString dir = qEnvironmentVariable("STAMPEDE_SCREENSHOT_DIR");
    if (!dir.isEmpty()) QVERIFY(widget.grab().save(dir + QLatin1Char('/') + name));
}

}  // namespace

class TestDlqTopic : public QObject {
    Q_OBJECT
    QProcess m_broker;
    QString m_bootstrap;

    // A CLI run of seed 000 through the broker; its summary.
    QJsonObject run(const QStringList& extra) {
        QProcess p;
        p.start(QStringLiteral(STAMPEDE_CLI_PATH),
                QStringList{QStringLiteral("run"),
                            QStringLiteral(STAMPEDE_SOURCE_DIR "/simulations/seed-000.json"),
                            QStringLiteral("--transport"), QStringLiteral("kafka"),
                            QStringLiteral("--kafka"), m_bootstrap, QStringLiteral("--pace"),
                            QStringLiteral("asap"), QStringLiteral("--json"), QStringLiteral("-"),
                            QStringLiteral("--quiet")} +
                    extra);
        if (!p.waitForFinished(60000)) return {};
        return QJsonDocument::fromJson(p.readAllStandardOutput()).object();
    }

private Q_SLOTS:
    void initTestCase() {
        m_bootstrap = test::startBroker(m_broker);
        QVERIFY(!m_bootstrap.isEmpty());
    }
    void cleanupTestCase() { test::stopBroker(m_broker); }

    void aStockThatLivedInItsProcessIsShownReadOnly() {
        const QJsonObject summary = run({});
        const int dead = summary.value(QStringLiteral("dead_lettered")).toInt();
        QVERIFY(dead > 0);
        const QString topic = test::deadLetterTopicOf(summary);
        QVERIFY(!topic.isEmpty());

        EngineController controller;
        DlqDock dock(&controller);
        dock.resize(1100, 420);
        dock.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dock));
        dock.openTopic(m_bootstrap, topic);
        QTRY_COMPARE_WITH_TIMEOUT(dock.model()->rowCount(), dead, 30000);
        QVERIFY(controller.showsTopicDlq());
        QVERIFY(!controller.topicStatus().notReplayable.isEmpty());
        QVERIFY(!dock.replayAllAction()->isEnabled());
        QVERIFY(!dock.replayAll());
        QVERIFY2(countText(dock).contains(QStringLiteral("read-only")),
                 qPrintable(countText(dock)));
        saveScreenshot(dock, QStringLiteral("dlq-topic.png"));
        // A topic that is not there: said so, nothing replaced.
        dock.openTopic(m_bootstrap, QStringLiteral("no.such.topic"));
        QTRY_VERIFY_WITH_TIMEOUT(countText(dock).contains(QStringLiteral("not read")), 30000);
        QCOMPARE(dock.model()->rowCount(), dead);
    }

    // A console run on Kafka goes to the topics the environment names (STAMPEDE_KAFKA,
    // STAMPEDE_KAFKA_TOPIC_PREFIX, STAMPEDE_KAFKA_TOPIC), and File › Open dead-letter topic…
    // offers that run's topic, which then opens with its dead letters.
    void aConsoleRunUsesTheTopicsTheEnvironmentNames() {
        qputenv("STAMPEDE_STORE", "none");
        qputenv("STAMPEDE_KAFKA", m_bootstrap.toUtf8());
        qputenv("STAMPEDE_KAFKA_TOPIC_PREFIX", "console");
        qputenv("STAMPEDE_KAFKA_TOPIC", "console.requests");
        EngineController controller;
        auto load = sim::loadScenarioFile(STAMPEDE_SOURCE_DIR "/simulations/seed-000.json");
        QVERIFY(load.ok());
        load.scenario->run.transport = core::Transport::Kafka;
        load.scenario->run.pace = core::Pace::Asap;
        controller.setScenario(*load.scenario);
        DlqDock dock(&controller);
        dock.resize(1100, 420);
        dock.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dock));
        controller.start();
        QTRY_COMPARE_WITH_TIMEOUT(int(controller.snapshot()->status), int(RunStatus::Completed),
                                  60000);
        qunsetenv("STAMPEDE_KAFKA_TOPIC");
        qunsetenv("STAMPEDE_KAFKA_TOPIC_PREFIX");
        qunsetenv("STAMPEDE_KAFKA");
        const auto snapshot = controller.snapshot();
        const QString detail = QString::fromStdString(snapshot->transport.detail);
        QVERIFY2(detail.contains(QStringLiteral("topic console.requests (")) &&
                     detail.contains(QStringLiteral("shared")) &&
                     detail.contains(QStringLiteral("dead letters console.")),
                 qPrintable(detail));
        const int dead = int(snapshot->deadLettered);
        QVERIFY(dead > 0);
        const QStringList offered = dock.lastKafkaTopic().split(QLatin1Char(' '));
        QCOMPARE(offered.size(), 2);
        QCOMPARE(offered[0], m_bootstrap);
        QVERIFY(offered[1].startsWith(QStringLiteral("console.")));
        dock.openTopic(offered[0], offered[1]);
        QTRY_VERIFY_WITH_TIMEOUT(controller.showsTopicDlq(), 30000);
        QCOMPARE(dock.model()->rowCount(), dead);
    }

    void replayAllDecidesAgainstTheSharedStockOnce() {
        test::RedisServer redis;
        QString error;
        QVERIFY2(redis.start(error), qPrintable(error));
        qputenv("STAMPEDE_REDIS", redis.url().toUtf8());  // the console's live guards go there
        const QJsonObject summary = run({QStringLiteral("--guard"), QStringLiteral("redis-lua"),
                                         QStringLiteral("--redis"), redis.url()});
        const int dead = summary.value(QStringLiteral("dead_lettered")).toInt();
        QVERIFY(dead > 0);
        const QString topic = test::deadLetterTopicOf(summary);
        const QString prefix = summary.value(QStringLiteral("backend"))
                                   .toObject()
                                   .value(QStringLiteral("detail"))
                                   .toString();
        // The operator raises the coupon's stock after the run, so the owed coupons can go.
        redis.cli({QStringLiteral("INCRBY"), prefix + QStringLiteral(":0:remaining"),
                   QStringLiteral("100")});
        const QString appliedBefore =
            redis.cli({QStringLiteral("SCARD"), prefix + QStringLiteral(":0:applied")});

        EngineController controller;
        DlqDock dock(&controller);
        dock.resize(1100, 420);
        dock.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dock));
        dock.setRateLimit(0);
        dock.openTopic(m_bootstrap, topic);
        QTRY_COMPARE_WITH_TIMEOUT(dock.model()->rowCount(), dead, 30000);
        QVERIFY2(controller.topicStatus().notReplayable.isEmpty(),
                 qPrintable(controller.topicStatus().notReplayable));
        QCOMPARE(controller.topicStatus().guard, QStringLiteral("redis-lua"));
        QVERIFY(dock.replayAllAction()->isEnabled());
        QVERIFY(!dock.purgeAllAction()->isEnabled());  // Kafka keeps a topic's entries
        QVERIFY2(countText(dock).contains(QStringLiteral("redis-lua")),
                 qPrintable(countText(dock)));
        saveScreenshot(dock, QStringLiteral("dlq-topic-replayable.png"));

        dock.replayAllAction()->trigger();
        // Finished, the topic read again: nothing pending, and the log says what happened.
        QTRY_VERIFY_WITH_TIMEOUT(logSays(controller, QStringLiteral("Replay finished")), 60000);
        QTRY_COMPARE_WITH_TIMEOUT(dock.model()->rowCount(), 0, 30000);
        QTRY_VERIFY_WITH_TIMEOUT(
            countText(dock).contains(QStringLiteral("0 pending of %1").arg(dead)), 10000);
        QVERIFY(logSays(controller, QStringLiteral("failed and still pending")));
        saveScreenshot(dock, QStringLiteral("dlq-topic-replayed.png"));

        // Redis agrees: the coupon's dead letters each took a unit (the lottery's found it sold
        // out), and a second replay takes nothing.
        const int issuedByReplay =
            redis.cli({QStringLiteral("SCARD"), prefix + QStringLiteral(":0:applied")}).toInt() -
            appliedBefore.toInt();
        QVERIFY2(issuedByReplay > 0, qPrintable(QString::number(issuedByReplay)));
        QVERIFY(logSays(controller, QStringLiteral("%1 issued").arg(issuedByReplay)));
        const auto again = dock.replayAll();  // nothing pending: it decides nothing
        QVERIFY(again);
        QVERIFY(again->wait(std::chrono::seconds(30)));
        QCOMPARE(again->progress().total, 0);
        QTRY_VERIFY_WITH_TIMEOUT(!dock.findChild<QProgressBar*>()->isVisible(), 30000);
        QCOMPARE(
            redis.cli({QStringLiteral("SCARD"), prefix + QStringLiteral(":0:applied")}).toInt(),
            appliedBefore.toInt() + issuedByReplay);
        qunsetenv("STAMPEDE_REDIS");
    }
};

QTEST_MAIN(TestDlqTopic)
#include "tst_dlq_topic.moc"
