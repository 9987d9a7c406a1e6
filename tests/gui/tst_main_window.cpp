// The console driven as an operator drives it (offscreen): create a campaign, set its stock,
// undo and redo, launch seed-001, read SUCCEEDED = 50 from the dashboard, then replay a dead
// letter of seed-000 from the inspector. Also: every console model under QAbstractItemModelTester,
// and settings that come back at the next start.
#include <QtTest>

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLineEdit>
#include <QProcess>
#include <QSettings>
#include <QTableView>
#include <QUndoStack>

#include "../unit/redis_server.h"
#include "docks/campaigns_dock.h"
#include "docks/dashboard_dock.h"
#include "docks/dlq_dock.h"
#include "docks/event_log_dock.h"
#include "docks/launcher_dock.h"
#include "engine_controller.h"
#include "gui_test_support.h"
#include "main_window.h"
#include "models/campaign_model.h"
#include "models/dlq_model.h"
#include "models/event_log_model.h"
#include "models/scenario_catalog_model.h"
#include "models/state_flow_model.h"
#include "stampede/guards/guard_registry.h"
#include "stampede/store/store.h"
#include "store_actions.h"
#include "views/campaign_dialog.h"

using namespace stampede;
using namespace stampede::ui;

namespace {

using test::flowCount;

bool completed(const MainWindow& w) {
    const auto s = w.controller()->snapshot();
    return s && s->status == RunStatus::Completed;
}

}  // namespace

