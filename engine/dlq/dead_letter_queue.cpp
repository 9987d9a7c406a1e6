#include "stampede/dlq/dead_letter_queue.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace stampede::dlq {

std::string DeadLetter::userName() const {
    return QJsonDocument::fromJson(QByteArray::fromStdString(payload))
        .object()
        .value(QStringLiteral("user"))
        .toString()
        .toStdString();
}

std::string toJson(const DeadLetter& letter, std::string_view originJson) {
    const auto qs = [](const std::string& text) { return QString::fromStdString(text); };
    QJsonArray errors;
    for (const AttemptError& e : letter.errors)
        errors.append(QJsonObject{{QStringLiteral("attempt"), e.attempt},
                                  {QStringLiteral("at_ns"), qint64(e.atNs)},
                                  {QStringLiteral("message"), qs(e.message)}});
    const QJsonObject request =
        QJsonDocument::fromJson(QByteArray::fromStdString(letter.payload)).object();
    QJsonObject o{{QStringLiteral("request_id"), qint64(letter.requestId)},
                  {QStringLiteral("campaign"), qs(letter.campaignId)},
                  {QStringLiteral("user"), request.value(QStringLiteral("user"))},
                  {QStringLiteral("user_id"), qint64(letter.user)},
                  {QStringLiteral("reason"), qs(letter.reason)},
                  {QStringLiteral("attempts"), letter.attempts},
                  {QStringLiteral("replays"), letter.replays},
                  {QStringLiteral("received_ns"), qint64(letter.receivedNs)},
                  {QStringLiteral("dead_lettered_ns"), qint64(letter.deadLetteredNs)},
                  {QStringLiteral("errors"), errors},
                  {QStringLiteral("request"), request}};
    if (!originJson.empty())
        o[QStringLiteral("origin")] =
            QJsonDocument::fromJson(QByteArray(originJson.data(), qsizetype(originJson.size())))
                .object();
    return QJsonDocument(o).toJson(QJsonDocument::Compact).toStdString();
}

std::optional<DeadLetter> fromJson(const std::string& json) {
    const QJsonObject o = QJsonDocument::fromJson(QByteArray::fromStdString(json)).object();
    if (!o.contains(QStringLiteral("request_id")) || !o.contains(QStringLiteral("reason")))
        return std::nullopt;
    DeadLetter letter;
    letter.requestId =
        static_cast<core::RequestId>(o.value(QStringLiteral("request_id")).toInteger());
    letter.campaignId = o.value(QStringLiteral("campaign")).toString().toStdString();
    letter.reason = o.value(QStringLiteral("reason")).toString().toStdString();
    letter.attempts = o.value(QStringLiteral("attempts")).toInt();
    letter.replays = o.value(QStringLiteral("replays")).toInt();
    letter.receivedNs = o.value(QStringLiteral("received_ns")).toInteger();
    letter.deadLetteredNs = o.value(QStringLiteral("dead_lettered_ns")).toInteger();
    for (const QJsonValue& e : o.value(QStringLiteral("errors")).toArray()) {
        const QJsonObject error = e.toObject();
        letter.errors.push_back({error.value(QStringLiteral("attempt")).toInt(),
                                 error.value(QStringLiteral("at_ns")).toInteger(),
                                 error.value(QStringLiteral("message")).toString().toStdString()});
    }
    letter.payload = QJsonDocument(o.value(QStringLiteral("request")).toObject())
                         .toJson(QJsonDocument::Compact)
                         .toStdString();
    // The run's number for the user, as its guard recorded it. Entries without one: scenario
    // users are numbers; other names get a number past them (the user directory's convention),
    // and readers take the name from the payload.
    if (o.contains(QStringLiteral("user_id"))) {
        letter.user = static_cast<std::uint64_t>(o.value(QStringLiteral("user_id")).toInteger());
        return letter;
    }
    bool numeric = false;
    const qulonglong user = o.value(QStringLiteral("user")).toString().toULongLong(&numeric);
    letter.user = numeric && user < (1ULL << 32) ? user : (1ULL << 32);
    return letter;
}

