// The console's Compare view as a trainer uses it (offscreen): seed-003 through two lanes chosen
// in the window (none and atomic), started with the Start button, watched as two tiles, then the
// final table read from what the view displays: none over-issued (red, its tile's alarm on),
// atomic not (the best of that column); sorting by a column keeps each lane's marks with it; the
// race timeline draws none's first collisions. Then a lesson opened from the Lessons menu runs
// and every finding shows ✓; a lesson with a false finding shows ✗ and says so. Presentation
// mode goes full screen in large type and comes back.
#include <QtTest>

#include <QComboBox>
#include <QFile>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QPushButton>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>

#include "docks/compare_dock.h"
#include "docks/launcher_dock.h"
#include "engine_controller.h"
#include "main_window.h"
#include "models/comparison_table_model.h"
#include "views/lane_tile.h"
#include "views/race_timeline.h"

using namespace stampede;
using namespace stampede::ui;

namespace {

// The displayed text of the cell in `lane`'s row under the header `heading`.
QString cell(const QTableView& view, const QString& lane, const QString& heading) {
    const QAbstractItemModel& m = *view.model();
    int column = -1;
    for (int c = 0; c < m.columnCount(); ++c)
        if (m.headerData(c, Qt::Horizontal).toString() == heading) column = c;
    for (int r = 0; r < m.rowCount(); ++r)
        if (m.index(r, 0).data().toString() == lane) return m.index(r, column).data().toString();
    return QStringLiteral("<no row %1>").arg(lane);
}

int rowOf(const QTableView& view, const QString& lane) {
    for (int r = 0; r < view.model()->rowCount(); ++r)
        if (view.model()->index(r, 0).data().toString() == lane) return r;
    return -1;
}

int columnOf(const QTableView& view, const QString& heading) {
    for (int c = 0; c < view.model()->columnCount(); ++c)
        if (view.model()->headerData(c, Qt::Horizontal).toString() == heading) return c;
    return -1;
}

void choose(QTableWidget* lanes, int row, int column, const QString& value) {
    auto* box = qobject_cast<QComboBox*>(lanes->cellWidget(row, column));
    QVERIFY(box);
    const int i = box->findText(value);
    QVERIFY2(i >= 0, qPrintable(value));
    box->setCurrentIndex(i);
}

}  // namespace

class TestCompareView : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void aTwoLaneComparisonDrivenThroughTheWindow() {
        MainWindow w;
        w.show();
        QVERIFY(w.launcherDock()->selectScenario(QStringLiteral(":/simulations/seed-003.json")));
        CompareDock* dock = w.compareDock();
        dock->show();
        dock->raise();
        QTRY_VERIFY(dock->findChild<QLabel*>(QStringLiteral("compareScenario"))
                        ->text()
                        .contains(QStringLiteral("seed-003")));
        auto* lanes = dock->findChild<QTableWidget*>(QStringLiteral("compareLanes"));
        QVERIFY(lanes);
        // Five lanes, one removed again: none, atomic, mutex-early-release and single-consumer,
        // on the scenario's pipeline.
        for (int i = 0; i < 3; ++i)
            QTest::mouseClick(dock->findChild<QPushButton*>(QStringLiteral("compareAddLane")),
                              Qt::LeftButton);
        QCOMPARE(lanes->rowCount(), 5);
        lanes->selectRow(4);
        QTest::mouseClick(dock->findChild<QPushButton*>(QStringLiteral("compareRemoveLane")),
                          Qt::LeftButton);
        QCOMPARE(lanes->rowCount(), 4);
        choose(lanes, 0, 0, QStringLiteral("none"));
        choose(lanes, 1, 0, QStringLiteral("atomic"));
        choose(lanes, 2, 0, QStringLiteral("mutex-early-release"));
        choose(lanes, 3, 0, QStringLiteral("single-consumer"));

        QTest::mouseClick(dock->findChild<QPushButton*>(QStringLiteral("compareStart")),
                          Qt::LeftButton);
        QVERIFY(dock->running());
        QCOMPARE(int(dock->tiles().size()), 4);
        QTRY_VERIFY_WITH_TIMEOUT(!dock->running(), 120000);
        const QString status = dock->statusText();
        QVERIFY2(status.startsWith(QStringLiteral("Done in")), qPrintable(status));

