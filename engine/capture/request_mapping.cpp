#include "capture/request_mapping.h"

#include <QByteArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <array>

namespace stampede::capture {
namespace {

// "/api/campaigns/{id}/apply" -> id, for a pattern given as prefix and suffix.
bool fromPath(std::string_view path, std::string_view prefix, std::string_view suffix,
              std::string& out) {
    if (path.size() <= prefix.size() + suffix.size() || path.substr(0, prefix.size()) != prefix ||
        path.substr(path.size() - suffix.size()) != suffix)
        return false;
    const std::string_view id =
        path.substr(prefix.size(), path.size() - prefix.size() - suffix.size());
    if (id.empty() || id.find('/') != std::string_view::npos) return false;
    out.assign(id);
    return true;
}

bool fieldText(const QJsonObject& body, const char* name, std::string& out) {
    const QJsonValue v = body.value(QLatin1String(name));
    if (v.isString() && !v.toString().isEmpty()) {
        out = v.toString().toStdString();
        return true;
    }
    if (v.isDouble()) {
        const double d = v.toDouble();
        out = d == double(qint64(d)) ? std::to_string(qint64(d)) : std::to_string(d);
        return true;
    }
    return false;
}

int hexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// The percent-decoded value of query parameter `name`; false when it is absent or empty.
bool queryValue(std::string_view query, std::string_view name, std::string& out) {
    while (!query.empty()) {
        const std::size_t amp = query.find('&');
        const std::string_view pair = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
        const std::size_t eq = pair.find('=');
        if (eq == std::string_view::npos || pair.substr(0, eq) != name) continue;
        out.clear();
        const std::string_view v = pair.substr(eq + 1);
        for (std::size_t i = 0; i < v.size(); ++i) {
            if (v[i] == '%' && i + 2 < v.size() && hexValue(v[i + 1]) >= 0 &&
                hexValue(v[i + 2]) >= 0) {
                out += static_cast<char>(hexValue(v[i + 1]) * 16 + hexValue(v[i + 2]));
                i += 2;
            } else {
                out += v[i] == '+' ? ' ' : v[i];
            }
        }
        return !out.empty();
    }
    return false;
}

}  // namespace

bool mapRequest(const HttpMessage& request, const std::string& defaultCampaign,
                CaptureRecord& record) {
    std::string_view path = request.target();
    if (const auto scheme = path.find("://"); scheme != std::string_view::npos) {
        const auto slash = path.find('/', scheme + 3);
        path = slash == std::string_view::npos ? std::string_view("/") : path.substr(slash);
    }
    const std::size_t question = path.find('?');
    const std::string_view query =
        question == std::string_view::npos ? std::string_view() : path.substr(question + 1);
    path = path.substr(0, question);
    QJsonObject body;
    if (!request.body.empty() && request.body.front() == '{')
        body = QJsonDocument::fromJson(
                   QByteArray::fromRawData(request.body.data(), qsizetype(request.body.size())))
                   .object();
    record.campaign.clear();
    record.user.clear();
    if (!fromPath(path, "/api/campaigns/", "/apply", record.campaign) &&
        !fromPath(path, "/api/coupons/", "/issue", record.campaign)) {
        for (const char* name : {"campaignId", "eventId", "couponId"})
            if (fieldText(body, name, record.campaign)) break;
        if (record.campaign.empty() && path == "/api/event/apply")
            record.campaign = defaultCampaign;
    }
    for (const char* name : {"userId", "user_id", "email"})
        if (fieldText(body, name, record.user)) break;
    if (record.user.empty()) record.user.assign(request.header("X-User-Id"));
    for (const char* name : {"userId", "user_id", "email"})
        if (record.user.empty()) queryValue(query, name, record.user);
    return !record.campaign.empty() && !record.user.empty();
}

}  // namespace stampede::capture
