// The DLQ inspector driven like an operator: a run leaves dead letters; the dock lists them,
// shows the payload and errors of the one clicked, replays a selection with Ctrl+R, narrows by
// text, purges with confirmation (accepted through the real message box), and a cancelled
// replay loses nothing. Set STAMPEDE_SCREENSHOT_DIR to keep a picture of the dock.
#include <QtTest>

#include <QJsonDocument>
#include <QJsonObject>

#include <QApplication>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QTableView>
#include <QTableWidget>
#include <QToolButton>

#include "docks/dlq_dock.h"
#include "engine_controller.h"
#include "models/dlq_filter_proxy.h"
#include "models/dlq_model.h"

using namespace stampede;
using namespace stampede::ui;

namespace {

constexpr int kRunTimeoutMs = 30000;

// 400 users for 400 coupons; three in ten fail for good on their first attempt.
sim::Scenario failingSpike() {
    sim::Scenario s;
    s.name = "dlq inspector";
    s.seed = 7;
    core::Campaign c;
    c.id = "c1";
    c.name = "Gift";
    c.stock = 400;
    s.campaigns.push_back(c);
    sim::ArrivalSpec a;
    a.campaign = "c1";
    a.users = 400;
    a.overMs = 1000;
    s.arrivals.push_back(a);
    s.run.pipeline = core::Pipeline::DecideInWorker;
    s.run.guard = "atomic";
    s.run.pace = core::Pace::Asap;
    s.faults.permanentFailureRate = 0.3;
    return s;
}

QString lastEngineEvent(const EngineController& controller) {
    const auto& events = controller.events();
    for (auto it = events.rbegin(); it != events.rend(); ++it)
        if (it->source == LoggedEvent::Source::Engine) return it->text;
    return {};
}

template <typename W>
W* childWithText(QWidget& parent, const QString& text) {
    for (W* w : parent.findChildren<W*>())
        if (w->text() == text) return w;
    return nullptr;
}

void clickRow(QTableView& table, int row, Qt::KeyboardModifiers modifiers = {}) {
    const QRect rect = table.visualRect(table.model()->index(row, DlqModel::Campaign));
    QTest::mouseClick(table.viewport(), Qt::LeftButton, modifiers, rect.center());
}

}  // namespace

