#include "models/campaign_model.h"

#include <QColor>

#include <algorithm>

#include "engine_controller.h"

namespace stampede::ui {
namespace {

QString qs(const std::string& s) {
    return QString::fromStdString(s);
}

QString windowText(const core::Campaign& c) {
    const QString from = QStringLiteral("%1 ms").arg(c.opensAfterMs);
    const QString to =
        c.closesAfterMs ? QStringLiteral("%1 ms").arg(*c.closesAfterMs) : QObject::tr("open end");
    return from + QStringLiteral(" → ") + to;
}

}  // namespace

CampaignModel::CampaignModel(EngineController* controller, QObject* parent)
    : QAbstractTableModel(parent),
      m_controller(controller),
      m_campaigns(controller->scenario().campaigns) {
    connect(controller, &EngineController::scenarioChanged, this,
            &CampaignModel::onScenarioChanged);
    connect(controller, &EngineController::snapshotUpdated, this, &CampaignModel::onSnapshot);
    connect(controller, &EngineController::runStarted, this, [this] {
        m_liveIsCurrent = true;
        if (!m_campaigns.empty())
            Q_EMIT dataChanged(index(0, Stock), index(rowCount() - 1, Issued));
    });
}

void CampaignModel::detachFromRunIfIdle() {
    if (m_controller->runInProgress() || !m_liveIsCurrent) return;
    m_liveIsCurrent = false;
    if (!m_campaigns.empty()) Q_EMIT dataChanged(index(0, Stock), index(rowCount() - 1, Issued));
}

int CampaignModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_campaigns.size());
}

int CampaignModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

const core::Campaign& CampaignModel::campaign(int row) const {
    return m_campaigns[static_cast<std::size_t>(row)];
}

int CampaignModel::rowOf(const QString& id) const {
    for (std::size_t i = 0; i < m_campaigns.size(); ++i)
        if (qs(m_campaigns[i].id) == id) return static_cast<int>(i);
    return -1;
}

const CampaignSnapshot* CampaignModel::liveOf(int row) const {
    if (!m_snapshot || !m_liveIsCurrent) return nullptr;
    const std::string& id = campaign(row).id;
    for (const auto& c : m_snapshot->campaigns)
        if (c.id == id) return &c;
    return nullptr;
}

QVariant CampaignModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rowCount()) return {};
    const core::Campaign& c = campaign(index.row());
    const CampaignSnapshot* live = liveOf(index.row());
    if (role == Qt::CheckStateRole && index.column() == Verification)
        return c.requiresVerification ? Qt::Checked : Qt::Unchecked;
    if (role == Qt::TextAlignmentRole && index.column() >= Stock && index.column() <= Issued)
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::ForegroundRole && index.column() == Issued && live && live->overIssued > 0)
        return QColor(Qt::red);
    if (role == Qt::ToolTipRole && index.column() == Issued && live && live->overIssued > 0)
        return tr("Over-issued by %1").arg(live->overIssued);
    if (role != Qt::DisplayRole && role != Qt::EditRole) return {};
    switch (index.column()) {
        case Id:
            return qs(c.id);
        case Name:
            return qs(c.name);
        case Policy:
            return QString::fromUtf8(core::toString(c.policy).data());
        case Stock:
            // The campaign's own: a change the engine applied is in it at once (the snapshot
            // follows within a poll), and one it refused never reached it.
            return qlonglong(c.stock);
        case Remaining:
            // A stock gone from the guard's backend has no remaining count to show, only the
            // last one read, which reads as "sold out".
            if (live && live->stockLost) return tr("lost");
            return live ? qlonglong(live->remaining) : qlonglong(c.stock);
        case Issued:
            return live ? qlonglong(live->issued) : qlonglong(0);
        case Window:
            return windowText(c);
        case Verification:
            return role == Qt::EditRole
                       ? QVariant(c.requiresVerification)
                       : QVariant(c.requiresVerification ? tr("required") : tr("no"));
    }
    return {};
}

QVariant CampaignModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    switch (section) {
        case Id:
            return tr("Id");
        case Name:
            return tr("Name");
        case Policy:
            return tr("Policy");
        case Stock:
            return tr("Stock");
        case Remaining:
            return tr("Remaining");
        case Issued:
            return tr("Issued");
        case Window:
            return tr("Window");
        case Verification:
            return tr("Verification");
    }
    return {};
}

Qt::ItemFlags CampaignModel::flags(const QModelIndex& index) const {
    Qt::ItemFlags f = QAbstractTableModel::flags(index);
    if (!index.isValid()) return f;
    const bool running = m_controller->runInProgress();
    switch (index.column()) {
        case Stock:
            return f | Qt::ItemIsEditable;  // also during a run: the engine applies it
        case Name:
        case Policy:
            return running ? f : f | Qt::ItemIsEditable;
        case Verification:
            return running ? f : f | Qt::ItemIsUserCheckable;
        default:
            return f;
    }
}

