// The Captures dock as an engineer uses it (offscreen): a capture recorded by a real run
// (stampede-cli run --record) opened in the library, its info and arrival-rate timeline shown,
// replayed four times as fast into the launcher's configuration, and the result read from the
// dashboard: the capture's requests and duplicates, exactly the stock issued. Also: the
// library comes back at the next start, a bad capture is said with its line, a campaign the
// scenario lacks is refused before anything is sent, and cancel ends a replay.
#include <QtTest>

#include <QLabel>
#include <QListWidget>
#include <QProcess>
#include <QSettings>
#include <QTemporaryDir>

#include "docks/captures_dock.h"
#include "docks/dashboard_dock.h"
#include "docks/launcher_dock.h"
#include "engine_controller.h"
#include "gui_test_support.h"
#include "main_window.h"
#include "models/state_flow_model.h"
#include "views/arrival_timeline.h"

using namespace stampede;
using namespace stampede::ui;

namespace {

using test::flowCount;

bool ended(const MainWindow& w) {
    const auto s = w.controller()->snapshot();
    return s && (s->status == RunStatus::Completed || s->status == RunStatus::Stopped) &&
           !w.controller()->runInProgress();
}

}  // namespace

class TestCapturesDock : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_capture;
    QJsonObject m_recorded;  // the recording run's summary

