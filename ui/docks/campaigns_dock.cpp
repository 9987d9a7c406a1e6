#include "docks/campaigns_dock.h"

#include <QAction>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QTableView>
#include <QToolBar>
#include <QUndoStack>
#include <QVBoxLayout>

#include "engine_controller.h"
#include "export_actions.h"
#include "models/campaign_commands.h"
#include "models/campaign_model.h"
#include "views/campaign_dialog.h"

namespace stampede::ui {

CampaignsDock::CampaignsDock(EngineController* controller, QUndoStack* undo, QWidget* parent)
    : QDockWidget(tr("Campaigns"), parent),
      m_controller(controller),
      m_undo(undo),
      m_model(new CampaignModel(controller, this)) {
    setObjectName(QStringLiteral("campaignsDock"));
    m_table = new QTableView;
    m_table->setObjectName(QStringLiteral("campaignsTable"));
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setAlternatingRowColors(true);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed);
    m_table->setContextMenuPolicy(Qt::ActionsContextMenu);

    m_new = new QAction(QIcon::fromTheme(QStringLiteral("list-add")), tr("New campaign…"), this);
    m_new->setShortcut(QKeySequence::New);
    m_edit = new QAction(QIcon::fromTheme(QStringLiteral("document-edit")), tr("Edit…"), this);
    m_duplicate = new QAction(QIcon::fromTheme(QStringLiteral("edit-copy")), tr("Duplicate"), this);
    m_delete = new QAction(QIcon::fromTheme(QStringLiteral("list-remove")), tr("Delete"), this);
    m_delete->setShortcut(QKeySequence::Delete);
    m_setStock = new QAction(tr("Set stock…"), this);
    m_setStock->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_K));
    for (QAction* a : {m_new, m_edit, m_duplicate, m_delete, m_setStock})
        a->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(m_new, &QAction::triggered, this, &CampaignsDock::newCampaign);
    connect(m_edit, &QAction::triggered, this, &CampaignsDock::editSelected);
    connect(m_duplicate, &QAction::triggered, this, &CampaignsDock::duplicateSelected);
    connect(m_delete, &QAction::triggered, this, &CampaignsDock::deleteSelected);
    connect(m_setStock, &QAction::triggered, this, &CampaignsDock::setStockOfSelected);
    connect(m_table, &QTableView::doubleClicked, this, [this](const QModelIndex& index) {
        if (!(m_model->flags(index) & Qt::ItemIsEditable)) editSelected();
    });

    m_table->addActions({m_edit, m_duplicate, m_delete, m_setStock});
    addTableExportActions(*m_table, *m_model, QStringLiteral("campaigns"));

    auto* tools = new QToolBar;
    tools->setIconSize(QSize(16, 16));
    tools->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    tools->addActions({m_new, m_edit, m_duplicate, m_delete});
    tools->addSeparator();
    tools->addAction(m_setStock);
    auto* content = new QWidget;
    auto* layout = new QVBoxLayout(content);
    layout->setContentsMargins(4, 4, 4, 4);
    m_message = new QLabel;
    m_message->setObjectName(QStringLiteral("campaignsMessage"));
    m_message->setWordWrap(true);
    m_message->setStyleSheet(
        QStringLiteral("QLabel { color: white; background: #c62828; padding: 3px 6px; }"));
    m_message->hide();
    m_messageTimer.setSingleShot(true);
    m_messageTimer.setInterval(8000);
    connect(&m_messageTimer, &QTimer::timeout, m_message, &QWidget::hide);
    layout->addWidget(tools);
    layout->addWidget(m_table);
    layout->addWidget(m_message);
    setWidget(content);

    connect(m_model, &CampaignModel::editRequested, this,
            [this](int row, const core::Campaign& before, const core::Campaign& after) {
                auto* command = new ReplaceCampaignCommand(m_model, row, before, after);
                m_undo->push(command);
                if (!command->lastRefusal().isEmpty()) showRefusal(command->lastRefusal());
            });
    connect(m_model, &CampaignModel::editRefused, this, &CampaignsDock::showRefusal);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &CampaignsDock::updateActions);
    connect(m_model, &QAbstractItemModel::modelReset, this, &CampaignsDock::updateActions);
    connect(controller, &EngineController::runStarted, this, &CampaignsDock::updateActions);
    connect(controller, &EngineController::runEnded, this, &CampaignsDock::updateActions);
    updateActions();
}

QString CampaignsDock::message() const {
    return m_message->isHidden() ? QString() : m_message->text();
}

int CampaignsDock::selectedRow() const {
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    return rows.isEmpty() ? m_table->currentIndex().row() : rows.first().row();
}

