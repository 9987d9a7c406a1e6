// The operator's walk-through of issue 12, scripted through the real MainWindow: start, seed-000
// to the end, replay the DLQ, restart, look at the DLQ, change stock during spike-1m, undo. Each
// step checks what the window displays and saves a screenshot under
// $TMPDIR/stampede-walkthrough/ (their names say the step) for a person to look at.
#include <QtTest>

#include <QComboBox>
#include <QLabel>
#include <QProgressBar>
#include <QSettings>
#include <QStatusBar>
#include <QTableView>
#include <QUndoStack>

#include "docks/campaigns_dock.h"
#include "docks/dashboard_dock.h"
#include "docks/dlq_dock.h"
#include "docks/launcher_dock.h"
#include "engine_controller.h"
#include "main_window.h"
#include "models/campaign_model.h"
#include "models/dlq_model.h"
#include "stampede/store/store.h"

using namespace stampede;
using namespace stampede::ui;

namespace {

QString shot(QWidget& w, const char* name) {
    const QString dir = QDir::tempPath() + QStringLiteral("/stampede-walkthrough");
    QDir().mkpath(dir);
    const QString file = dir + QLatin1Char('/') + QLatin1String(name) + QStringLiteral(".png");
    // Labels whose text just changed are laid out on the next turn of the event loop: the
    // picture is of what the operator sees, not of the geometry before.
    QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest);
    QCoreApplication::processEvents();
    w.grab().save(file);
    return file;
}

bool ended(const MainWindow& w, const char* scenario) {
    const auto s = w.controller()->snapshot();
    return s && (s->status == RunStatus::Completed || s->status == RunStatus::Stopped) &&
           s->run.scenarioName.find(scenario) != std::string::npos;
}

bool statusSays(QMainWindow& w, const QString& text) {
    for (const QLabel* label : w.statusBar()->findChildren<QLabel*>())
        if (label->text().contains(text)) return true;
    return false;
}

QString cell(QTableView* table, int row, int column) {
    return table->model()->index(row, column).data().toString();
}

}  // namespace

class TestOperatorWalkthrough : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

