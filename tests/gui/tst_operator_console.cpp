// The console as an operator meets it in the first minutes (issue 12), driven through the real
// MainWindow offscreen and read from what its widgets display: rejection shares that add up,
// elapsed time that stops with the run, a refused start shown where the operator looks, a
// campaigns table that shows the scenario it lists, DLQ replays marked in the store as the CLI
// marks them, and the stored run the inspector shows, named and chosen. Each test has its own
// store, so none reads another's runs.
#include <QtTest>

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QProcess>
#include <QProgressBar>
#include <QSettings>
#include <QStatusBar>
#include <QTableView>

#include <numeric>

#include "docks/campaigns_dock.h"
#include "docks/dashboard_dock.h"
#include "docks/dlq_dock.h"
#include "docks/launcher_dock.h"
#include "engine_controller.h"
#include "main_window.h"
#include "models/campaign_model.h"
#include "models/dlq_model.h"
#include "models/state_flow_model.h"
#include "stampede/store/store.h"
#include "store_actions.h"
#include "store_info.h"

using namespace stampede;
using namespace stampede::ui;

namespace {

bool over(const MainWindow& w, const char* scenario) {
    const auto s = w.controller()->snapshot();
    return s && (s->status == RunStatus::Completed || s->status == RunStatus::Stopped) &&
           s->run.scenarioName.find(scenario) != std::string::npos;
}

// Selects a shipped scenario, runs it as fast as it goes (with `settings` over the scenario's)
// and waits for its end.
bool runToTheEnd(MainWindow& w, const char* scenario, const QVariantMap& settings = {}) {
    const QString path = QStringLiteral(":/simulations/%1.json").arg(QLatin1String(scenario));
    if (!w.launcherDock()->selectScenario(path)) return false;
    w.launcherDock()->setRunSetting(QStringLiteral("pace"), QStringLiteral("asap"));
    for (auto it = settings.begin(); it != settings.end(); ++it)
        w.launcherDock()->setRunSetting(it.key(), it.value());
    if (!QTest::qWaitFor([&] { return w.launcherDock()->startAction()->isEnabled(); }, 10000))
        return false;
    QSignalSpy started(w.controller(), &EngineController::runStarted);
    w.launcherDock()->startAction()->trigger();
    // Not the end of an earlier run of the same scenario: this one's.
    return QTest::qWaitFor([&] { return started.count() == 1 && over(w, scenario); }, 90000);
}

QString cellText(const QTableView* view, int row, int column) {
    return view->model()->index(row, column).data().toString();
}

std::unique_ptr<store::Store> openStore(const QString& url) {
    std::string error;
    auto parsed = store::parseStoreUrl(url.toStdString(), error);
    return parsed ? store::Store::open(*parsed, error) : nullptr;
}

}  // namespace

class TestOperatorConsole : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    int m_stores = 0;

    // A store of the test's own: no test sees another's runs.
    QString freshStore() {
        const QString url = QStringLiteral("sqlite://") +
                            m_dir.filePath(QStringLiteral("store-%1.db").arg(++m_stores));
        qputenv("STAMPEDE_STORE", url.toUtf8());
        return url;
    }

