#pragma once
// Where the console's store is, how big it is and how many runs it holds, in words for the Store
// menu ("Store: ~/.local/share/stampede/stampede.db · 12.4 MB · 7 runs"). The size is the file's
// (a stat, no database opened); the runs are counted off the GUI thread by the controller.

#include <QObject>
#include <QString>

#include <optional>

class QAction;

namespace stampede::ui {

class EngineController;

class StoreInfo : public QObject {
    Q_OBJECT
public:
    StoreInfo(EngineController* controller, QObject* parent);

    // A disabled menu item carrying text(); its tooltip is the store's URL.
    QAction* action() const { return m_action; }
    QString text() const;
    // Reads the size again and asks for the runs (answered later, which updates the text).
    void refresh();

private:
    void update();

    EngineController* m_controller;
    QAction* m_action;
    std::optional<qint64> m_runs;  // unknown until the store has answered
};

}  // namespace stampede::ui
