#include "models/event_log_model.h"

namespace stampede::ui {

EventLogModel::EventLogModel(EngineController* controller, QObject* parent)
    : QAbstractTableModel(parent), m_events(controller->events()) {
    connect(controller, &EngineController::eventLogged, this, &EventLogModel::append);
}

int EventLogModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_events.size());
}

int EventLogModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant EventLogModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rowCount()) return {};
    const LoggedEvent& e = m_events[static_cast<std::size_t>(index.row())];
    const bool byOperator = e.source == LoggedEvent::Source::Operator;
    if (role == SourceRole)
        return byOperator ? QStringLiteral("operator") : QStringLiteral("engine");
    if (role == Qt::ToolTipRole && index.column() == Text) return e.text;
    if (role != Qt::DisplayRole) return {};
    switch (index.column()) {
        case Time:
            return e.at.toString(QStringLiteral("HH:mm:ss.zzz"));
        case Source:
            return byOperator ? tr("operator") : tr("engine");
        case Text:
            return e.text;
    }
    return {};
}

QVariant EventLogModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    switch (section) {
        case Time:
            return tr("Time");
        case Source:
            return tr("Source");
        case Text:
            return tr("Event");
    }
    return {};
}

void EventLogModel::append(const LoggedEvent& event) {
    const int row = rowCount();
    beginInsertRows({}, row, row);
    m_events.push_back(event);
    endInsertRows();
}

}  // namespace stampede::ui