        // The final table, as displayed.
        const QTableView& table = *dock->tableView();
        QCOMPARE(table.model()->rowCount(), 4);
        // Every lane played the same arrivals.
        QCOMPARE(cell(table, QStringLiteral("single-consumer"), QStringLiteral("issued")),
                 QStringLiteral("100"));
        QVERIFY(cell(table, QStringLiteral("mutex-early-release"), QStringLiteral("over")).toInt() >
                0);
        QCOMPARE(cell(table, QStringLiteral("atomic"), QStringLiteral("issued")),
                 QStringLiteral("100"));
        QCOMPARE(cell(table, QStringLiteral("atomic"), QStringLiteral("over")),
                 QStringLiteral("0"));
        const QString noneOver = cell(table, QStringLiteral("none"), QStringLiteral("over"));
        QVERIFY2(noneOver.toInt() > 0, qPrintable(noneOver));
        const int over = columnOf(table, QStringLiteral("over"));
        const QModelIndex noneOverCell =
            table.model()->index(rowOf(table, QStringLiteral("none")), over);
        QCOMPARE(noneOverCell.data(Qt::ForegroundRole).value<QBrush>().color(),
                 QColor(0xc6, 0x28, 0x28));
        auto* model = dock->tableModel();
        QVERIFY(model->isBest(rowOf(table, QStringLiteral("atomic")), over));
        QVERIFY(!model->isBest(rowOf(table, QStringLiteral("none")), over));
        QVERIFY(dock->tiles()[0]->overIssuedAlarm());
        QVERIFY(!dock->tiles()[1]->overIssuedAlarm());
        QVERIFY(dock->tiles()[2]->overIssuedAlarm());
        QVERIFY(!dock->tiles()[3]->overIssuedAlarm());
        QCOMPARE(dock->tiles()[0]->overIssuedText(),
                 QStringLiteral("over-issued %1").arg(noneOver));

        // Sorted by over-issue, descending, then ascending: the marks go with their lanes.
        table.horizontalHeader()->setSortIndicator(over, Qt::DescendingOrder);
        QVERIFY(table.model()->index(0, over).data(Qt::UserRole).toDouble() > 0);
        QVERIFY(model->isBest(rowOf(table, QStringLiteral("atomic")), over));
        QCOMPARE(rowOf(table, QStringLiteral("atomic")) >= 2, true);
        table.horizontalHeader()->setSortIndicator(over, Qt::AscendingOrder);
        QCOMPARE(table.model()->index(0, over).data(Qt::UserRole).toDouble(), 0.0);
        QVERIFY(model->isBest(0, over) && model->isBest(1, over));
        QVERIFY(model->isBest(rowOf(table, QStringLiteral("atomic")), over));

        // none's collisions on the timeline: two deciders that read the same stock.
        RaceTimeline* timeline = dock->raceTimeline();
        QVERIFY(timeline->drawn() > 0);
        QVERIFY2(timeline->captions().first().contains(QStringLiteral("one unit went twice")),
                 qPrintable(timeline->captions().first()));
        // Choosing atomic's row shows it has none.
        dock->tableView()->selectRow(rowOf(table, QStringLiteral("atomic")));
        QCOMPARE(timeline->drawn(), 0);
        dock->tableView()->selectRow(rowOf(table, QStringLiteral("none")));
        QVERIFY(timeline->drawn() > 0);
        // The same comparison as a PDF, from the view.
        const QString pdf = m_dir.filePath(QStringLiteral("compare.pdf"));
        QCOMPARE(dock->savePdf(pdf), QString());
        QVERIFY(QFileInfo(pdf).size() > 1000);
        QVERIFY(dock->savePdf(QStringLiteral("/nonexistent/x.pdf"))
                    .contains(QStringLiteral("cannot write")));
        dock->grab().save(m_dir.filePath(QStringLiteral("compare.png")));
        if (qEnvironmentVariableIsSet("STAMPEDE_SCREENSHOTS"))
            dock->grab().save(qEnvironmentVariable("STAMPEDE_SCREENSHOTS") +
                              QStringLiteral("/compare-view.png"));

