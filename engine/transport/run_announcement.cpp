#include "transport/run_announcement.h"

#include <QJsonArray>

#include <algorithm>

namespace stampede::transport {

QJsonObject RunAnnouncement::toJson() const {
    QJsonArray list;
    for (const Campaign& c : campaigns)
        list.append(QJsonObject{{QStringLiteral("id"), QString::fromStdString(c.id)},
                                {QStringLiteral("stock"), qint64(c.stock)}});
    return QJsonObject{{QStringLiteral("scenario"), QString::fromStdString(scenario)},
                       {QStringLiteral("guard"), QString::fromStdString(guard)},
                       {QStringLiteral("shared_key"), QString::fromStdString(sharedKey)},
                       {QStringLiteral("max_attempts"), maxAttempts},
                       {QStringLiteral("retry_backoff_ms"), retryBackoffMs},
                       {QStringLiteral("retry_backoff_max_ms"), retryBackoffMaxMs},
                       {QStringLiteral("campaigns"), list}};
}

RunAnnouncement RunAnnouncement::fromJson(const QJsonObject& o) {
    const RunAnnouncement defaults;
    RunAnnouncement a;
    a.scenario = o.value(QStringLiteral("scenario")).toString().toStdString();
    a.guard = o.value(QStringLiteral("guard")).toString().toStdString();
    a.sharedKey = o.value(QStringLiteral("shared_key")).toString().toStdString();
    for (const QJsonValue& v : o.value(QStringLiteral("campaigns")).toArray()) {
        const QJsonObject c = v.toObject();
        a.campaigns.push_back({c.value(QStringLiteral("id")).toString().toStdString(),
                               c.value(QStringLiteral("stock")).toInteger()});
    }
    a.maxAttempts =
        std::max(1, o.value(QStringLiteral("max_attempts")).toInt(defaults.maxAttempts));
    a.retryBackoffMs =
        o.value(QStringLiteral("retry_backoff_ms")).toDouble(defaults.retryBackoffMs);
    a.retryBackoffMaxMs =
        o.value(QStringLiteral("retry_backoff_max_ms")).toDouble(defaults.retryBackoffMaxMs);
    return a;
}

}  // namespace stampede::transport
