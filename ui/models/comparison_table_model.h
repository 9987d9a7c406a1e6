#pragma once
// A comparison's final table for a view: one row per lane, the columns every front end shows
// (compare::tableColumns()), the best value of each column in bold on green, an over-issue in
// red, a skipped lane with its reason. Sorting by a column sorts the lanes by its number; a lane
// that did not run sorts last either way.

#include <QAbstractTableModel>

#include "stampede/compare/comparison_table.h"

namespace stampede::ui {

class ComparisonTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    using QAbstractTableModel::QAbstractTableModel;

    void setTable(compare::ComparisonTable table);
    const compare::ComparisonTable& table() const { return m_table; }
    // Whether the cell at (row, column) holds its column's best value (the first column is the
    // lane's name).
    bool isBest(int row, int column) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
    void sort(int column, Qt::SortOrder order) override;

private:
    compare::ComparisonTable m_table;
};

}  // namespace stampede::ui
