#pragma once
// What the HTTP ingress has to tell people: its verification codes and results, newest last,
// with where each delivery stands (kept in the outbox only, pending, sent, failed).

#include <QDockWidget>

class QLabel;
class QTableWidget;

namespace stampede::ui {

class HttpIngress;

class OutboxDock : public QDockWidget {
    Q_OBJECT
public:
    OutboxDock(HttpIngress* ingress, QWidget* parent = nullptr);
    QTableWidget* table() const { return m_table; }

private:
    void refresh();

    HttpIngress* m_ingress;
    QTableWidget* m_table;
    QLabel* m_count;
};

}  // namespace stampede::ui
