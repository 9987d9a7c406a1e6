#include "models/comparison_table_model.h"

#include <QBrush>
#include <QColor>
#include <QFont>
#include <QLocale>

#include <algorithm>
#include <numeric>

namespace stampede::ui {

void ComparisonTableModel::setTable(compare::ComparisonTable table) {
    beginResetModel();
    m_table = std::move(table);
    endResetModel();
}

bool ComparisonTableModel::isBest(int row, int column) const {
    if (column < 1 || column > int(m_table.best.size())) return false;
    const auto& best = m_table.best[std::size_t(column - 1)];
    return std::find(best.begin(), best.end(), row) != best.end();
}

int ComparisonTableModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(m_table.rows.size());
}

int ComparisonTableModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : 1 + int(compare::tableColumns().size());
}

QVariant ComparisonTableModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid()) return {};
    const compare::TableRow& row = m_table.rows[std::size_t(index.row())];
    const int column = index.column();
    if (column == 0) {
        if (role == Qt::DisplayRole || role == Qt::UserRole)
            return QString::fromStdString(row.lane);
        if (role == Qt::ToolTipRole && !row.skipped.empty())
            return tr("skipped: %1").arg(QString::fromStdString(row.skipped));
        return {};
    }
    const auto& spec = compare::tableColumns()[std::size_t(column - 1)];
    // A pointer, not a copied optional: GCC 12 misreads the copy as maybe uninitialized.
    const std::optional<double>* cell =
        row.values.empty() ? nullptr : &row.values[std::size_t(column - 1)];
    const double* value = cell && cell->has_value() ? &**cell : nullptr;
    switch (role) {
        case Qt::DisplayRole:
            if (value) return QLocale().toString(*value, 'f', spec.decimals);
            // A lane that did not run says why in its first figure's cell, once.
            if (row.values.empty() && column == 1)
                return row.skipped.empty()
                           ? QString::fromStdString(row.status)
                           : tr("skipped: %1").arg(QString::fromStdString(row.skipped));
            return QStringLiteral("–");
        case Qt::UserRole:
            return value ? QVariant(*value) : QVariant();
        case Qt::TextAlignmentRole:
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        case Qt::FontRole:
            if (isBest(index.row(), column)) {
                QFont bold;
                bold.setBold(true);
                return bold;
            }
            return {};
        case Qt::BackgroundRole:
            if (isBest(index.row(), column)) return QBrush(QColor(0xd8, 0xf0, 0xd8));
            return {};
        case Qt::ForegroundRole:
            if (spec.metric == "over_issued" && value && *value > 0)
                return QBrush(QColor(0xc6, 0x28, 0x28));
            if (isBest(index.row(), column)) return QBrush(QColor(0x10, 0x40, 0x10));
            if (row.values.empty()) return QBrush(QColor(0x77, 0x77, 0x77));
            return {};
        case Qt::ToolTipRole:
            if (isBest(index.row(), column))
                return tr("best %1 of the lanes").arg(QString::fromStdString(spec.heading));
            return {};
        default:
            return {};
    }
}

QVariant ComparisonTableModel::headerData(int section, Qt::Orientation orientation,
                                          int role) const {
    if (orientation != Qt::Horizontal) return {};
    if (section == 0) return role == Qt::DisplayRole ? tr("lane") : QVariant();
    const auto& spec = compare::tableColumns()[std::size_t(section - 1)];
    if (role == Qt::DisplayRole) return QString::fromStdString(spec.heading);
    if (role == Qt::ToolTipRole)
        return tr("%1 (%2 is better)")
            .arg(QString::fromStdString(spec.metric),
                 spec.better == compare::Better::Lower    ? tr("lower")
                 : spec.better == compare::Better::Higher ? tr("higher")
                                                          : tr("neither"));
    return {};
}

}  // namespace stampede::ui

namespace stampede::ui {

void ComparisonTableModel::sort(int column, Qt::SortOrder order) {
    if (column < 0 || column >= columnCount()) return;
    std::vector<int> order_(m_table.rows.size());
    std::iota(order_.begin(), order_.end(), 0);
    const auto value = [&](int r) -> std::optional<double> {
        const auto& row = m_table.rows[std::size_t(r)];
        if (column == 0 || row.values.empty()) return std::nullopt;
        return row.values[std::size_t(column - 1)];
    };
    std::stable_sort(order_.begin(), order_.end(), [&](int a, int b) {
        if (column == 0) {
            const auto& la = m_table.rows[std::size_t(a)].lane;
            const auto& lb = m_table.rows[std::size_t(b)].lane;
            return order == Qt::AscendingOrder ? la < lb : lb < la;
        }
        const auto va = value(a), vb = value(b);
        if (!va || !vb) return va.has_value() && !vb.has_value();  // what did not run: last
        return order == Qt::AscendingOrder ? *va < *vb : *vb < *va;
    });
    std::vector<int> newIndex(order_.size());
    for (std::size_t i = 0; i < order_.size(); ++i) newIndex[std::size_t(order_[i])] = int(i);
    Q_EMIT layoutAboutToBeChanged();
    compare::ComparisonTable sorted;
    for (const int r : order_) sorted.rows.push_back(m_table.rows[std::size_t(r)]);
    for (const auto& best : m_table.best) {
        std::vector<int> moved;
        for (const int r : best) moved.push_back(newIndex[std::size_t(r)]);
        sorted.best.push_back(std::move(moved));
    }
    m_table = std::move(sorted);
    const QModelIndexList before = persistentIndexList();
    QModelIndexList after;
    for (const QModelIndex& i : before) after << index(newIndex[std::size_t(i.row())], i.column());
    changePersistentIndexList(before, after);
    Q_EMIT layoutChanged();
}

}  // namespace stampede::ui
