#pragma once
// The campaigns table: create, edit, duplicate, delete, set stock (also during a run), with
// undo/redo through the main window's QUndoStack.

#include <QDockWidget>
#include <QTimer>

#include "stampede/core/campaign.h"

class QAction;
class QLabel;
class QTableView;
class QUndoStack;

namespace stampede::ui {

class CampaignModel;
class EngineController;

class CampaignsDock : public QDockWidget {
    Q_OBJECT
public:
    CampaignsDock(EngineController* controller, QUndoStack* undo, QWidget* parent = nullptr);

    CampaignModel* model() const { return m_model; }
    QTableView* table() const { return m_table; }
    QAction* newAction() const { return m_new; }
    // The last refusal shown in the dock (empty when none is showing).
    QString message() const;

    // Each validates, then pushes an undoable command; an empty string means done.
    QString addCampaign(const core::Campaign& campaign);
    QString setStock(int row, std::int64_t stock);
    QString removeCampaign(int row);

private:
    void newCampaign();
    void editSelected();
    void duplicateSelected();
    void deleteSelected();
    void setStockOfSelected();
    int selectedRow() const;
    void updateActions();
    void showRefusal(const QString& reason);

    EngineController* m_controller;
    QUndoStack* m_undo;
    CampaignModel* m_model;
    QTableView* m_table;
    QAction* m_new;
    QAction* m_edit;
    QAction* m_duplicate;
    QAction* m_delete;
    QAction* m_setStock;
    QLabel* m_message;
    QTimer m_messageTimer;
};

}  // namespace stampede::ui
