// A run that fails on its live system is said where the operator looks. Redis without RDB or
// AOF is warned of as the run starts (the CLI warns on stderr; the console said nothing), and a
// Redis restarted empty mid-run fails the run with "stock lost": the dashboard showed a plain
// COMPLETED beside numbers that looked right, and only the summary JSON said why.
#include <QtTest>

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QSettings>
#include <QTemporaryDir>

#include "docks/campaigns_dock.h"
#include "docks/dashboard_dock.h"
#include "docks/launcher_dock.h"
#include "engine_controller.h"
#include "main_window.h"
#include "models/campaign_model.h"
#include "redis_server.h"

using namespace stampede;
using namespace stampede::ui;

namespace {
bool loggedSomething(const EngineController& c, const QString& start) {
    for (const auto& e : c.events())
        if (e.text.startsWith(start)) return true;
    return false;
}
}  // namespace

class TestRunAlerts : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

    // 10,000 requests a second for 4 s on a stock of 30,000: still deciding when Redis goes.
    QString writeScenario() {
        const QString path = m_dir.filePath(QStringLiteral("alerts.json"));
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly)) return {};
        f.write(R"({"name": "alerts", "campaigns": [{"id": "coupon", "stock": 30000}],
          "arrivals": [{"campaign": "coupon", "profile": "constant", "rps": 10000,
                        "over_ms": 4000}]})");
        return path;
    }

private Q_SLOTS:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("StampedeTests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_run_alerts"));
        QSettings().clear();
        qputenv("STAMPEDE_STORE", "none");
    }

    void aRunFailedOnItsRedisIsShownNotJustCompleted() {
        test::RedisServer redis;
        redis.extraArgs = {QStringLiteral("--appendonly"), QStringLiteral("no")};
        QString error;
        QVERIFY2(redis.start(error), qPrintable(error));
        qputenv("STAMPEDE_REDIS", redis.url().toUtf8());

        MainWindow w;
        QVERIFY(w.launcherDock()->selectScenario(writeScenario(), &error));
        w.launcherDock()->setRunSetting(QStringLiteral("guard"), QStringLiteral("redis-lua"));
        w.launcherDock()->setRunSetting(QStringLiteral("pace"), QStringLiteral("realtime"));
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QLabel* alerts = w.dashboardDock()->alertBanner();
        QVERIFY(alerts);
        QVERIFY(!alerts->isVisible());
        w.launcherDock()->startAction()->trigger();

        // The caution, as the run starts, on the dashboard and in the event log.
        const QString caution = QStringLiteral("BACKEND: Redis at ") + redis.url() +
                                QStringLiteral(" keeps no RDB snapshots and no AOF");
        QTRY_VERIFY_WITH_TIMEOUT(alerts->isVisible() && alerts->text().startsWith(caution), 10000);
        QVERIFY(loggedSomething(*w.controller(), QStringLiteral("Warning: Redis at ")));
        QVERIFY(w.controller()->runInProgress());
        QTRY_VERIFY_WITH_TIMEOUT(w.controller()->snapshot()->issued >= 2000, 20000);
        const QImage before = w.grab().toImage();
        before.save(QDir::tempPath() + QStringLiteral("/stampede_alert_caution.png"));

        redis.kill();
        QVERIFY2(redis.start(error), qPrintable(error));
        QTRY_VERIFY_WITH_TIMEOUT(!w.controller()->runInProgress(), 60000);
        const auto snapshot = w.controller()->snapshot();
        QVERIFY2(!snapshot->failure.empty(), "the run did not fail");
        QCOMPARE(snapshot->overIssued, std::int64_t(0));
        QTRY_VERIFY2_WITH_TIMEOUT(
            alerts->text().startsWith(QStringLiteral("Run failed: stock lost")),
            qPrintable(alerts->text() + QStringLiteral(" / failure: ") +
                       QString::fromStdString(snapshot->failure)),
            5000);
        QVERIFY2(alerts->isVisible(), qPrintable(alerts->text()));
        QVERIFY2(alerts->text().contains(QStringLiteral("STOCK LOST: campaign 'coupon'")),
                 qPrintable(alerts->text()));
        QVERIFY2(alerts->text().contains(caution), qPrintable(alerts->text()));
        QVERIFY2(!alerts->text().contains(QStringLiteral("OVER-ISSUED")),
                 qPrintable(alerts->text()));
        QVERIFY(alerts->styleSheet().contains(QStringLiteral("#c62828")));  // red, not amber
        QVERIFY(loggedSomething(*w.controller(), QStringLiteral("Run failed: stock lost")));
        // Its remaining count is not the last one read (which reads as sold out): it is lost.
        CampaignModel* campaigns = w.campaignsDock()->model();
        QCOMPARE(campaigns->data(campaigns->index(0, CampaignModel::Remaining)).toString(),
                 QStringLiteral("lost"));
        w.grab().save(QDir::tempPath() + QStringLiteral("/stampede_alert_failed.png"));

        // The next run starts clean: its own alerts only.
        w.launcherDock()->setRunSetting(QStringLiteral("guard"), QStringLiteral("atomic"));
        w.launcherDock()->setRunSetting(QStringLiteral("pace"), QStringLiteral("asap"));
        QTRY_VERIFY_WITH_TIMEOUT(w.launcherDock()->startAction()->isEnabled(), 10000);
        w.launcherDock()->startAction()->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(w.controller()->snapshot()->run.guard == "atomic" &&
                                     !w.controller()->runInProgress() &&
                                     !w.controller()->starting(),
                                 30000);
        QTRY_VERIFY_WITH_TIMEOUT(!alerts->isVisible(), 5000);
        qputenv("STAMPEDE_REDIS", "");
    }
};

QTEST_MAIN(TestRunAlerts)
#include "tst_run_alerts.moc"