bool CampaignModel::setData(const QModelIndex& index, const QVariant& value, int role) {
    if (!index.isValid()) return false;
    core::Campaign after = campaign(index.row());
    switch (index.column()) {
        case Name:
            if (role != Qt::EditRole) return false;
            after.name = value.toString().trimmed().toStdString();
            break;
        case Policy: {
            const auto p = core::parsePolicy(value.toString().trimmed().toUpper().toStdString());
            if (!p) {
                Q_EMIT editRefused(tr("Policy must be FIRST_COME or LOTTERY."));
                return false;
            }
            after.policy = *p;
            break;
        }
        case Stock: {
            bool ok = false;
            const qlonglong stock = value.toLongLong(&ok);
            if (role != Qt::EditRole || !ok) {
                Q_EMIT editRefused(tr("Stock must be a whole number."));
                return false;
            }
            after.stock = stock;
            break;
        }
        case Verification:
            if (role != Qt::CheckStateRole) return false;
            after.requiresVerification = value.toInt() == Qt::Checked;
            break;
        default:
            return false;
    }
    const QString problem = validate(after, index.row());
    if (!problem.isEmpty()) {
        Q_EMIT editRefused(problem);
        return false;
    }
    Q_EMIT editRequested(index.row(), campaign(index.row()), after);
    return true;
}

QString CampaignModel::validate(const core::Campaign& c, int row) const {
    if (c.id.empty()) return tr("A campaign needs an id.");
    const int other = rowOf(qs(c.id));
    if (other >= 0 && other != row)
        return tr("Another campaign already has the id %1.").arg(qs(c.id));
    if (c.stock < 0) return tr("Stock cannot be negative.");
    if (c.opensAfterMs < 0) return tr("The window cannot open before the run starts.");
    if (c.closesAfterMs && *c.closesAfterMs <= c.opensAfterMs)
        return tr("The window must close after it opens.");
    if (row >= 0 && row < rowCount()) {
        if (const CampaignSnapshot* live = liveOf(row);
            live && m_controller->runInProgress() && c.stock < live->issued)
            return tr("Stock cannot go below the %1 already issued.").arg(live->issued);
    }
    return {};
}

QString CampaignModel::freeId(const QString& base) const {
    if (rowOf(base) < 0) return base;
    for (int n = 2;; ++n) {
        const QString id = base + QLatin1Char('-') + QString::number(n);
        if (rowOf(id) < 0) return id;
    }
}

QString CampaignModel::replaceCampaign(int row, const core::Campaign& c) {
    const core::Campaign before = campaign(row);
    if (c.stock != before.stock) {
        const QString refused = m_controller->setStock(qs(before.id), c.stock);
        if (!refused.isEmpty()) return refused;
    }
    m_campaigns[static_cast<std::size_t>(row)] = c;
    detachFromRunIfIdle();
    m_applying = true;
    m_controller->setCampaigns(m_campaigns);
    m_applying = false;
    Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
    return {};
}

void CampaignModel::insertCampaign(int row, const core::Campaign& c) {
    beginInsertRows({}, row, row);
    m_campaigns.insert(m_campaigns.begin() + row, c);
    endInsertRows();
    detachFromRunIfIdle();
    m_applying = true;
    m_controller->setCampaigns(m_campaigns);
    m_applying = false;
}

void CampaignModel::removeCampaign(int row) {
    beginRemoveRows({}, row, row);
    m_campaigns.erase(m_campaigns.begin() + row);
    endRemoveRows();
    detachFromRunIfIdle();
    m_applying = true;
    m_controller->setCampaigns(m_campaigns);
    m_applying = false;
}

void CampaignModel::onScenarioChanged() {
    if (m_applying) return;
    const auto& fresh = m_controller->scenario().campaigns;
    // Another guard or pace leaves the campaigns as they were: the run's figures still belong.
    const auto same = [](const core::Campaign& a, const core::Campaign& b) {
        return a.id == b.id && a.stock == b.stock && a.policy == b.policy;
    };
    if (fresh.size() != m_campaigns.size() ||
        !std::equal(fresh.begin(), fresh.end(), m_campaigns.begin(), same))
        detachFromRunIfIdle();
    if (fresh.size() == m_campaigns.size()) {
        m_campaigns = fresh;
        if (!m_campaigns.empty())
            Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
        return;
    }
    beginResetModel();
    m_campaigns = fresh;
    endResetModel();
}

void CampaignModel::onSnapshot(const std::shared_ptr<const Snapshot>& snapshot) {
    m_snapshot = snapshot;
    if (!m_campaigns.empty()) Q_EMIT dataChanged(index(0, Stock), index(rowCount() - 1, Issued));
}

}  // namespace stampede::ui