bool DlqFilter::matches(const DeadLetter& letter) const {
    if (reason && letter.reason != *reason) return false;
    if (campaign && letter.campaignId != *campaign) return false;
    if (minAttempts && letter.attempts < *minAttempts) return false;
    if (fromNs && letter.deadLetteredNs < *fromNs) return false;
    if (toNs && letter.deadLetteredNs >= *toNs) return false;
    if (!text.empty()) {
        bool found = letter.payload.find(text) != std::string::npos ||
                     letter.reason.find(text) != std::string::npos;
        for (const auto& e : letter.errors)
            found = found || e.message.find(text) != std::string::npos;
        if (!found) return false;
    }
    return true;
}

void DeadLetterQueue::add(DeadLetter letter) {
    std::lock_guard lock(m_mutex);
    const auto id = letter.requestId;
    m_entries.insert_or_assign(id, std::move(letter));
}

std::vector<DeadLetter> DeadLetterQueue::list(const DlqFilter& filter) const {
    std::lock_guard lock(m_mutex);
    std::vector<DeadLetter> out;
    for (const auto& [id, letter] : m_entries)
        if (filter.matches(letter)) out.push_back(letter);
    return out;
}

std::vector<core::RequestId> DeadLetterQueue::ids(const DlqFilter& filter) const {
    std::lock_guard lock(m_mutex);
    std::vector<core::RequestId> out;
    for (const auto& [id, letter] : m_entries)
        if (filter.matches(letter)) out.push_back(id);
    return out;
}

std::optional<DeadLetter> DeadLetterQueue::find(core::RequestId id) const {
    std::lock_guard lock(m_mutex);
    auto it = m_entries.find(id);
    if (it == m_entries.end()) return std::nullopt;
    return it->second;
}

bool DeadLetterQueue::contains(core::RequestId id) const {
    std::lock_guard lock(m_mutex);
    return m_entries.count(id) != 0;
}

std::optional<DeadLetter> DeadLetterQueue::take(core::RequestId id) {
    std::lock_guard lock(m_mutex);
    auto it = m_entries.find(id);
    if (it == m_entries.end()) return std::nullopt;
    DeadLetter letter = std::move(it->second);
    m_entries.erase(it);
    return letter;
}

std::vector<DeadLetter> DeadLetterQueue::purge(std::span<const core::RequestId> ids) {
    std::lock_guard lock(m_mutex);
    std::vector<DeadLetter> out;
    for (auto id : ids) {
        auto it = m_entries.find(id);
        if (it == m_entries.end()) continue;
        out.push_back(std::move(it->second));
        m_entries.erase(it);
    }
    return out;
}

std::vector<DeadLetter> DeadLetterQueue::purgeAll() {
    std::lock_guard lock(m_mutex);
    std::vector<DeadLetter> out;
    for (auto& [id, letter] : m_entries) out.push_back(std::move(letter));
    m_entries.clear();
    return out;
}

std::size_t DeadLetterQueue::size() const {
    std::lock_guard lock(m_mutex);
    return m_entries.size();
}

void FailureLog::append(core::RequestId id, AttemptError error) {
    std::lock_guard lock(m_mutex);
    std::vector<AttemptError>& errors = m_errors[id];
    if (errors.size() >= kKept) errors.erase(errors.begin() + std::ptrdiff_t(kKept / 2));
    errors.push_back(std::move(error));
}

std::vector<AttemptError> FailureLog::takeAll(core::RequestId id) {
    std::lock_guard lock(m_mutex);
    auto it = m_errors.find(id);
    if (it == m_errors.end()) return {};
    auto out = std::move(it->second);
    m_errors.erase(it);
    return out;
}

void FailureLog::forget(core::RequestId id) {
    std::lock_guard lock(m_mutex);
    m_errors.erase(id);
}

}  // namespace stampede::dlq
