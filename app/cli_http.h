#pragma once
// run --metrics: the metrics-only server.

#include <cstdint>
#include <memory>
#include <string>

#include "stampede/engine.h"
#include "stampede/http/http_server.h"
#include "stampede/http/listen_address.h"
#include "stampede/http/run_metrics.h"

namespace stampede::cli {

using http::authority;
using http::parseListenAddress;

// `run --metrics`: GET /metrics of `metrics` on HOST:PORT, everything else 404. Null with `error`.
std::unique_ptr<http::HttpServer> startMetricsServer(http::RunMetrics& metrics,
                                                     const std::string& listen, std::string& error);

}  // namespace stampede::cli
