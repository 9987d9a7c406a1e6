#include "models/dlq_model.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>

namespace stampede::ui {
namespace {

bool byId(const dlq::DeadLetter& a, const dlq::DeadLetter& b) {
    return a.requestId < b.requestId;
}

}  // namespace

DlqModel::DlqModel(QObject* parent) : QAbstractTableModel(parent) {}

void DlqModel::resetData(std::vector<dlq::DeadLetter> letters) {
    beginResetModel();
    m_letters = std::move(letters);
    m_sortedById = std::is_sorted(m_letters.begin(), m_letters.end(), byId);
    endResetModel();
}

const dlq::DeadLetter* DlqModel::letterAt(int row) const {
    if (row < 0 || static_cast<std::size_t>(row) >= m_letters.size()) return nullptr;
    return &m_letters[static_cast<std::size_t>(row)];
}

int DlqModel::rowOf(core::RequestId id) const {
    if (m_sortedById) {
        dlq::DeadLetter key;
        key.requestId = id;
        const auto it = std::lower_bound(m_letters.begin(), m_letters.end(), key, byId);
        return it != m_letters.end() && it->requestId == id
                   ? static_cast<int>(it - m_letters.begin())
                   : -1;
    }
    const auto it = std::find_if(m_letters.begin(), m_letters.end(),
                                 [id](const dlq::DeadLetter& l) { return l.requestId == id; });
    return it != m_letters.end() ? static_cast<int>(it - m_letters.begin()) : -1;
}

int DlqModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_letters.size());
}

int DlqModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant DlqModel::data(const QModelIndex& index, int role) const {
    const dlq::DeadLetter* letter = index.isValid() ? letterAt(index.row()) : nullptr;
    if (!letter || index.column() < 0 || index.column() >= ColumnCount) return {};
    switch (role) {
        case Qt::DisplayRole:
            return display(*letter, index.column());
        case Qt::UserRole:
            return sortValue(*letter, index.column());
        case Qt::ToolTipRole:
            return toolTip(*letter, index.column());
        case Qt::TextAlignmentRole:
            if (index.column() == Request || index.column() == Attempts ||
                index.column() == DeadLetteredAt)
                return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
            return {};
        default:
            return {};
    }
}

QVariant DlqModel::display(const dlq::DeadLetter& letter, int column) const {
    switch (column) {
        case Request:
            return QString::number(letter.requestId);
        case Campaign:
            return QString::fromStdString(letter.campaignId);
        case User:
            return userName(letter);
        case Reason:
            return QString::fromStdString(letter.reason);
        case Attempts:
            return QString::number(letter.attempts);
        case DeadLetteredAt:
            return formatSeconds(letter.deadLetteredNs);
        case LastError:
            return QString::fromStdString(letter.lastError());
        default:
            return {};
    }
}

QVariant DlqModel::sortValue(const dlq::DeadLetter& letter, int column) const {
    switch (column) {
        case Request:
            return QVariant::fromValue<qulonglong>(letter.requestId);
        case User:
            return QVariant::fromValue<qulonglong>(letter.user);
        case Attempts:
            return letter.attempts;
        case DeadLetteredAt:
            return QVariant::fromValue<qlonglong>(letter.deadLetteredNs);
        default:
            return display(letter, column);
    }
}

QVariant DlqModel::toolTip(const dlq::DeadLetter& letter, int column) const {
    switch (column) {
        case Request:
            return tr("Received at %1; earlier replays: %2")
                .arg(formatSeconds(letter.receivedNs))
                .arg(letter.replays);
        case Attempts:
            return tr("Errors recorded: %1").arg(letter.errors.size());
        case DeadLetteredAt:
            return tr("%1 after it was received")
                .arg(formatSeconds(letter.deadLetteredNs - letter.receivedNs));
        case LastError:
        case Reason:
            // The cell elides long messages; the tooltip keeps the whole text.
            return display(letter, column);
        default:
            return {};
    }
}

QVariant DlqModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    switch (section) {
        case Request:
            return tr("Request");
        case Campaign:
            return tr("Campaign");
        case User:
            return tr("User");
        case Reason:
            return tr("Reason");
        case Attempts:
            return tr("Attempts");
        case DeadLetteredAt:
            return tr("Dead-lettered at");
        case LastError:
            return tr("Last error");
        default:
            return {};
    }
}

QString DlqModel::formatSeconds(std::int64_t ns) {
    return tr("%1 s").arg(static_cast<double>(ns) / 1e9, 0, 'f', 3);
}

// The payload names the user as the run knew it; a letter read back from a store keeps no user
// number, so the number is only the fallback (as for `stampede-cli dlq list`).
QString DlqModel::userName(const dlq::DeadLetter& letter) {
    const std::string name = letter.userName();
    return name.empty() ? QString::number(letter.user) : QString::fromStdString(name);
}

}  // namespace stampede::ui
