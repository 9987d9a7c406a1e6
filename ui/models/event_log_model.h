#pragma once
// What the operator did and what the engine reported, oldest first: time, source, text.

#include <QAbstractTableModel>

#include "engine_controller.h"

namespace stampede::ui {

class EventLogModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Time, Source, Text, ColumnCount };
    static constexpr int SourceRole = Qt::UserRole;

    explicit EventLogModel(EngineController* controller, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    void append(const LoggedEvent& event);
    std::vector<LoggedEvent> m_events;
};

}  // namespace stampede::ui