class TestMainWindow : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_storeUrl;
private Q_SLOTS:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("StampedeTests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_main_window"));
        QSettings().clear();
        // Runs persist into a throwaway SQLite file, as they would into the user's data folder.
        m_storeUrl = QStringLiteral("sqlite://") + m_dir.filePath(QStringLiteral("console.db"));
        qputenv("STAMPEDE_STORE", m_storeUrl.toUtf8());
    }

    void operatorFlow() {
        MainWindow w;
        std::vector<qint64> persisted;
        connect(w.controller(), &EngineController::runPersisted, this,
                [&persisted](qint64 runId, qint64, qint64) { persisted.push_back(runId); });
        QCOMPARE(w.controller()->storeUrl(), m_storeUrl);
        QVERIFY(w.launcherDock()->selectScenario(QStringLiteral(":/simulations/seed-001.json")));
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        CampaignModel* campaigns = w.campaignsDock()->model();
        QAbstractItemModelTester campaignTester(
            campaigns, QAbstractItemModelTester::FailureReportingMode::Fatal);
        QCOMPARE(campaigns->rowCount(), 1);

        // New campaign… : fill the dialog as a person would and press OK.
        QTimer::singleShot(0, this, [] {
            auto* dialog = qobject_cast<CampaignDialog*>(QApplication::activeModalWidget());
            QVERIFY(dialog);
            dialog->findChild<QLineEdit*>(QStringLiteral("campaignId"))
                ->setText(QStringLiteral("vip"));
            dialog->findChild<QLineEdit*>(QStringLiteral("campaignName"))
                ->setText(QStringLiteral("VIP drop"));
            dialog->findChild<QDoubleSpinBox*>(QStringLiteral("campaignStock"))->setValue(10);
            dialog->accept();
        });
        w.campaignsDock()->newAction()->trigger();
        QCOMPARE(campaigns->rowCount(), 2);
        const int vip = campaigns->rowOf(QStringLiteral("vip"));
        QVERIFY(vip >= 0);
        QCOMPARE(campaigns->data(campaigns->index(vip, CampaignModel::Name)).toString(),
                 QStringLiteral("VIP drop"));

        // Set stock 50 in the table (what the inline editor does), then undo and redo it.
        QVERIFY(campaigns->setData(campaigns->index(vip, CampaignModel::Stock), 50));
        QCOMPARE(campaigns->campaign(vip).stock, std::int64_t(50));
        w.undoStack()->undo();
        QCOMPARE(campaigns->campaign(vip).stock, std::int64_t(10));
        w.undoStack()->redo();
        QCOMPARE(campaigns->campaign(vip).stock, std::int64_t(50));
        QVERIFY(!campaigns->setData(campaigns->index(vip, CampaignModel::Stock), -5));  // refused
        QVERIFY(w.campaignsDock()->message().contains(QStringLiteral("negative")));
        QCOMPARE(campaigns->campaign(vip).stock, std::int64_t(50));
        QCOMPARE(w.controller()->scenario().campaigns.size(), std::size_t(2));

        // Launch seed-001 and read the dashboard.
        w.launcherDock()->setRunSetting(QStringLiteral("pace"), QStringLiteral("asap"));
        w.launcherDock()->startAction()->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(completed(w), 30000);
        QTRY_COMPARE_WITH_TIMEOUT(
            flowCount(*w.dashboardDock()->flowModel(), QStringLiteral("SUCCEEDED")), 50, 5000);
        const int c1 = campaigns->rowOf(QStringLiteral("final-gift"));
        QVERIFY(c1 >= 0);
        // The run is announced before the store has begun it, so the table shows the figures
        // of the same snapshot as the dashboard (it lagged while the store made the run's row).
        QCOMPARE(campaigns->data(campaigns->index(c1, CampaignModel::Issued)).toInt(), 50);
        QCOMPARE(campaigns->data(campaigns->index(vip, CampaignModel::Issued)).toInt(), 0);
        w.grab().save(QDir::tempPath() + QStringLiteral("/stampede_seed001.png"));

        // seed-000 feeds the DLQ; replay one entry from the inspector.
        QVERIFY(w.launcherDock()->selectScenario(QStringLiteral(":/simulations/seed-000.json")));
        w.launcherDock()->setRunSetting(QStringLiteral("pace"), QStringLiteral("asap"));
        QTRY_VERIFY_WITH_TIMEOUT(w.launcherDock()->startAction()->isEnabled(), 10000);
        w.launcherDock()->startAction()->trigger();
        const auto seed000Done = [&w] {
            return completed(w) && w.controller()->snapshot()->run.scenarioName.find("seed-000") !=
                                       std::string::npos;
        };
        QElapsedTimer waited;
        waited.start();
        while (!seed000Done() && waited.elapsed() < 60000) QTest::qWait(20);
        if (!seed000Done()) {  // say what the console saw before failing
            for (const auto& e : w.controller()->events())
                qWarning("event: %s", qPrintable(e.text));
            QFAIL("seed-000 did not complete within 60 s");
        }
        const std::int64_t dlqBefore = w.controller()->snapshot()->dlqSize;
        QVERIFY(dlqBefore > 0);
        // Both runs are in the store, with their coupons, once the sink has drained; from then
        // on the inspector shows the run's dead letters from the store and replays there.
        QTRY_VERIFY_WITH_TIMEOUT(persisted.size() == 2, 10000);
        std::string error;
        auto db = store::Store::open(*store::parseStoreUrl(m_storeUrl.toStdString(), error), error);
        QVERIFY2(db, error.c_str());
        DlqDock* dlq = w.dlqDock();
        QTRY_COMPARE_WITH_TIMEOUT(std::int64_t(dlq->model()->rowCount()), dlqBefore, 5000);
        dlq->table()->selectRow(0);
        QVERIFY(dlq->replaySelected());
        QTRY_COMPARE_WITH_TIMEOUT(std::int64_t(db->deadLetters(persisted[1]).size()), dlqBefore - 1,
                                  10000);
        QTRY_COMPARE_WITH_TIMEOUT(std::int64_t(dlq->model()->rowCount()), dlqBefore - 1, 5000);
        QCOMPARE(w.controller()->snapshot()->overIssued, std::int64_t(0));
        QCOMPARE(db->countIssued(persisted[0]), std::int64_t(50));
        const auto runs = db->runs();
        QCOMPARE(runs.size(), std::size_t(2));
        QCOMPARE(runs[0].status, std::string("completed"));

        // Store menu: aggregate the last run with progress, then export its statistics.
        QSignalSpy done(w.storeActions(), &StoreActions::done);
        w.storeActions()->aggregateAction()->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 20000);
        QVERIFY2(done.at(0).at(0).toBool(), qPrintable(done.at(0).at(1).toString()));
        const QString csv = m_dir.filePath(QStringLiteral("stats.csv"));
        w.storeActions()->exportTo(csv, false);
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 2, 20000);
        QVERIFY2(done.at(1).at(0).toBool(), qPrintable(done.at(1).at(1).toString()));
        QFile stats(csv);
        QVERIFY(stats.open(QIODevice::ReadOnly));
        QVERIFY(stats.readLine().startsWith("run_id,campaign,bucket_ms"));
        QVERIFY(!stats.readLine().isEmpty());  // at least one bucket of seed-000

        // The event log saw both sides.
        EventLogModel* log = w.eventLogDock()->model();
        QAbstractItemModelTester logTester(log,
                                           QAbstractItemModelTester::FailureReportingMode::Fatal);
        bool started = false, replay = false;
        for (int r = 0; r < log->rowCount(); ++r) {
            const QString text = log->data(log->index(r, EventLogModel::Text)).toString();
            started = started || text.startsWith(QStringLiteral("Run started"));
            replay = replay || text.startsWith(QStringLiteral("Replay"));
        }
        QVERIFY(started);
        QVERIFY(replay);
    }

    void storedDeadLettersComeBackAfterARestart() {
        // A run from an earlier session left dead letters in the store (stock to spare).
        const QString scenario = m_dir.filePath(QStringLiteral("failing.json"));
        QFile f(scenario);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(R"({"name": "failing", "campaigns": [{"id": "c1", "stock": 1000}],
          "arrivals": [{"campaign": "c1", "profile": "spike", "users": 300}],
          "faults": {"permanent_failure_rate": 0.3}, "run": {"pace": "asap"}})");
        f.close();
        const QString url =
            QStringLiteral("sqlite://") + m_dir.filePath(QStringLiteral("earlier.db"));
        QProcess cli;
        cli.start(QStringLiteral(STAMPEDE_CLI_PATH),
                  {QStringLiteral("run"), scenario, QStringLiteral("--store"), url,
                   QStringLiteral("--quiet")});
        QVERIFY(cli.waitForFinished(60000));
        QCOMPARE(cli.exitCode(), 0);
        std::string error;
        auto db = store::Store::open(*store::parseStoreUrl(url.toStdString(), error), error);
        const auto pending = std::int64_t(db->deadLetters(std::nullopt).size());
        const std::int64_t issuedBefore = db->countIssued(1);
        QVERIFY(pending > 30);
        QCOMPARE(issuedBefore + pending, std::int64_t(300));

        qputenv("STAMPEDE_STORE", url.toUtf8());
        MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.controller()->showsStoredDlq());
        DlqDock* dlq = w.dlqDock();
        dlq->raise();
        dlq->refresh();
        QTRY_COMPARE_WITH_TIMEOUT(std::int64_t(dlq->model()->rowCount()), pending, 5000);
        dlq->table()->selectRow(0);
        dlq->table()->selectionModel()->select(
            dlq->table()->model()->index(1, 0),
            QItemSelectionModel::Select | QItemSelectionModel::Rows);
        QVERIFY(dlq->replaySelected());
        QTRY_COMPARE_WITH_TIMEOUT(std::int64_t(dlq->model()->rowCount()), pending - 2, 20000);
        QTRY_COMPARE_WITH_TIMEOUT(db->countIssued(1), issuedBefore + 2, 10000);
        QCOMPARE(db->countDistinctIssued(1), issuedBefore + 2);
        qputenv("STAMPEDE_STORE", m_storeUrl.toUtf8());
    }

    void launchesOnALiveRedis() {
        test::RedisServer redis;
        QString error;
        QVERIFY2(redis.start(error), qPrintable(error));
        qputenv("STAMPEDE_STORE", "none");
        qputenv("STAMPEDE_REDIS", "redis://127.0.0.1:1");  // nothing listens there
        MainWindow w;
        QVERIFY(w.launcherDock()->selectScenario(QStringLiteral(":/simulations/seed-003.json")));
        w.launcherDock()->setRunSetting(QStringLiteral("guard"), QStringLiteral("redis-lua"));
        w.launcherDock()->setRunSetting(QStringLiteral("pace"), QStringLiteral("asap"));
        QSignalSpy refused(w.controller(), &EngineController::runRefused);
        w.launcherDock()->startAction()->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(refused.count(), 1, 10000);
        QVERIFY(refused.at(0).at(0).toString().contains(QStringLiteral("redis-lua")));

        qputenv("STAMPEDE_REDIS", redis.url().toUtf8());
        QTRY_VERIFY_WITH_TIMEOUT(w.launcherDock()->startAction()->isEnabled(), 5000);
        w.launcherDock()->startAction()->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(completed(w), 60000);
        const auto snap = w.controller()->snapshot();
        QCOMPARE(snap->issued, std::int64_t(100));
        QCOMPARE(snap->overIssued, std::int64_t(0));
        QCOMPARE(snap->backend.kind, std::string("redis"));
        qputenv("STAMPEDE_STORE", m_storeUrl.toUtf8());
    }

    void catalogListsTheShippedScenarios() {
        ScenarioCatalogModel catalog;
        QAbstractItemModelTester tester(&catalog,
                                        QAbstractItemModelTester::FailureReportingMode::Fatal);
        QVERIFY(catalog.rowCount() >= 5);
        QVERIFY(catalog.rowOfPath(QStringLiteral(":/simulations/seed-003.json")) >= 0);
        QString error;
        QTemporaryDir dir;
        QFile bad(dir.filePath(QStringLiteral("bad.json")));
        QVERIFY(bad.open(QIODevice::WriteOnly));
        bad.write(R"({"campaigns": [{"id": "x", "stock": -1}]})");
        bad.close();
        const int rows = catalog.rowCount();
        QCOMPARE(catalog.addFile(bad.fileName(), error), -1);
        QVERIFY(error.contains(QStringLiteral("stock")));
        QCOMPARE(catalog.rowCount(), rows);  // nothing changed
    }

    // The guard combo is the registry's list, family by family, each guard's description and
    // needs in its tooltip.
    void launcherOffersTheRegistrysGuards() {
        MainWindow w;
        const auto* combo = w.launcherDock()->findChild<QComboBox*>(QStringLiteral("guard"));
        QVERIFY(combo);
        const auto text = [](std::string_view s) {
            return QString::fromUtf8(s.data(), qsizetype(s.size()));
        };
        QStringList offered;
        for (int i = 0; i < combo->count(); ++i)
            if (!combo->itemText(i).isEmpty()) offered << combo->itemText(i);
        QStringList known;
        for (const guards::GuardInfo& g : guards::knownGuards()) known << text(g.name);
        QCOMPARE(offered, known);
        QCOMPARE(combo->count(), offered.size() + 2);  // a separator between the three families
        for (const guards::GuardInfo& g : guards::knownGuards()) {
            const QString tip =
                combo->itemData(combo->findText(text(g.name)), Qt::ToolTipRole).toString();
            QVERIFY2(tip.contains(text(g.description)), qPrintable(tip));
            QVERIFY2(tip.contains(text(g.needs())), qPrintable(tip));
        }
    }

    void settingsComeBack() {
        {
            MainWindow w;
            QVERIFY(
                w.launcherDock()->selectScenario(QStringLiteral(":/simulations/seed-003.json")));
            w.launcherDock()->setRunSetting(QStringLiteral("guard"), QStringLiteral("mutex"));
            w.launcherDock()->setRunSetting(QStringLiteral("workers"), 3);
            QVERIFY(w.campaignsDock()->setStock(0, 77).isEmpty());
            w.saveSettings();
        }
        MainWindow again;
        again.restoreSettings();
        QCOMPARE(again.controller()->scenarioFile(), QStringLiteral(":/simulations/seed-003.json"));
        QCOMPARE(again.controller()->scenario().run.guard, std::string("mutex"));
        QCOMPARE(again.controller()->scenario().run.workers, 3);
        QCOMPARE(again.controller()->scenario().campaigns.at(0).stock, std::int64_t(77));
        QCOMPARE(again.campaignsDock()->model()->campaign(0).stock, std::int64_t(77));
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_main_window.moc"
