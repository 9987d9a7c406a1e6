#pragma once
// The dead-letter queue as a table: one row per dlq::DeadLetter of the last listDlq() copy. The
// dock swaps in a whole new copy with resetData() (heaptrack style); the model never reaches into
// the engine and never refreshes itself. data() formats lazily, row by row, as the view asks.

#include <QAbstractTableModel>

#include <vector>

#include "stampede/dlq/dead_letter_queue.h"

namespace stampede::ui {

class DlqModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column {
        Request,
        Campaign,
        User,
        Reason,
        Attempts,
        DeadLetteredAt,
        LastError,
        ColumnCount
    };

    explicit DlqModel(QObject* parent = nullptr);

    void resetData(std::vector<dlq::DeadLetter> letters);
    const std::vector<dlq::DeadLetter>& letters() const { return m_letters; }
    // Null when `row` is out of range.
    const dlq::DeadLetter* letterAt(int row) const;
    // Row of the entry with this request id, or -1 (letters are ordered by request id).
    int rowOf(core::RequestId id) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    // Qt::DisplayRole: formatted text; Qt::UserRole: the raw value to sort by (numbers as
    // numbers); Qt::ToolTipRole: what the cell leaves out.
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    // "12.345 s": nanoseconds since the run's start, as the whole console shows them.
    static QString formatSeconds(std::int64_t ns);
    // The user as the caller named it: scenario users are numbers, outside callers' names live
    // only in the payload.
    static QString userName(const dlq::DeadLetter& letter);

private:
    QVariant display(const dlq::DeadLetter& letter, int column) const;
    QVariant sortValue(const dlq::DeadLetter& letter, int column) const;
    QVariant toolTip(const dlq::DeadLetter& letter, int column) const;

    std::vector<dlq::DeadLetter> m_letters;
    bool m_sortedById = true;  // as listDlq() returns them: rowOf() can bisect
};

}  // namespace stampede::ui
