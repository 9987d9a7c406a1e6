#include "stampede/http/http_message.h"

#include <QByteArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace stampede::http {

void DeferredAnswer::resolve(HttpResponse response) {
    std::function<void(HttpResponse &&)> then;
    {
        std::lock_guard lock(m_mutex);
        if (m_answer) return;  // once
        if (!m_then) {
            m_answer = std::move(response);
            m_resolved.notify_all();
            return;
        }
        then = std::move(m_then);
        m_answer.emplace();  // given: a second resolve() is ignored
    }
    then(std::move(response));
}

void DeferredAnswer::onResolved(std::function<void(HttpResponse&&)> then) {
    std::optional<HttpResponse> ready;
    {
        std::lock_guard lock(m_mutex);
        if (!m_answer) {
            m_then = std::move(then);
            return;
        }
        ready = std::move(m_answer);
        m_answer.emplace();
    }
    then(std::move(*ready));
}

std::optional<HttpResponse> DeferredAnswer::wait(std::chrono::milliseconds timeout) {
    std::unique_lock lock(m_mutex);
    if (!m_resolved.wait_for(lock, timeout, [this] { return m_answer.has_value(); }))
        return std::nullopt;
    return m_answer;
}

std::string_view HttpRequest::header(std::string_view lowerCaseName) const {
    for (const auto& [name, value] : headers)
        if (name == lowerCaseName) return value;
    return {};
}

std::string_view HttpRequest::path() const {
    const std::string_view t = target;
    return t.substr(0, t.find('?'));
}

std::string_view HttpRequest::query() const {
    const std::string_view t = target;
    const auto q = t.find('?');
    return q == std::string_view::npos ? std::string_view() : t.substr(q + 1);
}

std::string HttpRequest::queryParameter(std::string_view name) const {
    std::string_view rest = query();
    while (!rest.empty()) {
        const auto amp = rest.find('&');
        const std::string_view pair = rest.substr(0, amp);
        rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
        const auto eq = pair.find('=');
        if (pair.substr(0, eq) != name) continue;
        if (eq == std::string_view::npos) return {};
        QByteArray value(pair.data() + eq + 1, qsizetype(pair.size() - eq - 1));
        value.replace('+', ' ');
        return QByteArray::fromPercentEncoding(value).toStdString();
    }
    return {};
}

std::string_view reasonPhrase(int status) {
    switch (status) {
        case 200:
            return "OK";
        case 201:
            return "Created";
        case 202:
            return "Accepted";
        case 204:
            return "No Content";
        case 400:
            return "Bad Request";
        case 401:
            return "Unauthorized";
        case 403:
            return "Forbidden";
        case 404:
            return "Not Found";
        case 405:
            return "Method Not Allowed";
        case 408:
            return "Request Timeout";
        case 409:
            return "Conflict";
        case 411:
            return "Length Required";
        case 413:
            return "Content Too Large";
        case 414:
            return "URI Too Long";
        case 415:
            return "Unsupported Media Type";
        case 421:
            return "Misdirected Request";
        case 422:
            return "Unprocessable Content";
        case 429:
            return "Too Many Requests";
        case 431:
            return "Request Header Fields Too Large";
        case 500:
            return "Internal Server Error";
        case 501:
            return "Not Implemented";
        case 503:
            return "Service Unavailable";
        case 505:
            return "HTTP Version Not Supported";
        default:
            return status < 400 ? "OK" : status < 500 ? "Bad Request" : "Server Error";
    }
}

HttpResponse errorResponse(int status, std::string_view message) {
    QJsonObject o;
    o[QStringLiteral("status")] = status;
    o[QStringLiteral("error")] =
        QString::fromUtf8(reasonPhrase(status).data(), qsizetype(reasonPhrase(status).size()));
    o[QStringLiteral("message")] = QString::fromUtf8(message.data(), qsizetype(message.size()));
    HttpResponse r;
    r.status = status;
    r.body = QJsonDocument(o).toJson(QJsonDocument::Compact).toStdString();
    return r;
}

}  // namespace stampede::http
