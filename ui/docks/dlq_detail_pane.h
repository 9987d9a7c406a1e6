#pragma once
// The DLQ inspector's detail: one dead letter's summary, its payload (JSON indented when it
// parses) and its error history, attempt by attempt. Shows the letter it is handed and keeps no
// pointer to it; it never reads the model or the engine.

#include <QWidget>

class QLabel;
class QPlainTextEdit;
class QTableWidget;

namespace stampede::dlq {
struct DeadLetter;
}

namespace stampede::ui {

class DlqDetailPane : public QWidget {
    Q_OBJECT
public:
    explicit DlqDetailPane(QWidget* parent = nullptr);

    // Null clears the pane and asks the operator to select a dead letter.
    void showLetter(const dlq::DeadLetter* letter);

private:
    void showErrors(const dlq::DeadLetter& letter);

    QLabel* m_title = nullptr;
    QPlainTextEdit* m_payload = nullptr;
    QTableWidget* m_errors = nullptr;
};

}  // namespace stampede::ui
