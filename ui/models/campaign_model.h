#pragma once
// The campaigns of the scenario being prepared or run, as a table: name, policy, stock,
// remaining, issued, window, verification. Structure and settings come from the controller's
// scenario; remaining and issued from the latest snapshot, refreshed with the narrowest
// dataChanged (two columns). Edits arrive as whole-campaign replacements so that every one of
// them is an undoable command (campaign_commands.h).

#include <QAbstractTableModel>

#include <memory>

#include "stampede/core/campaign.h"
#include "stampede/snapshot.h"

namespace stampede::ui {

class EngineController;

class CampaignModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Id, Name, Policy, Stock, Remaining, Issued, Window, Verification, ColumnCount };

    explicit CampaignModel(EngineController* controller, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    // Inline edits (name, policy, stock, verification) become undoable commands.
    bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;

    const core::Campaign& campaign(int row) const;
    int rowOf(const QString& id) const;  // -1 if absent

    // Applied by undo commands; each returns an empty string or why it was refused.
    QString replaceCampaign(int row, const core::Campaign& campaign);
    void insertCampaign(int row, const core::Campaign& campaign);
    void removeCampaign(int row);

    // Checks a campaign before it is applied: empty string if valid.
    QString validate(const core::Campaign& campaign, int row) const;
    // A campaign id not used yet, from `base` ("c3", "c3-copy", ...).
    QString freeId(const QString& base) const;

Q_SIGNALS:
    // Emitted for an edit the user asked for; the owner turns it into an undo command.
    void editRequested(int row, const stampede::core::Campaign& before,
                       const stampede::core::Campaign& after);
    void editRefused(const QString& reason);

private:
    void onScenarioChanged();
    void onSnapshot(const std::shared_ptr<const Snapshot>& snapshot);
    const CampaignSnapshot* liveOf(int row) const;

    EngineController* m_controller;
    std::vector<core::Campaign> m_campaigns;
    std::shared_ptr<const Snapshot> m_snapshot;
    bool m_applying = false;  // our own change to the controller's scenario is not news to us
    // The snapshot's figures belong to these campaigns: set when a run starts, cleared by any
    // change of the scenario once no run is in progress (another scenario, an edited stock), so
    // a finished run's stock and issued never stand in for the next run's campaigns.
    bool m_liveIsCurrent = false;
    void detachFromRunIfIdle();
};

}  // namespace stampede::ui