        // Presentation mode: full screen, larger type; and back.
        const qreal normal = dock->font().pointSizeF();
        dock->presentationAction()->setChecked(true);
        QTRY_VERIFY(dock->isFullScreen() || dock->isFloating());
        QVERIFY(dock->font().pointSizeF() > normal * 1.4);
        dock->presentationAction()->setChecked(false);
        QTRY_VERIFY(!dock->isFloating());
        QCOMPARE(dock->font().pointSizeF(), normal);
    }

    void aLessonFromTheLessonsMenuChecksItsFindings() {
        MainWindow w;
        w.show();
        auto* menu = w.menuBar()->findChild<QMenu*>(QStringLiteral("lessonsMenu"));
        QVERIFY(menu);
        QAction* trap = nullptr;
        for (QAction* a : menu->actions())
            if (a->objectName() == QStringLiteral("lesson:2-synchronized-trap")) trap = a;
        QVERIFY(trap && trap->isEnabled());
        QVERIFY(trap->text().contains(QStringLiteral("synchronized")));
        trap->trigger();
        CompareDock* dock = w.compareDock();
        QVERIFY(dock->findChild<QLabel*>(QStringLiteral("lessonTitle"))->isVisibleTo(dock));
        QVERIFY(dock->findChild<QLabel*>(QStringLiteral("lessonWatch"))
                    ->text()
                    .startsWith(QStringLiteral("What to watch:")));
        QCOMPARE(dock->findChild<QTableWidget*>(QStringLiteral("compareLanes"))->rowCount(), 3);
        QCOMPARE(dock->start(), QString());
        QTRY_VERIFY_WITH_TIMEOUT(!dock->running(), 120000);
        QListWidget* findings = dock->findingsList();
        QCOMPARE(findings->count(), 5);
        for (int i = 0; i < findings->count(); ++i)
            QVERIFY2(findings->item(i)->text().startsWith(QStringLiteral("✓")),
                     qPrintable(findings->item(i)->text()));
        QVERIFY2(dock->statusText().contains(QStringLiteral("every finding held")),
                 qPrintable(dock->statusText()));
        QVERIFY(dock->raceTimeline()->drawn() > 0);  // mutex-early-release's collisions
    }

    void aFalseFindingIsShownFailed() {
        const QString path = m_dir.filePath(QStringLiteral("false.json"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(R"({"title": "A false lesson", "watch": "atomic never over-issues.",
                    "scenario": ")" STAMPEDE_SOURCE_DIR R"(/simulations/seed-001.json",
                    "lanes": ["guard=atomic", "guard=mutex"],
                    "findings": ["atomic: over_issued > 0", "mutex: over_issued == 0"]})");
        f.close();
        MainWindow w;
        std::string error;
        const auto lesson = compare::findLesson(path.toStdString(), error);
        QVERIFY2(lesson, error.c_str());
        w.compareDock()->openLesson(*lesson);
        QCOMPARE(w.compareDock()->start(), QString());
        QTRY_VERIFY_WITH_TIMEOUT(!w.compareDock()->running(), 60000);
        QListWidget* findings = w.compareDock()->findingsList();
        QVERIFY(findings->item(0)->text().startsWith(QStringLiteral("✗")));
        QVERIFY(findings->item(1)->text().startsWith(QStringLiteral("✓")));
        QVERIFY2(w.compareDock()->statusText().contains(QStringLiteral("DID NOT HOLD")),
                 qPrintable(w.compareDock()->statusText()));
    }

    void aLaneCountOutOfRangeIsSaidNotRun() {
        MainWindow w;
        compare::LaneConfig atomic;
        atomic.guard = "atomic";
        w.compareDock()->setLanes({atomic});
        const QString why = w.compareDock()->start();
        QVERIFY2(why.startsWith(QStringLiteral("Cannot start:")), qPrintable(why));
        QVERIFY(!w.compareDock()->running());
        QCOMPARE(w.compareDock()->statusText(), why);
    }
};

QTEST_MAIN(TestCompareView)
#include "tst_compare_view.moc"
