#include "core/endpoint_url.h"

#include <QUrl>

#include <algorithm>

namespace stampede::core {
namespace {

std::string quoted(std::string_view text) {
    return "'" + std::string(text) + "'";
}

}  // namespace

std::optional<EndpointUrl> parseEndpointUrl(std::string_view text, std::string_view scheme,
                                            std::string_view passwordHint, std::string& error) {
    const std::string what = std::string(scheme) + " URL " + quoted(text);
    const QUrl url(QString::fromUtf8(text.data(), qsizetype(text.size())), QUrl::StrictMode);
    if (!url.isValid() || url.scheme().toStdString() != scheme) {
        error = what + ": expected " + std::string(scheme) + "://…" +
                (url.isValid() ? "" : " (" + url.errorString().toStdString() + ")");
        return std::nullopt;
    }
    const std::string_view authority = text.substr(scheme.size() + 3);
    const std::size_t at = authority.substr(0, authority.find('/')).rfind('@');
    if (!url.password(QUrl::FullyEncoded).isEmpty() ||
        (at != std::string_view::npos &&
         authority.substr(0, at).find(':') != std::string_view::npos)) {
        // The message never repeats the URL: it holds the password.
        error = std::string(scheme) + " URL: a password does not belong in the URL; " +
                std::string(passwordHint);
        return std::nullopt;
    }
    if (url.hasQuery() || url.hasFragment()) {
        error = what + ": takes no ?query or #fragment";
        return std::nullopt;
    }
    EndpointUrl out;
    out.scheme = std::string(scheme);
    out.user = url.userName(QUrl::FullyDecoded).toStdString();
    out.host = url.host(QUrl::FullyDecoded).toStdString();
    out.path = url.path(QUrl::FullyDecoded).toStdString();
    const int port = url.port(-1);  // -1: none given
    if (port == 0 || port > 65535 || (port < 0 && url.authority().endsWith(QLatin1Char(':')))) {
        error = what + ": port is not a number in 1..65535";
        return std::nullopt;
    }
    out.port = std::max(port, 0);
    return out;
}

std::optional<std::vector<HostPort>> parseHostList(std::string_view text, std::string& error) {
    std::vector<HostPort> hosts;
    std::size_t from = 0;
    while (from <= text.size()) {
        const std::size_t comma = std::min(text.find(',', from), text.size());
        const std::string_view item = text.substr(from, comma - from);
        from = comma + 1;
        if (item.empty()) {
            error = "host list " + quoted(text) + ": empty item (expected HOST:PORT,…)";
            return std::nullopt;
        }
        const QUrl url(
            QStringLiteral("kafka://") + QString::fromUtf8(item.data(), qsizetype(item.size())),
            QUrl::StrictMode);
        const int port = url.isValid() ? url.port(0) : 0;
        if (!url.isValid() || url.host().isEmpty() || port < 1 || port > 65535 ||
            !url.path().isEmpty() || !url.userInfo().isEmpty() || url.hasQuery()) {
            error = "host list " + quoted(text) + ": " + quoted(item) +
                    " is not HOST:PORT (port in 1..65535, IPv6 as [::1]:9092)";
            return std::nullopt;
        }
        hosts.push_back({url.host(QUrl::FullyDecoded).toStdString(), port});
    }
    return hosts;
}

std::string hostInUrl(const std::string& host) {
    return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

std::string joinHostList(const std::vector<HostPort>& hosts) {
    std::string out;
    for (const HostPort& h : hosts) {
        if (!out.empty()) out += ',';
        out += hostInUrl(h.host) + ":" + std::to_string(h.port);
    }
    return out;
}

}  // namespace stampede::core
