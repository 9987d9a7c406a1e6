#include "models/dlq_filter_proxy.h"

#include <algorithm>
#include <cmath>
#include <string_view>

#include "models/dlq_model.h"

namespace stampede::ui {
namespace {

char foldAscii(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

// Case-insensitive for ASCII, byte-exact beyond: the engine's payloads and messages are ASCII
// JSON, and a search over a large DLQ must not convert every field to a QString.
bool containsFolded(std::string_view haystack, std::string_view needle) {
    return std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(),
                       [](char a, char b) { return foldAscii(a) == b; }) != haystack.end();
}

std::optional<std::int64_t> toNs(std::optional<double> seconds) {
    if (!seconds) return std::nullopt;
    return static_cast<std::int64_t>(std::llround(*seconds * 1e9));
}

}  // namespace

DlqFilterProxy::DlqFilterProxy(QObject* parent) : QSortFilterProxyModel(parent) {
    setSortRole(Qt::UserRole);
    setDynamicSortFilter(true);
}

void DlqFilterProxy::setSourceModel(QAbstractItemModel* model) {
    // Filtering reads the DeadLetter records themselves, not their formatted cells.
    m_dlq = qobject_cast<DlqModel*>(model);
    Q_ASSERT(!model || m_dlq);
    QSortFilterProxyModel::setSourceModel(model);
}

void DlqFilterProxy::setReason(const QString& reason) {
    if (reason == m_reason) return;
    m_reason = reason;
    m_reasonUtf8 = reason.toStdString();
    refilter();
}

void DlqFilterProxy::setCampaign(const QString& campaign) {
    if (campaign == m_campaign) return;
    m_campaign = campaign;
    m_campaignUtf8 = campaign.toStdString();
    refilter();
}

void DlqFilterProxy::setMinAttempts(int attempts) {
    attempts = std::max(0, attempts);
    if (attempts == m_minAttempts) return;
    m_minAttempts = attempts;
    refilter();
}

void DlqFilterProxy::setTimeRange(std::optional<double> fromS, std::optional<double> toS) {
    const auto from = toNs(fromS);
    const auto to = toNs(toS);
    if (from == m_fromNs && to == m_toNs) return;
    m_fromNs = from;
    m_toNs = to;
    refilter();
}

void DlqFilterProxy::setText(const QString& text) {
    if (text == m_text) return;
    m_text = text;
    m_needle = text.toStdString();
    std::transform(m_needle.begin(), m_needle.end(), m_needle.begin(), foldAscii);
    refilter();
}

void DlqFilterProxy::clearFilters() {
    m_reason.clear();
    m_campaign.clear();
    m_reasonUtf8.clear();
    m_campaignUtf8.clear();
    m_minAttempts = 0;
    m_fromNs.reset();
    m_toNs.reset();
    m_text.clear();
    m_needle.clear();
    refilter();
}

bool DlqFilterProxy::isFiltering() const {
    return !m_reason.isEmpty() || !m_campaign.isEmpty() || m_minAttempts > 0 || m_fromNs ||
           m_toNs || !m_needle.empty();
}

void DlqFilterProxy::refilter() {
    invalidateRowsFilter();
    Q_EMIT filterChanged();
}

bool DlqFilterProxy::accepts(const dlq::DeadLetter& letter) const {
    if (!m_reasonUtf8.empty() && letter.reason != m_reasonUtf8) return false;
    if (!m_campaignUtf8.empty() && letter.campaignId != m_campaignUtf8) return false;
    if (letter.attempts < m_minAttempts) return false;
    if (m_fromNs && letter.deadLetteredNs < *m_fromNs) return false;
    if (m_toNs && letter.deadLetteredNs >= *m_toNs) return false;
    return m_needle.empty() || matchesText(letter);
}

bool DlqFilterProxy::matchesText(const dlq::DeadLetter& letter) const {
    if (containsFolded(letter.payload, m_needle) || containsFolded(letter.reason, m_needle) ||
        containsFolded(letter.campaignId, m_needle) ||
        containsFolded(std::to_string(letter.user), m_needle))
        return true;
    return std::any_of(
        letter.errors.begin(), letter.errors.end(),
        [this](const dlq::AttemptError& e) { return containsFolded(e.message, m_needle); });
}

bool DlqFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const {
    if (sourceParent.isValid() || !m_dlq) return false;
    const dlq::DeadLetter* letter = m_dlq->letterAt(sourceRow);
    return letter && accepts(*letter);
}

}  // namespace stampede::ui
