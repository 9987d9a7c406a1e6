#include "cli_http.h"

namespace stampede::cli {

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