void CampaignsDock::updateActions() {
    const bool selected = selectedRow() >= 0;
    const bool running = m_controller->runInProgress();
    // During a run the campaigns are the run's: only their stock may change.
    m_new->setEnabled(!running);
    m_edit->setEnabled(selected && !running);
    m_duplicate->setEnabled(selected && !running);
    m_delete->setEnabled(selected && !running);
    m_setStock->setEnabled(selected);
}

// Refusals show in the dock and the event log, never in a modal box: an operator in the middle
// of a stampede must not have to dismiss anything.
void CampaignsDock::showRefusal(const QString& reason) {
    m_controller->logEngine(tr("Campaign edit refused: %1").arg(reason));
    m_message->setText(tr("Not changed: %1").arg(reason));
    m_message->show();
    m_messageTimer.start();
}

QString CampaignsDock::addCampaign(const core::Campaign& campaign) {
    const QString problem = m_model->validate(campaign, -1);
    if (!problem.isEmpty()) return problem;
    m_undo->push(
        new InsertCampaignCommand(m_model, m_model->rowCount(), campaign,
                                  tr("New campaign %1").arg(QString::fromStdString(campaign.id))));
    m_controller->logOperator(tr("Campaign %1 created (stock %2)")
                                  .arg(QString::fromStdString(campaign.id))
                                  .arg(campaign.stock));
    return {};
}

QString CampaignsDock::setStock(int row, std::int64_t stock) {
    if (row < 0 || row >= m_model->rowCount()) return tr("No such campaign.");
    core::Campaign after = m_model->campaign(row);
    after.stock = stock;
    const QString problem = m_model->validate(after, row);
    if (!problem.isEmpty()) return problem;
    auto* command = new ReplaceCampaignCommand(m_model, row, m_model->campaign(row), after);
    m_undo->push(command);
    if (!command->lastRefusal().isEmpty()) return command->lastRefusal();
    m_controller->logOperator(
        tr("Stock of %1 set to %2").arg(QString::fromStdString(after.id)).arg(stock));
    return {};
}

QString CampaignsDock::removeCampaign(int row) {
    if (m_controller->runInProgress()) return tr("Campaigns cannot be deleted during a run.");
    if (row < 0 || row >= m_model->rowCount()) return tr("No such campaign.");
    m_undo->push(new RemoveCampaignCommand(m_model, row));
    return {};
}

void CampaignsDock::newCampaign() {
    core::Campaign preset;
    preset.id = m_model->freeId(QStringLiteral("c%1").arg(m_model->rowCount() + 1)).toStdString();
    preset.name = tr("New campaign").toStdString();
    preset.stock = 100;
    CampaignDialog dialog(
        preset, true, [this](const core::Campaign& c) { return m_model->validate(c, -1); }, this);
    if (dialog.exec() == QDialog::Accepted) addCampaign(dialog.campaign());
}

void CampaignsDock::editSelected() {
    const int row = selectedRow();
    if (row < 0) return;
    CampaignDialog dialog(
        m_model->campaign(row), false,
        [this, row](const core::Campaign& c) { return m_model->validate(c, row); }, this);
    if (dialog.exec() != QDialog::Accepted) return;
    auto* command =
        new ReplaceCampaignCommand(m_model, row, m_model->campaign(row), dialog.campaign());
    m_undo->push(command);
    if (!command->lastRefusal().isEmpty()) showRefusal(command->lastRefusal());
}

void CampaignsDock::duplicateSelected() {
    const int row = selectedRow();
    if (row < 0) return;
    core::Campaign copy = m_model->campaign(row);
    copy.id =
        m_model->freeId(QString::fromStdString(copy.id) + QStringLiteral("-copy")).toStdString();
    copy.name += tr(" (copy)").toStdString();
    addCampaign(copy);
}

void CampaignsDock::deleteSelected() {
    const QString problem = removeCampaign(selectedRow());
    if (!problem.isEmpty()) showRefusal(problem);
}

void CampaignsDock::setStockOfSelected() {
    const int row = selectedRow();
    if (row < 0) return;
    bool ok = false;
    const QString id = QString::fromStdString(m_model->campaign(row).id);
    const double stock = QInputDialog::getDouble(
        this, tr("Set stock"), tr("New stock of %1 (never below what is already issued):").arg(id),
        m_model->data(m_model->index(row, CampaignModel::Stock)).toDouble(), 0, 1e12, 0, &ok);
    if (!ok) return;
    const QString problem = setStock(row, static_cast<std::int64_t>(stock));
    if (!problem.isEmpty()) showRefusal(problem);
}

}  // namespace stampede::ui