private Q_SLOTS:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("StampedeTests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_operator_console"));
        QSettings().clear();
        qunsetenv("STAMPEDE_MYSQL");
        qunsetenv("STAMPEDE_REDIS");
    }

    // Defect 1: a count's share is of every rejection, so when LOTTERY_LOST joins SOLD_OUT the
    // SOLD_OUT row's share changes too, and the view must be told (it repaints only that).
    void rejectionSharesAreRepaintedWhenTheTotalMoves() {
        RejectionModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::Fatal);
        Snapshot s;
        const int soldOut = int(core::RejectReason::SoldOut) - 1;
        const int lost = int(core::RejectReason::LotteryLost) - 1;
        s.rejected[soldOut + 1] = 1781;
        model.update(s);
        QCOMPARE(model.shareText(soldOut), QStringLiteral("1,781  ·  100.0 %"));
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        s.rejected[lost + 1] = 1936;
        model.update(s);
        bool soldOutRepainted = false;
        for (const auto& args : changed) {
            const auto from = args.at(0).toModelIndex(), to = args.at(1).toModelIndex();
            soldOutRepainted = soldOutRepainted || (from.row() <= soldOut && soldOut <= to.row());
        }
        QVERIFY2(soldOutRepainted, "SOLD_OUT's share changed but its cell was not repainted");
        QCOMPARE(model.shareText(soldOut), QStringLiteral("1,781  ·  47.9 %"));
        QCOMPARE(model.shareText(lost), QStringLiteral("1,936  ·  52.1 %"));
    }

    // Defect 1, in the window: seed-000 to its end; the shares the dashboard shows add up.
    void rejectionSharesAddUpOnTheDashboard() {
        freshStore();
        MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(runToTheEnd(w, "seed-000"));
        auto* view = w.dashboardDock()->findChild<QTableView*>();
        QVERIFY(view);
        const auto* model = qobject_cast<const RejectionModel*>(view->model());
        QVERIFY(model);
        const auto& rejected = w.controller()->snapshot()->rejected;
        QTRY_COMPARE(model->total(),
                     std::accumulate(rejected.begin() + 1, rejected.end(), std::int64_t{0}));
        double sum = 0;
        int shown = 0;
        for (int r = 0; r < model->rowCount(); ++r) {
            const QString text = model->shareText(r);
            if (text == QStringLiteral("0")) continue;
            ++shown;
            sum +=
                text.section(QStringLiteral("·"), 1).remove(QLatin1Char('%')).trimmed().toDouble();
        }
        QVERIFY(shown >= 2);  // SOLD_OUT and LOTTERY_LOST
        QVERIFY2(std::abs(sum - 100.0) < 0.3, qPrintable(QString::number(sum)));
        w.grab().save(QDir::tempPath() + QStringLiteral("/stampede_seed000_shares.png"));
    }

    // Defect 2: once the run is over, the launcher's bar and the status bar say how long it
    // took, while the engine's clock goes on.
    void elapsedTimeStopsWithTheRun() {
        freshStore();
        MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(runToTheEnd(w, "seed-001"));
        const double wall = w.controller()->snapshot()->wallS;
        // The engine keeps publishing; wait until its clock is well past the run's end.
        QTRY_VERIFY_WITH_TIMEOUT(w.controller()->snapshot()->elapsedS > wall + 0.5, 10000);
        const QString took = QString::number(wall, 'f', 2) + QStringLiteral(" s");
        auto* bar = w.launcherDock()->findChild<QProgressBar*>(QStringLiteral("runProgress"));
        QVERIFY(bar);
        QCOMPARE(bar->format(), QStringLiteral("completed — ") + took);
        bool statusSaysIt = false;
        for (const QLabel* label : w.statusBar()->findChildren<QLabel*>())
            statusSaysIt =
                statusSaysIt || label->text().startsWith(QStringLiteral("completed · ") + took);
        QVERIFY(statusSaysIt);
    }

    // Defect 6: a start refused (mysql-pessimistic, no MySQL anywhere) is shown in the launcher,
    // the dashboard's header and the status bar, and stays shown while the last run's snapshots
    // keep coming.
    void refusedStartIsShownWhereTheOperatorLooks() {
        qputenv("STAMPEDE_STORE", "none");
        MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(runToTheEnd(w, "seed-001"));
        auto* banner = w.dashboardDock()->refusalBanner();
        QVERIFY2(!banner->isVisible(), qPrintable(banner->text()));
        w.launcherDock()->setRunSetting(QStringLiteral("guard"),
                                        QStringLiteral("mysql-pessimistic"));
        QSignalSpy refused(w.controller(), &EngineController::runRefused);
        QSignalSpy snapshots(w.controller(), &EngineController::snapshotUpdated);
        w.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&w));
        QTest::keyClick(&w, Qt::Key_F5);
        QTRY_COMPARE_WITH_TIMEOUT(refused.count(), 1, 10000);
        const QString why = refused.at(0).at(0).toString();
        QVERIFY(why.contains(QStringLiteral("mysql")));
        snapshots.clear();
        QTRY_VERIFY(snapshots.count() >= 5);  // the last run's snapshots go on arriving
        QVERIFY(banner->isVisible());
        QVERIFY(banner->text().contains(why));
        auto* status = w.launcherDock()->findChild<QLabel*>(QStringLiteral("runStatus"));
        QCOMPARE(status->text(), QStringLiteral("Run not started: ") + why);
        auto* bar = w.launcherDock()->findChild<QProgressBar*>(QStringLiteral("runProgress"));
        QCOMPARE(bar->format(), QStringLiteral("not started"));
        // The campaigns are as they were: the table keeps the last run's figures.
        QCOMPARE(cellText(w.campaignsDock()->table(), 0, CampaignModel::Issued),
                 QStringLiteral("50"));
        auto* inStatusBar = w.statusBar()->findChild<QLabel*>(QStringLiteral("statusRefused"));
        QVERIFY(inStatusBar && inStatusBar->isVisible());
        w.grab().save(QDir::tempPath() + QStringLiteral("/stampede_refused.png"));

        // Back to a guard that needs nothing: the next start clears it.
        w.launcherDock()->setRunSetting(QStringLiteral("guard"), QStringLiteral("atomic"));
        QVERIFY(status->text() != QStringLiteral("Run not started: ") + why);
        QVERIFY(runToTheEnd(w, "seed-001"));
        QVERIFY(!banner->isVisible());
        QVERIFY(!inStatusBar->isVisible());
    }

    // Defect 3: after seed-000 (coupon: stock 200, 200 issued), seed-003's coupon shows its own
    // stock 100 and nothing issued; a stock set after a run shows in the table.
    void campaignsTableShowsTheScenarioItLists() {
        qputenv("STAMPEDE_STORE", "none");
        MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(runToTheEnd(w, "seed-000"));
        QTableView* table = w.campaignsDock()->table();
        const int coupon = w.campaignsDock()->model()->rowOf(QStringLiteral("coupon"));
        QCOMPARE(cellText(table, coupon, CampaignModel::Issued), QStringLiteral("200"));
        QVERIFY(w.launcherDock()->selectScenario(QStringLiteral(":/simulations/seed-003.json")));
        QCOMPARE(table->model()->rowCount(), 1);
        QCOMPARE(cellText(table, 0, CampaignModel::Stock), QStringLiteral("100"));
        QCOMPARE(cellText(table, 0, CampaignModel::Issued), QStringLiteral("0"));
        QCOMPARE(cellText(table, 0, CampaignModel::Remaining), QStringLiteral("100"));

        QVERIFY(runToTheEnd(w, "seed-003"));
        QCOMPARE(cellText(table, 0, CampaignModel::Issued), QStringLiteral("100"));
        QVERIFY(w.campaignsDock()->setStock(0, 5000).isEmpty());
        QCOMPARE(cellText(table, 0, CampaignModel::Stock), QStringLiteral("5000"));
        QCOMPARE(w.controller()->scenario().campaigns.at(0).stock, std::int64_t(5000));
    }

    // Defect 4: "Replay all" after seed-000 marks every entry in the store as it is decided,
    // exactly as `stampede-cli dlq replay` does; after a restart nothing of it is pending.
    void dlqReplayIsMarkedInTheStore() {
        const QString url = freshStore();
        std::int64_t runId = 0;
        {
            MainWindow w;
            QSignalSpy persisted(w.controller(), &EngineController::runPersisted);
            w.show();
            QVERIFY(QTest::qWaitForWindowExposed(&w));
            QVERIFY(runToTheEnd(w, "seed-000"));
            QTRY_COMPARE_WITH_TIMEOUT(persisted.count(), 1, 20000);
            runId = persisted.at(0).at(0).toLongLong();
            auto db = openStore(url);
            QVERIFY(db);
            const std::size_t pending = db->deadLetters(runId).size();
            QVERIFY(pending > 0);
            DlqDock* dlq = w.dlqDock();
            QTRY_COMPARE_WITH_TIMEOUT(std::size_t(dlq->model()->rowCount()), pending, 10000);
            QTRY_VERIFY(dlq->replayAllAction()->isEnabled());
            dlq->setRateLimit(0);
            dlq->replayAllAction()->trigger();
            QVERIFY(dlq->runningReplay());
            QTRY_VERIFY_WITH_TIMEOUT(!dlq->runningReplay(), 30000);
            if (!db->deadLetters(runId).empty())  // say what the console saw before failing
                for (const auto& e : w.controller()->events())
                    qWarning("event: %s", qPrintable(e.text));
            QCOMPARE(db->deadLetters(runId).size(), std::size_t(0));
            QCOMPARE(db->deadLetters(runId, {}, true).size(), pending);  // replayed, not gone
            QVERIFY(w.controller()->showsStoredDlq());
            // The list follows the store and stays on this run (it does not switch runs).
            QTRY_COMPARE_WITH_TIMEOUT(dlq->model()->rowCount(), 0, 10000);
            QCOMPARE(w.controller()->storedDlqRun(), runId);
        }
        MainWindow again;  // a restart on the same store
        again.show();
        QVERIFY(QTest::qWaitForWindowExposed(&again));
        QVERIFY(again.controller()->showsStoredDlq());
        again.dlqDock()->refresh();
        QTRY_VERIFY_WITH_TIMEOUT(!again.controller()->deadLettersLoading(), 10000);
        QCOMPARE(again.dlqDock()->model()->rowCount(), 0);
    }

    // Defect 5: dead letters from the store name their run, show the payload's user, and the
    // operator chooses the run; "Replay all" leaves the list on that run.
    void storedDeadLettersNameTheirRunAndTheOperatorChoosesIt() {
        const QString url = freshStore();
        const QString scenario = m_dir.filePath(QStringLiteral("failing.json"));
        QFile f(scenario);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(R"({"name": "failing", "campaigns": [{"id": "c1", "stock": 1000}],
          "arrivals": [{"campaign": "c1", "profile": "spike", "users": 200}],
          "faults": {"permanent_failure_rate": 0.2}, "run": {"pace": "asap"}})");
        f.close();
        for (int run = 0; run < 2; ++run) {  // two earlier sessions, each leaving dead letters
            QProcess cli;
            cli.start(QStringLiteral(STAMPEDE_CLI_PATH),
                      {QStringLiteral("run"), scenario, QStringLiteral("--store"), url,
                       QStringLiteral("--quiet")});
            QVERIFY(cli.waitForFinished(60000));
            QCOMPARE(cli.exitCode(), 0);
        }
        auto db = openStore(url);
        const auto first = db->deadLetters(1), second = db->deadLetters(2);
        QVERIFY(!first.empty() && !second.empty());

        MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        DlqDock* dlq = w.dlqDock();
        dlq->raise();
        dlq->refresh();
        QComboBox* runs = dlq->runChoice();
        QTRY_COMPARE_WITH_TIMEOUT(runs->count(), 2, 10000);
        QVERIFY(runs->isVisible());
        QCOMPARE(runs->currentData().toLongLong(), 2LL);  // the latest with pending entries
        QVERIFY2(runs->currentText().startsWith(QStringLiteral("run 2 · failing · ")),
                 qPrintable(runs->currentText()));
        QCOMPARE(std::size_t(dlq->model()->rowCount()), second.size());
        const QString user = dlq->proxy()->index(0, DlqModel::User).data().toString();
        QVERIFY2(!user.isEmpty() && user != QStringLiteral("0"), qPrintable(user));

        Q_EMIT runs->activated(runs->findData(1LL));  // the operator picks run 1
        QTRY_COMPARE_WITH_TIMEOUT(w.controller()->storedDlqRun(), std::int64_t(1), 10000);
        QTRY_COMPARE_WITH_TIMEOUT(std::size_t(dlq->model()->rowCount()), first.size(), 10000);
        QVERIFY(dlq->findChild<QLabel*>(QStringLiteral("dlqCount"))
                    ->text()
                    .contains(QStringLiteral("run 1 · failing")));

        dlq->setRateLimit(0);
        QVERIFY(dlq->replayAll());
        QTRY_VERIFY_WITH_TIMEOUT(!dlq->runningReplay(), 30000);
        QTRY_COMPARE_WITH_TIMEOUT(dlq->model()->rowCount(), 0, 10000);
        QCOMPARE(w.controller()->storedDlqRun(), std::int64_t(1));  // still run 1, now empty
        QCOMPARE(db->deadLetters(1).size(), std::size_t(0));
        QCOMPARE(db->deadLetters(2).size(), second.size());  // the other run untouched
        QTRY_VERIFY(runs->currentText().endsWith(QStringLiteral(" 0 pending")));
    }

    // Defect 8: the Store menu says where the store is, how big it is and how many runs it has.
    void storeMenuSaysWhereTheStoreIsAndItsSize() {
        const QString url = freshStore();
        const QString path = url.mid(int(qstrlen("sqlite://")));
        MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(runToTheEnd(w, "seed-001"));
        QSignalSpy read(w.controller(), &EngineController::storedRunsRead);
        auto* menu = w.menuBar()->findChild<QMenu*>(QStringLiteral("storeMenu"));
        QVERIFY(menu);
        QMetaObject::invokeMethod(menu, "aboutToShow");  // what opening the menu does
        QAction* info = w.storeInfo()->action();
        QTRY_VERIFY_WITH_TIMEOUT(info->text().endsWith(QStringLiteral("1 run")), 10000);
        QVERIFY2(info->text().startsWith(QStringLiteral("Store: ") + path),
                 qPrintable(info->text()));
        // The write-behind sink and SQLite's checkpoints may still grow the file for a moment
        // after the run ends: read the size again (as reopening the menu does) until the store
        // is idle, then the menu must show exactly the size on disk.
        const auto sizeOnDisk = [&] {
            return QLocale().formattedDataSize(QFileInfo(path).size() +
                                               QFileInfo(path + QStringLiteral("-wal")).size());
        };
        QTRY_VERIFY2_WITH_TIMEOUT((w.storeInfo()->refresh(), info->text().contains(sizeOnDisk())),
                                  qPrintable(info->text() + QStringLiteral(" / ") + sizeOnDisk()),
                                  10000);
        QVERIFY(menu->actions().contains(info));
    }

    // Defect 9: the operator deletes old runs and the store gives the space back; the Store
    // menu's line follows.
    void oldRunsAreDeletedAndTheStoreCompacted() {
        const QString url = freshStore();
        const QString path = url.mid(int(qstrlen("sqlite://")));
        for (int run = 0; run < 3; ++run) {
            QProcess cli;
            cli.start(QStringLiteral(STAMPEDE_CLI_PATH),
                      {QStringLiteral("run"),
                       QStringLiteral(STAMPEDE_SOURCE_DIR "/simulations/seed-003.json"),
                       QStringLiteral("--store"), url, QStringLiteral("--pace"),
                       QStringLiteral("asap"), QStringLiteral("--quiet")});
            QVERIFY(cli.waitForFinished(60000));
            QCOMPARE(cli.exitCode(), 0);
        }
        const qint64 before =
            QFileInfo(path).size() + QFileInfo(path + QStringLiteral("-wal")).size();
        MainWindow w;
        w.storeInfo()->refresh();
        QTRY_VERIFY_WITH_TIMEOUT(w.storeInfo()->action()->text().endsWith(QStringLiteral("3 runs")),
                                 10000);
        QSignalSpy done(w.storeActions(), &StoreActions::done);
        w.storeActions()->deleteOldRuns(1);
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 30000);
        QVERIFY2(done.at(0).at(0).toBool(), qPrintable(done.at(0).at(1).toString()));
        QVERIFY(done.at(0).at(1).toString().startsWith(QStringLiteral("Deleted 2 old run(s)")));
        auto db = openStore(url);
        const auto runs = db->runs();
        QCOMPARE(runs.size(), std::size_t(1));
        QCOMPARE(runs[0].id, std::int64_t(3));
        QCOMPARE(db->countIssued(3), std::int64_t(100));  // the kept run is whole
        QCOMPARE(db->countIssued(1), std::int64_t(0));
        const qint64 after =
            QFileInfo(path).size() + QFileInfo(path + QStringLiteral("-wal")).size();
        QVERIFY2(after < before, qPrintable(QStringLiteral("%1 -> %2").arg(before).arg(after)));
        QTRY_VERIFY_WITH_TIMEOUT(w.storeInfo()->action()->text().endsWith(QStringLiteral("1 run")),
                                 10000);
        QVERIFY(w.storeActions()->deleteOldRunsAction()->isEnabled());
    }

    // Defect 7: replaying seed-000's DLQ after the sell-out (into the engine: no store) leaves
    // the dashboard's fairness figure as the run made it and shows the replay's part apart,
    // with a tooltip that says what the number means.
    void aReplayShowsItsInversionsApart() {
        qputenv("STAMPEDE_STORE", "none");
        MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        // At its own pace, as the operator saw it: the run itself is fair (0).
        QVERIFY(runToTheEnd(w, "seed-000", {{QStringLiteral("pace"), QStringLiteral("realtime")}}));
        auto* tile = w.dashboardDock()->findChild<QLabel*>(QStringLiteral("fairnessInversions"));
        QVERIFY(tile);
        const std::int64_t system = w.controller()->snapshot()->fairnessInversions;
        QTRY_COMPARE(tile->text(), formatCount(system));
        QVERIFY(tile->toolTip().contains(QStringLiteral("by operator")));
        DlqDock* dlq = w.dlqDock();
        QTRY_VERIFY(dlq->replayAllAction()->isEnabled());
        dlq->setRateLimit(0);
        dlq->replayAllAction()->trigger();
        QVERIFY(dlq->runningReplay());
        QTRY_VERIFY_WITH_TIMEOUT(!dlq->runningReplay(), 30000);
        QTRY_VERIFY_WITH_TIMEOUT(w.controller()->snapshot()->operatorInversions > 0, 10000);
        const auto after = w.controller()->snapshot();
        QCOMPARE(after->fairnessInversions, system);
        QTRY_COMPARE(tile->text(),
                     QStringLiteral("%1 (+%2 by operator)")
                         .arg(formatCount(system), formatCount(after->operatorInversions)));
        w.grab().save(QDir::tempPath() + QStringLiteral("/stampede_replay_inversions.png"));
    }
};

QTEST_MAIN(TestOperatorConsole)
#include "tst_operator_console.moc"