class TestDlqDock : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void withoutARunNothingIsOffered() {
        EngineController controller;
        controller.setScenario(failingSpike());
        DlqDock dock(&controller);
        dock.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dock));
        QCOMPARE(dock.objectName(), QStringLiteral("dlqDock"));
        QCOMPARE(dock.windowTitle(), QStringLiteral("Dead letters"));
        QCOMPARE(dock.model()->rowCount(), 0);
        QVERIFY(childWithText<QLabel>(dock, QStringLiteral("0 of 0 shown")));
        QVERIFY(!dock.replayAction()->isEnabled());
        QVERIFY(!dock.replayAllAction()->isEnabled());
        QVERIFY(!childWithText<QToolButton>(dock, QStringLiteral("Purge all…"))->isEnabled());
        QVERIFY(!dock.replayAll());
        QVERIFY(!dock.replaySelected());
        QCOMPARE(dock.replayAction()->shortcut(), QKeySequence(QStringLiteral("Ctrl+R")));
        QCOMPARE(dock.replayAllAction()->shortcut(), QKeySequence(QStringLiteral("Ctrl+Shift+R")));
    }

    void inspectReplayFilterPurge() {
        EngineController controller;
        controller.setScenario(failingSpike());
        DlqDock dock(&controller);
        QList<int> asked;
        dock.setConfirmPurge([&asked](int count) {
            asked << count;
            return asked.size() > 1;  // the operator says no once, then yes
        });
        dock.resize(1200, 720);
        dock.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dock));
        controller.start();
        QTRY_COMPARE_WITH_TIMEOUT(int(controller.snapshot()->status), int(RunStatus::Completed),
                                  kRunTimeoutMs);
        const auto done = controller.snapshot();
        QVERIFY(done->dlqSize > 50);

        // The dock follows the snapshot: every dead letter, and the count says so.
        QTableView& table = *dock.table();
        QTRY_COMPARE(dock.model()->rowCount(), int(done->dlqSize));
        QCOMPARE(dock.proxy()->rowCount(), int(done->dlqSize));
        const QString all = QStringLiteral("%1 of %1 shown").arg(done->dlqSize);
        QVERIFY(childWithText<QLabel>(dock, all));
        QVERIFY(dock.replayAllAction()->isEnabled());
        QVERIFY(!dock.replayAction()->isEnabled());  // nothing selected yet
        auto* reasons = dock.findChild<QComboBox*>(QStringLiteral("dlqReasonFilter"));
        QVERIFY(reasons && reasons->findText(QStringLiteral("permanent failure")) > 0);

        // Click one row, shift-click the next: two selected, the detail shows the one clicked.
        clickRow(table, 0);
        clickRow(table, 1, Qt::ShiftModifier);
        QCOMPARE(table.selectionModel()->selectedRows().size(), 2);
        const QModelIndex second = dock.proxy()->mapToSource(dock.proxy()->index(1, 0));
        const dlq::DeadLetter shown = *dock.model()->letterAt(second.row());
        const dlq::DeadLetter first =
            *dock.model()->letterAt(dock.proxy()->mapToSource(dock.proxy()->index(0, 0)).row());
        auto* payload = dock.findChild<QPlainTextEdit*>(QStringLiteral("dlqPayload"));
        QVERIFY(payload->toPlainText().contains(
            QStringLiteral("\"request_id\": %1").arg(shown.requestId)));
        QVERIFY(payload->toPlainText().contains(QLatin1Char('\n')));  // pretty-printed
        auto* errors = dock.findChild<QTableWidget*>(QStringLiteral("dlqErrorHistory"));
        QCOMPARE(errors->rowCount(), int(shown.errors.size()));
        QCOMPARE(errors->item(0, 2)->text(), QStringLiteral("injected permanent failure"));

        saveScreenshot(dock, QStringLiteral("dlq_dock.png"));
        // Docked at the bottom of a main window: wide and short, the detail beside the table.
        dock.resize(1280, 300);
        QTRY_COMPARE(dock.size(), QSize(1280, 300));
        saveScreenshot(dock, QStringLiteral("dlq_dock_wide.png"));
        dock.resize(1200, 720);

        // Ctrl+R replays the selection; the progress shows until the engine took both back.
        QVERIFY(dock.replayAction()->isEnabled());
        QApplication::setActiveWindow(&dock);
        QVERIFY(QTest::qWaitForWindowActive(&dock));
        table.setFocus();
        QTest::keyClick(&table, Qt::Key_R, Qt::ControlModifier);
        const auto job = dock.runningReplay();
        QVERIFY(job);
        QVERIFY(!dock.replayAction()->isEnabled());  // one replay at a time
        QTRY_COMPARE_WITH_TIMEOUT(controller.snapshot()->dlqSize, done->dlqSize - 2, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(controller.snapshot()->issued, done->issued + 2, 10000);
        QTRY_VERIFY(!dock.runningReplay());
        QCOMPARE(job->progress().accepted, std::int64_t(2));
        QCOMPARE(lastEngineEvent(controller),
                 QStringLiteral("Replay finished: 2 accepted, 0 skipped"));
        QTRY_COMPARE(dock.model()->rowCount(), int(done->dlqSize - 2));
        QCOMPARE(dock.model()->rowOf(first.requestId), -1);
        QCOMPARE(dock.model()->rowOf(shown.requestId), -1);

        // Typing a user narrows the table to that user's letter; clearing brings all back.
        const dlq::DeadLetter target = *dock.model()->letterAt(5);
        auto* search = dock.findChild<QLineEdit*>(QStringLiteral("dlqSearch"));
        QTest::keyClicks(search, QStringLiteral("\"user\":\"%1\"").arg(target.user));
        QTRY_COMPARE(dock.proxy()->rowCount(), 1);
        QCOMPARE(dock.proxy()->data(dock.proxy()->index(0, DlqModel::Request)).toString(),
                 QString::number(target.requestId));
        QVERIFY(
            childWithText<QLabel>(dock, QStringLiteral("1 of %1 shown").arg(done->dlqSize - 2)));
        search->clear();
        QTRY_COMPARE(dock.proxy()->rowCount(), int(done->dlqSize - 2));

        // Purge all: refused once (nothing happens), then accepted.
        auto* purgeAll = childWithText<QToolButton>(dock, QStringLiteral("Purge all…"));
        QVERIFY(purgeAll && purgeAll->isEnabled());
        QTest::mouseClick(purgeAll, Qt::LeftButton);
        QCOMPARE(asked, QList<int>{int(done->dlqSize - 2)});
        QCOMPARE(dock.model()->rowCount(), int(done->dlqSize - 2));
        QTest::mouseClick(purgeAll, Qt::LeftButton);
        QCOMPARE(asked.size(), 2);
        QCOMPARE(dock.model()->rowCount(), 0);
        QTRY_COMPARE(controller.snapshot()->dlqSize, std::int64_t(0));
        QVERIFY(childWithText<QLabel>(dock, QStringLiteral("0 of 0 shown")));
        QTRY_VERIFY(!purgeAll->isEnabled());
        QVERIFY(!dock.replayAllAction()->isEnabled());
        QVERIFY(
            dock.findChild<QPlainTextEdit*>(QStringLiteral("dlqPayload"))->toPlainText().isEmpty());
    }

    void purgeSelectedAsksInAMessageBox() {
        EngineController controller;
        controller.setScenario(failingSpike());
        DlqDock dock(&controller);
        dock.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dock));
        controller.start();
        QTRY_COMPARE_WITH_TIMEOUT(int(controller.snapshot()->status), int(RunStatus::Completed),
                                  kRunTimeoutMs);
        const std::int64_t before = controller.snapshot()->dlqSize;
        QTRY_COMPARE(dock.model()->rowCount(), int(before));
        clickRow(*dock.table(), 2);
        const core::RequestId id =
            dock.model()
                ->letterAt(dock.proxy()->mapToSource(dock.proxy()->index(2, 0)).row())
                ->requestId;
        // The default confirmation is modal: answer it from the event loop it runs.
        QString question;
        QTimer answer;
        answer.setInterval(20);
        connect(&answer, &QTimer::timeout, this, [&question, &answer] {
            auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
            if (!box) return;
            answer.stop();
            question = box->text();
            box->button(QMessageBox::Yes)->click();
        });
        answer.start();
        QCOMPARE(dock.purgeSelected(), std::size_t(1));
        QVERIFY(question.startsWith(QStringLiteral("Purge this dead letter")));
        QCOMPARE(dock.model()->rowOf(id), -1);
        QTRY_COMPARE(controller.snapshot()->dlqSize, before - 1);
    }

    void cancelledReplayLosesNothing() {
        EngineController controller;
        controller.setScenario(failingSpike());
        DlqDock dock(&controller);
        dock.resize(820, 560);
        dock.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dock));
        controller.start();
        QTRY_COMPARE_WITH_TIMEOUT(int(controller.snapshot()->status), int(RunStatus::Completed),
                                  kRunTimeoutMs);
        const auto done = controller.snapshot();
        QTRY_COMPARE(dock.model()->rowCount(), int(done->dlqSize));

        dock.setRateLimit(20);  // slow enough to cancel midway
        const auto job = dock.replayAll();
        QVERIFY(job);
        auto* progress = dock.findChild<QProgressBar*>(QStringLiteral("dlqReplayProgress"));
        QVERIFY(progress->isVisible());
        QTRY_VERIFY(progress->value() >= 3);
        QVERIFY(progress->text().contains(QStringLiteral("accepted")));
        saveScreenshot(dock, QStringLiteral("dlq_dock_replaying.png"));
        auto* cancel = childWithText<QPushButton>(dock, QStringLiteral("Cancel"));
        QVERIFY(cancel && cancel->isVisible());
        QTest::mouseClick(cancel, Qt::LeftButton);
        QTRY_VERIFY(!dock.runningReplay());
        QVERIFY(!progress->isVisible());
        const auto p = job->progress();
        QVERIFY(p.cancelled);
        QVERIFY(p.accepted < done->dlqSize);
        QCOMPARE(
            lastEngineEvent(controller),
            QStringLiteral("Replay cancelled after %1 of %2").arg(p.accepted).arg(done->dlqSize));
        // What was not accepted is still there, in the engine and in the table.
        QTRY_COMPARE(controller.snapshot()->dlqSize, done->dlqSize - p.accepted);
        QTRY_COMPARE(dock.model()->rowCount(), int(done->dlqSize - p.accepted));
        QTRY_COMPARE(controller.snapshot()->issued, done->issued + p.accepted);
    }

    // A Kafka run's dead-letter topic, opened in the inspector: the entries a separate process
    // wrote (the standalone broker, a CLI run of seed-000), read-only.
private:
    static void saveScreenshot(QWidget& widget, const QString& name) {
        const QString dir = qEnvironmentVariable("STAMPEDE_SCREENSHOT_DIR");
        if (!dir.isEmpty()) QVERIFY(widget.grab().save(dir + QLatin1Char('/') + name));
    }
};

QTEST_MAIN(TestDlqDock)
#include "tst_dlq_dock.moc"
