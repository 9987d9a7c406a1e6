#include "models/campaign_commands.h"

#include <QObject>

#include "models/campaign_model.h"

namespace stampede::ui {
namespace {

QString describe(const core::Campaign& before, const core::Campaign& after) {
    const QString id = QString::fromStdString(after.id);
    if (before.stock != after.stock && before.name == after.name && before.policy == after.policy)
        return QObject::tr("Set stock of %1 to %2").arg(id).arg(after.stock);
    return QObject::tr("Edit campaign %1").arg(id);
}

}  // namespace

ReplaceCampaignCommand::ReplaceCampaignCommand(CampaignModel* model, int row, core::Campaign before,
                                               core::Campaign after)
    : QUndoCommand(describe(before, after)),
      m_model(model),
      m_row(row),
      m_before(std::move(before)),
      m_after(std::move(after)) {}

void ReplaceCampaignCommand::redo() {
    m_refusal = m_model->replaceCampaign(m_row, m_after);
}
void ReplaceCampaignCommand::undo() {
    m_refusal = m_model->replaceCampaign(m_row, m_before);
}

InsertCampaignCommand::InsertCampaignCommand(CampaignModel* model, int row, core::Campaign campaign,
                                             const QString& text)
    : QUndoCommand(text), m_model(model), m_row(row), m_campaign(std::move(campaign)) {}

void InsertCampaignCommand::redo() {
    m_model->insertCampaign(m_row, m_campaign);
}
void InsertCampaignCommand::undo() {
    m_model->removeCampaign(m_row);
}

RemoveCampaignCommand::RemoveCampaignCommand(CampaignModel* model, int row)
    : QUndoCommand(
          QObject::tr("Delete campaign %1").arg(QString::fromStdString(model->campaign(row).id))),
      m_model(model),
      m_row(row),
      m_campaign(model->campaign(row)) {}

void RemoveCampaignCommand::redo() {
    m_model->removeCampaign(m_row);
}
void RemoveCampaignCommand::undo() {
    m_model->insertCampaign(m_row, m_campaign);
}

}  // namespace stampede::ui
