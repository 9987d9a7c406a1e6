#pragma once
// Create or edit one campaign: every field of core::Campaign, validated before OK is accepted.

#include <QDialog>

#include <functional>

#include "stampede/core/campaign.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace stampede::ui {

class CampaignDialog : public QDialog {
    Q_OBJECT
public:
    // `validate` returns an empty string for an acceptable campaign, or the problem.
    CampaignDialog(const core::Campaign& campaign, bool idEditable,
                   std::function<QString(const core::Campaign&)> validate,
                   QWidget* parent = nullptr);
    core::Campaign campaign() const;

    void accept() override;

private:
    std::function<QString(const core::Campaign&)> m_validate;
    QLineEdit* m_id;
    QLineEdit* m_name;
    QComboBox* m_policy;
    QDoubleSpinBox* m_stock;
    QCheckBox* m_verification;
    QSpinBox* m_opens;
    QCheckBox* m_hasClose;
    QSpinBox* m_closes;
    QSpinBox* m_maxInFlight;
    QDoubleSpinBox* m_rate;
    QLabel* m_problem;
};

}  // namespace stampede::ui