private Q_SLOTS:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("StampedeTests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_captures_dock"));
        QSettings().clear();
        // seed-001 (100 users for 50 coupons, some twice) recorded as it ran.
        m_capture = m_dir.filePath(QStringLiteral("seed-001.ndjson"));
        QProcess run;
        run.start(QStringLiteral(STAMPEDE_CLI_PATH),
                  {QStringLiteral("run"),
                   QStringLiteral(STAMPEDE_SOURCE_DIR "/simulations/seed-001.json"),
                   QStringLiteral("--record"), m_capture, QStringLiteral("--json"),
                   QStringLiteral("-"), QStringLiteral("--quiet")});
        QVERIFY(run.waitForFinished(60000));
        QCOMPARE(run.exitCode(), 0);
        m_recorded = QJsonDocument::fromJson(run.readAllStandardOutput()).object();
        QVERIFY(m_recorded.value(QStringLiteral("requests")).toInt() >= 100);
    }

    void aRecordedCaptureIsShownAndReplayedIntoTheDashboard() {
        MainWindow w;
        w.show();
        QVERIFY(w.launcherDock()->selectScenario(QStringLiteral(":/simulations/seed-001.json")));
        CapturesDock* dock = w.capturesDock();
        QSignalSpy read(dock, &CapturesDock::infoRead);
        dock->openCapture(m_capture);
        QVERIFY(read.wait(20000));
        QCOMPARE(read.first().first().toString(), QString());
        const qint64 requests = m_recorded.value(QStringLiteral("requests")).toInteger();
        QVERIFY(dock->info());
        QCOMPARE(dock->info()->requests, requests);
        QCOMPARE(dock->info()->duplicates,
                 m_recorded.value(QStringLiteral("duplicates")).toInteger());
        QVERIFY2(dock->infoText().contains(QStringLiteral("requests")),
                 qPrintable(dock->infoText()));
        // The timeline draws every request, at a peak rate above the average.
        QCOMPARE(dock->timeline()->total(), requests);
        QVERIFY(dock->timeline()->peakPerSecond() >=
                double(requests) / std::max(0.001, dock->info()->spanS()));
        QCOMPARE(dock->library()->item(0)->text(), QFileInfo(m_capture).absoluteFilePath());

        dock->setSpeed(4);
        QSignalSpy finished(dock, &CapturesDock::replayFinished);
        QCOMPARE(dock->replay(), QString());
        QVERIFY(dock->replaying());
        QVERIFY(finished.wait(60000));
        const QString outcome = finished.first().first().toString();
        QVERIFY2(outcome.startsWith(QStringLiteral("Replay done: sent %1").arg(requests)),
                 qPrintable(outcome));
        QTRY_VERIFY_WITH_TIMEOUT(ended(w), 20000);
        const auto s = w.controller()->snapshot();
        QCOMPARE(s->requests, requests);
        QCOMPARE(s->duplicates, m_recorded.value(QStringLiteral("duplicates")).toInteger());
        QCOMPARE(s->issued, std::int64_t(50));
        QCOMPARE(s->overIssued, std::int64_t(0));
        // As the dashboard shows it.
        QTRY_COMPARE_WITH_TIMEOUT(
            flowCount(*w.dashboardDock()->flowModel(), QStringLiteral("SUCCEEDED")), 50, 5000);
        if (qEnvironmentVariableIsSet("STAMPEDE_SCREENSHOTS")) {
            dock->raise();
            w.grab().save(qEnvironmentVariable("STAMPEDE_SCREENSHOTS") +
                          QStringLiteral("/captures-dock.png"));
        }
        w.saveSettings();
    }

    void theLibraryComesBackAtTheNextStart() {
        MainWindow w;
        QVERIFY(w.capturesDock()->library()->count() >= 1);
        QCOMPARE(w.capturesDock()->library()->item(0)->text(),
                 QFileInfo(m_capture).absoluteFilePath());
    }

    void aBadCaptureIsSaidWithItsLine() {
        const QString bad = m_dir.filePath(QStringLiteral("bad.ndjson"));
        QFile f(bad);
        QVERIFY(f.open(QIODevice::WriteOnly));
        QFile good(m_capture);
        QVERIFY(good.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = good.readAll().split('\n');
        f.write(lines.at(0) + '\n' + lines.at(1) + "\n{\"t_us\": oops}\n");
        f.close();
        MainWindow w;
        QSignalSpy read(w.capturesDock(), &CapturesDock::infoRead);
        w.capturesDock()->openCapture(bad);
        QVERIFY(read.wait(20000));
        const QString why = read.first().first().toString();
        QVERIFY2(why.contains(QStringLiteral("bad.ndjson:3")), qPrintable(why));
        QVERIFY(!w.capturesDock()->info());
        QVERIFY(w.capturesDock()->replay().startsWith(QStringLiteral("Open a capture first")));
    }

    // A GoReplay capture of another API: nothing placed by the seed rules, everything by the
    // operator's; a bad rule is said, naming the field.
    void mappingRulesPlaceAnotherApisRequests() {
        const QString gor = m_dir.filePath(QStringLiteral("shop.gor"));
        QFile f(gor);
        QVERIFY(f.open(QIODevice::WriteOnly));
        const QByteArray sep = "\n\xF0\x9F\x90\xB5\xF0\x9F\x99\x88\xF0\x9F\x99\x89\n";
        for (int i = 0; i < 3; ++i) {
            const QByteArray body = "{\"member\":{\"id\":\"m" + QByteArray::number(i) + "\"}}";
            f.write("1 r" + QByteArray::number(i) + " " + QByteArray::number(1000000LL * i) +
                    " 0\nPOST /shop/v2/drops/77/enter HTTP/1.1\r\nContent-Length: " +
                    QByteArray::number(body.size()) + "\r\n\r\n" + body + sep);
        }
        f.close();
        MainWindow w;
        CapturesDock* dock = w.capturesDock();
        QSignalSpy read(dock, &CapturesDock::infoRead);
        dock->openCapture(gor);
        QVERIFY(read.wait(20000));
        QCOMPARE(dock->info()->requests, 0);
        QCOMPARE(dock->info()->stats.unmatched, 3);
        dock->setMappingRules(QStringLiteral("path:4"),
                              QStringLiteral("header:X-Member; body:member.id"));
        QVERIFY(read.wait(20000));
        QCOMPARE(read.last().first().toString(), QString());
        QCOMPARE(dock->info()->requests, 3);
        QCOMPARE(dock->info()->campaigns.at(0).id, std::string("77"));
        QCOMPARE(dock->info()->distinctUsers, 3);
        dock->setMappingRules(QStringLiteral("cookie:x"), QString());
        QVERIFY(read.count() == 3 || read.wait(20000));
        QVERIFY2(read.last().first().toString().startsWith(
                     QStringLiteral("campaign from: 'cookie:x': unknown kind")),
                 qPrintable(read.last().first().toString()));
        QVERIFY(!dock->info());
    }

    void aCampaignTheScenarioLacksIsRefusedBeforeSending() {
        MainWindow w;
        QVERIFY(w.launcherDock()->selectScenario(QStringLiteral(":/simulations/seed-003.json")));
        QSignalSpy read(w.capturesDock(), &CapturesDock::infoRead);
        w.capturesDock()->openCapture(m_capture);
        QVERIFY(read.wait(20000));
        const QString why = w.capturesDock()->replay();
        QVERIFY2(why.startsWith(QStringLiteral("The scenario has no campaign")), qPrintable(why));
        QVERIFY(!w.capturesDock()->replaying());
        QVERIFY(!w.controller()->runInProgress());
    }

    void cancelEndsAReplay() {
        MainWindow w;
        QVERIFY(w.launcherDock()->selectScenario(QStringLiteral(":/simulations/seed-001.json")));
        QSignalSpy read(w.capturesDock(), &CapturesDock::infoRead);
        w.capturesDock()->openCapture(m_capture);
        QVERIFY(read.wait(20000));
        w.capturesDock()->setSpeed(0.05);  // 20 times slower: it would take many seconds
        QSignalSpy finished(w.capturesDock(), &CapturesDock::replayFinished);
        QCOMPARE(w.capturesDock()->replay(), QString());
        QTRY_VERIFY_WITH_TIMEOUT(w.controller()->runInProgress(), 10000);
        w.capturesDock()->cancelReplay();
        QVERIFY(finished.wait(10000));
        QVERIFY2(finished.first().first().toString().startsWith(QStringLiteral("Replay cancelled")),
                 qPrintable(finished.first().first().toString()));
        QTRY_VERIFY_WITH_TIMEOUT(ended(w), 20000);
        QVERIFY(w.controller()->snapshot()->requests <
                m_recorded.value(QStringLiteral("requests")).toInteger());
    }
};

QTEST_MAIN(TestCapturesDock)
#include "tst_captures_dock.moc"
