#pragma once
// The DLQ inspector's filter row: reason and campaign choices, minimum attempts, a dead-lettered
// time range and free text (debounced), each applied to a DlqFilterProxy as the operator edits
// it. Offers only the choices it is given; it never reads the model or the engine.

#include <QTimer>
#include <QWidget>

#include <set>

class QComboBox;
class QDoubleSpinBox;
class QLineEdit;
class QSpinBox;

namespace stampede::ui {

class DlqFilterProxy;

class DlqFilterBar : public QWidget {
    Q_OBJECT
public:
    explicit DlqFilterBar(DlqFilterProxy* proxy, QWidget* parent = nullptr);

    // Offers these reasons and campaigns (plus "all"), keeping the operator's current choices.
    void setChoices(const std::set<QString>& reasons, const std::set<QString>& campaigns);

private:
    void applyTimeRange();

    DlqFilterProxy* m_proxy;
    QComboBox* m_reasonCombo = nullptr;
    QComboBox* m_campaignCombo = nullptr;
    QSpinBox* m_minAttempts = nullptr;
    QDoubleSpinBox* m_fromS = nullptr;
    QDoubleSpinBox* m_toS = nullptr;
    QLineEdit* m_search = nullptr;
    QTimer m_searchDebounce;
};

}  // namespace stampede::ui
