#pragma once
// Undoable campaign edits (QUndoStack): replace one campaign, insert one, remove one. Each
// command holds both versions of what it changes, so undo and redo are exact.

#include <QUndoCommand>

#include "stampede/core/campaign.h"

namespace stampede::ui {

class CampaignModel;

class ReplaceCampaignCommand : public QUndoCommand {
public:
    ReplaceCampaignCommand(CampaignModel* model, int row, core::Campaign before,
                           core::Campaign after);
    void redo() override;
    void undo() override;
    // Why the last redo or undo could not be applied (stock below issued during a run), or empty.
    QString lastRefusal() const { return m_refusal; }

private:
    CampaignModel* m_model;
    int m_row;
    core::Campaign m_before, m_after;
    QString m_refusal;
};

class InsertCampaignCommand : public QUndoCommand {
public:
    InsertCampaignCommand(CampaignModel* model, int row, core::Campaign campaign,
                          const QString& text);
    void redo() override;
    void undo() override;

private:
    CampaignModel* m_model;
    int m_row;
    core::Campaign m_campaign;
};

class RemoveCampaignCommand : public QUndoCommand {
public:
    RemoveCampaignCommand(CampaignModel* model, int row);
    void redo() override;
    void undo() override;

private:
    CampaignModel* m_model;
    int m_row;
    core::Campaign m_campaign;
};

}  // namespace stampede::ui
