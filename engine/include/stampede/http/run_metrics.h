#pragma once
// A running engine in the Prometheus text format (through prometheus-cpp), for `GET /metrics` on
// the HTTP ingress and for `run --metrics`: requests per state, rejections per reason, latency
// histograms (queue, processing, end to end; _bucket/_sum/_count with le), queue depth, DLQ size,
// stock, issued and remaining per campaign, and HTTP answers per route and status. Every series
// carries the run's guard and pipeline. Brought up to date from the engine's snapshot at each
// scrape, so it costs the decision path nothing. Thread-safe.

#include <array>
#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "stampede/engine.h"

namespace stampede::http {

// The API's routes, as the http_requests_total series name them.
enum class Route : std::uint8_t {
    CampaignApply,
    Campaigns,
    Campaign,
    Request,
    EventApply,
    EventStatus,
    SendCode,
    VerifyCode,
    AdminStock,
    AdminOutbox,
    Health,
    Metrics,
    Unknown,  // no such endpoint, or a request refused before routing
};
inline constexpr int kRouteCount = 13;
std::string_view routeLabel(Route route);  // "/api/campaigns/{id}/apply", …

class RunMetrics {
public:
    explicit RunMetrics(const Engine& engine);
    ~RunMetrics();

    // Counts one answer (any thread, lock-free).
    void countAnswer(Route route, int status);
    // The text exposition, version 0.0.4.
    std::string scrape();
    static constexpr const char* kContentType = "text/plain; version=0.0.4; charset=utf-8";

private:
    struct Registry;
    const Engine& m_engine;
    std::unique_ptr<Registry> m_registry;
    std::mutex m_mutex;  // one scrape at a time brings the registry up to date
    // [route][status - 100]: counted here, carried into the registry at each scrape.
    std::array<std::array<std::atomic<std::int64_t>, 500>, kRouteCount> m_answers{};
};

}  // namespace stampede::http
