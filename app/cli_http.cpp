#include "cli_http.h"

#include <QString>

namespace stampede::cli {

bool parseListenAddress(const std::string& text, const char* flag, std::string& host,
                        std::uint16_t& port, std::string& error) {
    const auto colon = text.rfind(':');
    if (colon == std::string::npos) {
        error = std::string(flag) + ": '" + text + "' is not HOST:PORT";
        return false;
    }
    host = text.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    if (host.empty()) host = "127.0.0.1";  // only what the operator names is bound
    const std::string p = text.substr(colon + 1);
    bool ok = false;
    const int value = QString::fromStdString(p).toInt(&ok);
    if (!ok || value < 0 || value > 65535) {
        error = std::string(flag) + ": '" + p + "' is not a port (0 to 65535; 0: a free one)";
        return false;
    }
    port = std::uint16_t(value);
    return true;
}

std::string authority(const std::string& host, std::uint16_t port) {
    const std::string shown = host.find(':') != std::string::npos ? "[" + host + "]" : host;
    return shown + ":" + std::to_string(port);
}

std::unique_ptr<http::HttpServer> startMetricsServer(http::RunMetrics& metrics,
                                                     const std::string& listen,
                                                     std::string& error) {
    std::string host;
    std::uint16_t port = 0;
    if (!parseListenAddress(listen, "--metrics", host, port, error)) return nullptr;
    auto server = std::make_unique<http::HttpServer>([&metrics](const http::HttpRequest& r) {
        if (r.path() != "/metrics") return http::errorResponse(404, "only /metrics is served here");
        if (r.method != "GET" && r.method != "HEAD") {
            http::HttpResponse refused = http::errorResponse(405, "use GET on /metrics");
            refused.headers.emplace_back("Allow", "GET");
            return refused;
        }
        http::HttpResponse answer;
        answer.contentType = http::RunMetrics::kContentType;
        answer.body = metrics.scrape();
        return answer;
    });
    if (!server->start(host, port, 1, error)) return nullptr;
    return server;
}

}  // namespace stampede::cli
