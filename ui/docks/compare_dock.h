#pragma once
// Trainer mode: the launcher's scenario played through 2 to 12 lanes (guard × pipeline ×
// transport × workers × partitions × pace), watched side by side as small multiples, then the
// final table (the best of each column marked, sortable, exportable) and the race witnesses of
// the racy lanes as a timeline. A lesson (Lessons menu) fills the lanes, says what to watch and,
// at the end, which of its findings held. Presentation mode puts the view full screen, in large
// type and high contrast, for a room.

#include <QDockWidget>

#include <memory>
#include <optional>

#include "stampede/compare/comparison.h"
#include "stampede/compare/lesson.h"

class QAction;
class QCheckBox;
class QGridLayout;
class QLabel;
class QListWidget;
class QPushButton;
class QTableView;
class QTableWidget;
class QTimer;

namespace stampede::ui {

class ComparisonTableModel;
class EngineController;
class LaneTile;
class RaceTimeline;

class CompareDock : public QDockWidget {
    Q_OBJECT
public:
    CompareDock(EngineController* controller, QWidget* parent = nullptr);
    ~CompareDock() override;

    // The lanes to run, as the editor holds them.
    std::vector<compare::LaneConfig> lanes() const;
    void setLanes(const std::vector<compare::LaneConfig>& lanes);
    void setConcurrent(bool concurrent);
    // A lesson's scenario, lanes and findings; the findings are checked when it ends.
    // False (said in the view) while a comparison runs.
    bool openLesson(const compare::Lesson& lesson);
    void closeLesson();

    // Starts the comparison; empty, or why it cannot (said in the view too).
    QString start();
    void stop();
    bool running() const;

    QAction* startAction() const { return m_startAction; }
    QAction* stopAction() const { return m_stopAction; }
    QAction* presentationAction() const { return m_presentation; }
    ComparisonTableModel* tableModel() const { return m_model; }
    QTableView* tableView() const { return m_table; }
    RaceTimeline* raceTimeline() const { return m_timeline; }
    QListWidget* findingsList() const { return m_findings; }
    const std::vector<LaneTile*>& tiles() const { return m_tiles; }
    QString statusText() const;
    // The last comparison as a PDF; empty, or why it could not be written.
    QString savePdf(const QString& file) const;
    // The last comparison's lanes (empty before any).
    std::vector<compare::LaneResult> results() const { return m_results; }

Q_SIGNALS:
    void finished();

private:
    void buildLaneEditor(QWidget* parent);
    void addLaneRow(const compare::LaneConfig& lane);
    void refresh();
    void finish();
    void showTimelineFor(int row);
    void setPresentation(bool on);
    void exportJson();
    void exportReport();

    EngineController* m_controller;
    std::unique_ptr<compare::Comparison> m_comparison;
    std::vector<compare::LaneResult> m_results;
    std::optional<compare::Lesson> m_lesson;
    qint64 m_startedMs = 0;

    QLabel* m_scenario;
    QTableWidget* m_laneEditor;
    QCheckBox* m_concurrent;
    QLabel* m_status;
    QLabel* m_lessonTitle;
    QLabel* m_watch;
    QListWidget* m_findings;
    QWidget* m_lessonPanel;
    QGridLayout* m_tileGrid;
    std::vector<LaneTile*> m_tiles;
    ComparisonTableModel* m_model;
    QTableView* m_table;
    RaceTimeline* m_timeline;
    QTimer* m_poll;
    QAction* m_startAction;
    QAction* m_stopAction;
    QAction* m_presentation;
    QPushButton* m_exportCsv;
    QPushButton* m_exportJson;
    QPushButton* m_exportReport;
    QPushButton* m_exportPdf;
    QFont m_normalFont;
    QPalette m_normalPalette;
};

}  // namespace stampede::ui
