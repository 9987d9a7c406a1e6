#include "views/campaign_dialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>
#include <QVBoxLayout>

namespace stampede::ui {

CampaignDialog::CampaignDialog(const core::Campaign& c, bool idEditable,
                               std::function<QString(const core::Campaign&)> validate,
                               QWidget* parent)
    : QDialog(parent), m_validate(std::move(validate)) {
    setWindowTitle(idEditable ? tr("New campaign")
                              : tr("Edit campaign %1").arg(QString::fromStdString(c.id)));
    m_id = new QLineEdit(QString::fromStdString(c.id));
    m_id->setReadOnly(!idEditable);
    m_id->setObjectName(QStringLiteral("campaignId"));
    m_name = new QLineEdit(QString::fromStdString(c.name));
    m_name->setObjectName(QStringLiteral("campaignName"));
    m_policy = new QComboBox;
    m_policy->addItems({QStringLiteral("FIRST_COME"), QStringLiteral("LOTTERY")});
    m_policy->setCurrentIndex(c.policy == core::Policy::Lottery ? 1 : 0);
    // A double spin box holds stocks beyond 2^31; decimals 0 keeps it a whole number.
    m_stock = new QDoubleSpinBox;
    m_stock->setObjectName(QStringLiteral("campaignStock"));
    m_stock->setDecimals(0);
    m_stock->setRange(0, 1e12);
    m_stock->setGroupSeparatorShown(true);
    m_stock->setValue(static_cast<double>(c.stock));
    m_verification = new QCheckBox(tr("Users must have verified (e-mail) before applying"));
    m_verification->setChecked(c.requiresVerification);
    m_opens = new QSpinBox;
    m_opens->setRange(0, 1'000'000'000);
    m_opens->setSuffix(tr(" ms"));
    m_opens->setValue(static_cast<int>(c.opensAfterMs));
    m_hasClose = new QCheckBox(tr("closes after"));
    m_closes = new QSpinBox;
    m_closes->setRange(1, 1'000'000'000);
    m_closes->setSuffix(tr(" ms"));
    m_hasClose->setChecked(c.closesAfterMs.has_value());
    m_closes->setValue(static_cast<int>(c.closesAfterMs.value_or(1000)));
    m_closes->setEnabled(m_hasClose->isChecked());
    connect(m_hasClose, &QCheckBox::toggled, m_closes, &QWidget::setEnabled);
    m_maxInFlight = new QSpinBox;
    m_maxInFlight->setRange(0, 1'000'000);
    m_maxInFlight->setSpecialValueText(tr("unlimited"));
    m_maxInFlight->setValue(static_cast<int>(c.maxInFlight));
    m_rate = new QDoubleSpinBox;
    m_rate->setRange(0, 1e9);
    m_rate->setDecimals(1);
    m_rate->setSpecialValueText(tr("unlimited"));
    m_rate->setSuffix(tr(" /s"));
    m_rate->setValue(c.rateLimitRps);

    auto* window = new QHBoxLayout;
    window->addWidget(new QLabel(tr("opens after")));
    window->addWidget(m_opens);
    window->addWidget(m_hasClose);
    window->addWidget(m_closes);

    auto* form = new QFormLayout;
    form->addRow(tr("Id"), m_id);
    form->addRow(tr("Name"), m_name);
    form->addRow(tr("Policy"), m_policy);
    form->addRow(tr("Stock"), m_stock);
    form->addRow(tr("Verification"), m_verification);
    form->addRow(tr("Window"), window);
    form->addRow(tr("Bulkhead (max in flight)"), m_maxInFlight);
    form->addRow(tr("Processing rate cap"), m_rate);

    m_problem = new QLabel;
    m_problem->setObjectName(QStringLiteral("campaignProblem"));
    m_problem->setStyleSheet(QStringLiteral("color: #d32f2f;"));
    m_problem->setWordWrap(true);
    m_problem->hide();

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_problem);
    layout->addWidget(buttons);
}

core::Campaign CampaignDialog::campaign() const {
    core::Campaign c;
    c.id = m_id->text().trimmed().toStdString();
    c.name = m_name->text().trimmed().toStdString();
    if (c.name.empty()) c.name = c.id;
    c.policy = m_policy->currentIndex() == 1 ? core::Policy::Lottery : core::Policy::FirstCome;
    c.stock = static_cast<std::int64_t>(m_stock->value());
    c.requiresVerification = m_verification->isChecked();
    c.opensAfterMs = m_opens->value();
    if (m_hasClose->isChecked()) c.closesAfterMs = m_closes->value();
    c.maxInFlight = m_maxInFlight->value();
    c.rateLimitRps = m_rate->value();
    return c;
}

void CampaignDialog::accept() {
    const QString problem = m_validate ? m_validate(campaign()) : QString();
    if (!problem.isEmpty()) {
        m_problem->setText(problem);
        m_problem->show();
        return;
    }
    QDialog::accept();
}

}  // namespace stampede::ui