private Q_SLOTS:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("StampedeTests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_operator_walkthrough"));
        QSettings().clear();
        qunsetenv("STAMPEDE_MYSQL");
        qunsetenv("STAMPEDE_REDIS");
    }

    void walkThrough() {
        const QString path = m_dir.filePath(QStringLiteral("walk.db"));
        const QString url = QStringLiteral("sqlite://") + path;
        qputenv("STAMPEDE_STORE", url.toUtf8());
        std::int64_t runId = 0;
        std::size_t deadLetters = 0;
        {
            // Start: the console as a new operator opens it.
            MainWindow w;
            w.restoreSettings();
            w.show();
            QVERIFY(QTest::qWaitForWindowExposed(&w));
            shot(w, "01-start");

            // seed-000 to the end.
            QSignalSpy persisted(w.controller(), &EngineController::runPersisted);
            QVERIFY(
                w.launcherDock()->selectScenario(QStringLiteral(":/simulations/seed-000.json")));
            w.launcherDock()->setRunSetting(QStringLiteral("pace"), QStringLiteral("realtime"));
            w.launcherDock()->startAction()->trigger();
            QTRY_VERIFY_WITH_TIMEOUT(ended(w, "seed-000"), 60000);
            QTRY_COMPARE_WITH_TIMEOUT(persisted.count(), 1, 20000);
            runId = persisted.at(0).at(0).toLongLong();
            const auto s = w.controller()->snapshot();
            auto* bar = w.launcherDock()->findChild<QProgressBar*>(QStringLiteral("runProgress"));
            QCOMPARE(bar->format(), QStringLiteral("completed — %1 s").arg(s->wallS, 0, 'f', 2));
            QCOMPARE(s->overIssued, std::int64_t(0));
            DlqDock* dlq = w.dlqDock();
            deadLetters = std::size_t(s->dlqSize);
            QVERIFY(deadLetters > 0);
            QTRY_COMPARE_WITH_TIMEOUT(std::size_t(dlq->model()->rowCount()), deadLetters, 10000);
            shot(w, "02-seed000-end");

            // Replay the DLQ: every entry is marked in the store as it is decided.
            QTRY_VERIFY(dlq->replayAllAction()->isEnabled());
            dlq->setRateLimit(0);
            dlq->replayAllAction()->trigger();
            QVERIFY(dlq->runningReplay());
            QTRY_VERIFY_WITH_TIMEOUT(!dlq->runningReplay(), 30000);
            QTRY_COMPARE_WITH_TIMEOUT(dlq->model()->rowCount(), 0, 10000);
            std::string error;
            auto db = store::Store::open(*store::parseStoreUrl(url.toStdString(), error), error);
            QVERIFY2(db, error.c_str());
            QCOMPARE(db->deadLetters(runId).size(), std::size_t(0));
            // The status bar's DLQ figure follows the store, not the engine's end-of-run count.
            QTRY_VERIFY(statusSays(w, QStringLiteral("DLQ 0 pending in the store")));
            // And the dashboard's DLQ tile says the same (it kept the engine's 33 in red).
            auto* dlqTile = w.dashboardDock()->findChild<QLabel*>(QStringLiteral("dlqSize"));
            QVERIFY(dlqTile);
            QTRY_COMPARE(dlqTile->text(), QStringLiteral("0"));
            QTRY_VERIFY(dlq->runChoice()->currentText().endsWith(QStringLiteral(" 0 pending")));
            shot(w, "03-dlq-replayed");
            w.close();  // saves the settings, as quitting does
        }

        // Restart: the DLQ shows the stored run, with nothing of it pending.
        MainWindow w;
        w.restoreSettings();
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        DlqDock* dlq = w.dlqDock();
        dlq->raise();
        dlq->refresh();
        QTRY_VERIFY_WITH_TIMEOUT(!w.controller()->deadLettersLoading(), 10000);
        QCOMPARE(dlq->model()->rowCount(), 0);
        QVERIFY(w.controller()->showsStoredDlq());
        // Nothing pending anywhere: the list is still said to be that of the last run (it was
        // a blank chooser and "0 of 0 shown" from nowhere), and the idle status bar names no
        // half configuration (it read "decide-in-worker /  / inproc").
        QTRY_VERIFY(dlq->runChoice()->currentText().startsWith(QStringLiteral("run 1 · seed-000")));
        QTRY_VERIFY(dlq->findChild<QLabel*>(QStringLiteral("dlqCount"))
                        ->text()
                        .contains(QStringLiteral("from the store: run 1 · seed-000")));
        QVERIFY(statusSays(w, QStringLiteral("idle · no run yet")));
        shot(w, "04-restart-dlq");

        // spike-1m: set stock during the run, then undo; the table follows both.
        QVERIFY(w.launcherDock()->selectScenario(QStringLiteral(":/simulations/spike-1m.json")));
        w.launcherDock()->setRunSetting(QStringLiteral("pace"), QStringLiteral("realtime"));
        w.launcherDock()->startAction()->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(w.controller()->runInProgress(), 20000);
        CampaignModel* campaigns = w.campaignsDock()->model();
        QTableView* table = w.campaignsDock()->table();
        QTRY_VERIFY_WITH_TIMEOUT(
            campaigns->data(campaigns->index(0, CampaignModel::Issued)).toLongLong() > 0, 20000);
        const std::int64_t raised = 150000;
        QVERIFY(w.campaignsDock()->setStock(0, raised).isEmpty());
        QCOMPARE(cell(table, 0, CampaignModel::Stock), QString::number(raised));
        QTRY_COMPARE(w.controller()->snapshot()->stock, raised);
        shot(w, "05-spike-stock-raised");
        w.undoStack()->undo();
        QCOMPARE(cell(table, 0, CampaignModel::Stock), QStringLiteral("100000"));
        QTRY_COMPARE(w.controller()->snapshot()->stock, std::int64_t(100000));
        QCOMPARE(w.controller()->scenario().campaigns.at(0).stock, std::int64_t(100000));
        shot(w, "06-spike-stock-undone");
        w.launcherDock()->stopAction()->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(ended(w, "spike-1m"), 60000);
        const auto end = w.controller()->snapshot();
        QVERIFY(end->issued <= 100000);
        QCOMPARE(end->overIssued, std::int64_t(0));
        QCOMPARE(cell(table, 0, CampaignModel::Stock), QStringLiteral("100000"));
        shot(w, "07-spike-stopped");
    }
};

QTEST_MAIN(TestOperatorWalkthrough)
#include "tst_operator_walkthrough.moc"
