#pragma once
// What serve and run --metrics share: the address to listen on, and the metrics-only server.

#include <cstdint>
#include <memory>
#include <string>

#include "stampede/engine.h"
#include "stampede/http/http_server.h"
#include "stampede/http/run_metrics.h"

namespace stampede::cli {

// HOST:PORT, [IPv6]:PORT or :PORT (loopback). False with `error` naming `flag`.
bool parseListenAddress(const std::string& text, const char* flag, std::string& host,
                        std::uint16_t& port, std::string& error);

// HOST:PORT as a URL's authority ("[::1]:8080" for IPv6).
std::string authority(const std::string& host, std::uint16_t port);

// `run --metrics`: GET /metrics of `metrics` on HOST:PORT, everything else 404. Null with `error`.
std::unique_ptr<http::HttpServer> startMetricsServer(http::RunMetrics& metrics,
                                                     const std::string& listen,
                                                     std::string& error);

}  // namespace stampede::cli
