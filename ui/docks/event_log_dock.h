#pragma once
// The event log, filterable by source and text, exportable as CSV.

#include <QDockWidget>

class QSortFilterProxyModel;
class QTableView;

namespace stampede::ui {

class EngineController;
class EventLogModel;

class EventLogDock : public QDockWidget {
    Q_OBJECT
public:
    EventLogDock(EngineController* controller, QWidget* parent = nullptr);
    EventLogModel* model() const { return m_model; }
    QSortFilterProxyModel* proxy() const { return m_proxy; }

private:
    EventLogModel* m_model;
    QSortFilterProxyModel* m_sourceFilter;
    QSortFilterProxyModel* m_proxy;
    QTableView* m_table;
};

}  // namespace stampede::ui
