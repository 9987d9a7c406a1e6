#include "docks/dlq_filter_bar.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSignalBlocker>
#include <QSpinBox>

#include <algorithm>
#include <optional>

#include "models/dlq_filter_proxy.h"

namespace stampede::ui {
namespace {

constexpr int kSearchDebounceMs = 150;

// Fills `combo` with "all" plus `values`, keeping the operator's choice even if it has no entries
// left; untouched when nothing changed, so an open popup is not disturbed four times a second.
void fillChoices(QComboBox* combo, const QString& allText, const std::set<QString>& values) {
    const QString chosen = combo->currentData().toString();
    std::set<QString> wantedSet = values;
    if (!chosen.isEmpty()) wantedSet.insert(chosen);
    const QStringList wanted(wantedSet.begin(), wantedSet.end());
    QStringList have;
    for (int i = 1; i < combo->count(); ++i) have << combo->itemData(i).toString();
    if (combo->count() > 0 && have == wanted) return;
    const QSignalBlocker block(combo);
    combo->clear();
    combo->addItem(allText, QString());
    for (const QString& value : wanted) combo->addItem(value, value);
    combo->setCurrentIndex(std::max(0, combo->findData(chosen)));
}

QDoubleSpinBox* secondsBox(const QString& unbounded) {
    auto* box = new QDoubleSpinBox;
    box->setRange(0, 1e6);
    box->setDecimals(3);
    box->setSingleStep(1);
    box->setSuffix(QStringLiteral(" s"));
    box->setSpecialValueText(unbounded);  // shown at 0: no bound
    return box;
}

}  // namespace

DlqFilterBar::DlqFilterBar(DlqFilterProxy* proxy, QWidget* parent)
    : QWidget(parent), m_proxy(proxy) {
    auto* row = new QHBoxLayout(this);
    row->setContentsMargins(0, 0, 0, 0);
    m_reasonCombo = new QComboBox;
    m_reasonCombo->setObjectName(QStringLiteral("dlqReasonFilter"));
    m_reasonCombo->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    fillChoices(m_reasonCombo, tr("All reasons"), {});
    connect(m_reasonCombo, &QComboBox::currentIndexChanged, this,
            [this] { m_proxy->setReason(m_reasonCombo->currentData().toString()); });
    m_campaignCombo = new QComboBox;
    m_campaignCombo->setObjectName(QStringLiteral("dlqCampaignFilter"));
    m_campaignCombo->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    fillChoices(m_campaignCombo, tr("All campaigns"), {});
    connect(m_campaignCombo, &QComboBox::currentIndexChanged, this,
            [this] { m_proxy->setCampaign(m_campaignCombo->currentData().toString()); });
    m_minAttempts = new QSpinBox;
    m_minAttempts->setObjectName(QStringLiteral("dlqMinAttempts"));
    m_minAttempts->setRange(0, 1000);
    m_minAttempts->setSpecialValueText(tr("any"));
    connect(m_minAttempts, &QSpinBox::valueChanged, m_proxy, &DlqFilterProxy::setMinAttempts);
    m_fromS = secondsBox(tr("start"));
    m_toS = secondsBox(tr("end"));
    m_fromS->setToolTip(tr("Dead-lettered at or after this time since the run's start"));
    m_toS->setToolTip(tr("Dead-lettered before this time since the run's start"));
    connect(m_fromS, &QDoubleSpinBox::valueChanged, this, &DlqFilterBar::applyTimeRange);
    connect(m_toS, &QDoubleSpinBox::valueChanged, this, &DlqFilterBar::applyTimeRange);
    m_search = new QLineEdit;
    m_search->setObjectName(QStringLiteral("dlqSearch"));
    m_search->setPlaceholderText(tr("Search payload, user, reason, errors…"));
    m_search->setClearButtonEnabled(true);
    m_search->setMinimumWidth(12 * m_search->fontMetrics().horizontalAdvance(QLatin1Char('M')));
    m_searchDebounce.setSingleShot(true);
    m_searchDebounce.setInterval(kSearchDebounceMs);
    connect(&m_searchDebounce, &QTimer::timeout, this,
            [this] { m_proxy->setText(m_search->text().trimmed()); });
    connect(m_search, &QLineEdit::textChanged, this, [this] { m_searchDebounce.start(); });

    row->addWidget(m_reasonCombo);
    row->addWidget(m_campaignCombo);
    row->addWidget(new QLabel(tr("Attempts ≥")));
    row->addWidget(m_minAttempts);
    row->addWidget(new QLabel(tr("From")));
    row->addWidget(m_fromS);
    row->addWidget(new QLabel(tr("to")));
    row->addWidget(m_toS);
    row->addWidget(m_search, 1);
}

void DlqFilterBar::setChoices(const std::set<QString>& reasons,
                              const std::set<QString>& campaigns) {
    fillChoices(m_reasonCombo, tr("All reasons"), reasons);
    fillChoices(m_campaignCombo, tr("All campaigns"), campaigns);
}

void DlqFilterBar::applyTimeRange() {
    const double from = m_fromS->value();
    const double to = m_toS->value();
    m_proxy->setTimeRange(from > 0 ? std::optional(from) : std::nullopt,
                          to > 0 ? std::optional(to) : std::nullopt);
}

}  // namespace stampede::ui
