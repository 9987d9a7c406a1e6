#include "stampede/http/run_metrics.h"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <map>
#include <sstream>
#include <vector>

namespace stampede::http {
namespace {

// Seconds; the le boundaries of every latency histogram (Prometheus' usual shape, finer below a
// millisecond where an in-process decision lives).
const std::vector<double> kLatencyBounds = {0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025,
                                            0.005,   0.01,   0.025,   0.05,   0.1,   0.25,
                                            0.5,     1,      2.5,     5,      10};

// A counter brought to a cumulative value the engine counts itself (counters only go up).
struct Tracked {
    prometheus::Counter* counter = nullptr;
    double last = 0;
    void to(double value) {
        if (value > last) counter->Increment(value - last);
        last = std::max(last, value);
    }
};

struct TrackedHistogram {
    prometheus::Histogram* histogram = nullptr;
    metrics::LatencyHistogram last;
    // The engine's log-linear buckets (ns) into the le buckets: each of ours goes to the first
    // boundary at or above its upper bound (ours are within 3 % of their value).
    void to(const metrics::LatencyHistogram& now) {
        const metrics::LatencyHistogram delta = now.since(last);
        last = now;
        if (delta.count() == 0) return;
        std::vector<double> increments(kLatencyBounds.size() + 1, 0);
        for (int b = 0; b < metrics::kBucketCount; ++b) {
            const std::uint64_t c = delta.bucketCount(b);
            if (!c) continue;
            const double upper = double(metrics::bucketUpperBound(b)) / 1e9;
            std::size_t i = 0;
            while (i < kLatencyBounds.size() && upper > kLatencyBounds[i]) ++i;
            increments[i] += double(c);
        }
        histogram->ObserveMultiple(increments, delta.mean() * double(delta.count()) / 1e9);
    }
};

}  // namespace

std::string_view routeLabel(Route route) {
    switch (route) {
        case Route::CampaignApply:
            return "/api/campaigns/{id}/apply";
        case Route::Campaigns:
            return "/api/campaigns";
        case Route::Campaign:
            return "/api/campaigns/{id}";
        case Route::Request:
            return "/api/requests/{id}";
        case Route::EventApply:
            return "/api/event/apply";
        case Route::EventStatus:
            return "/api/event/status";
        case Route::SendCode:
            return "/api/auth/send-verification-code";
        case Route::VerifyCode:
            return "/api/auth/verify-code";
        case Route::AdminStock:
            return "/api/admin/event/stock";
        case Route::AdminOutbox:
            return "/api/admin/outbox";
        case Route::Health:
            return "/api/health";
        case Route::Metrics:
            return "/metrics";
        case Route::Unknown:
            break;
    }
    return "other";
}

struct RunMetrics::Registry {
    std::shared_ptr<prometheus::Registry> registry = std::make_shared<prometheus::Registry>();
    std::array<prometheus::Gauge*, core::kStateCount> states{};
    std::array<Tracked, core::kReasonCount> rejected{};
    Tracked admitted, duplicates, retries, redeliveries, deadLettered;
    prometheus::Gauge *queueDepth = nullptr, *dlqSize = nullptr, *elapsed = nullptr,
                      *overIssued = nullptr;
    struct CampaignGauges {
        prometheus::Gauge *stock, *issued, *remaining, *overIssued;
    };
    prometheus::Family<prometheus::Gauge>* stockFamily = nullptr;
    prometheus::Family<prometheus::Gauge>* issuedFamily = nullptr;
    prometheus::Family<prometheus::Gauge>* remainingFamily = nullptr;
    prometheus::Family<prometheus::Gauge>* campaignOverFamily = nullptr;
    std::map<std::string, CampaignGauges> campaigns;
    TrackedHistogram queue, processing, endToEnd;
    prometheus::Family<prometheus::Counter>* http = nullptr;
    std::map<std::pair<int, int>, Tracked> answers;  // (route, status)

    explicit Registry(const RunInfo& run) {
        const prometheus::Labels common = {{"guard", run.guard},
                                           {"pipeline", std::string(core::toString(run.pipeline))}};
        auto& r = *registry;
        auto& stateFamily = prometheus::BuildGauge()
                                .Name("stampede_requests")
                                .Help("Admitted requests in each state, now")
                                .Labels(common)
                                .Register(r);
        for (const auto s : core::kAllStates)
            states[std::size_t(s)] = &stateFamily.Add({{"state", std::string(core::toString(s))}});
        auto& rejectedFamily = prometheus::BuildCounter()
                                   .Name("stampede_requests_rejected_total")
                                   .Help("Requests rejected, by reason")
                                   .Labels(common)
                                   .Register(r);
        for (int i = 1; i < core::kReasonCount; ++i)
            rejected[std::size_t(i)].counter = &rejectedFamily.Add(
                {{"reason", std::string(core::toString(core::RejectReason(i)))}});
        const auto counter = [&](const char* name, const char* help) {
            return &prometheus::BuildCounter().Name(name).Help(help).Labels(common).Register(r).Add(
                {});
        };
        const auto gauge = [&](const char* name, const char* help) {
            return &prometheus::BuildGauge().Name(name).Help(help).Labels(common).Register(r).Add(
                {});
        };
        admitted.counter = counter("stampede_requests_admitted_total", "Requests admitted");
        duplicates.counter =
            counter("stampede_requests_duplicate_total", "Submissions answered as duplicates");
        retries.counter = counter("stampede_retries_total", "Decision attempts retried");
        redeliveries.counter =
            counter("stampede_redeliveries_total", "Requests delivered again by the transport");
        deadLettered.counter =
            counter("stampede_dead_lettered_total", "Requests ever put into the DLQ");
        queueDepth = gauge("stampede_queue_depth", "Requests queued for a worker, now");
        dlqSize = gauge("stampede_dlq_size", "Entries in the dead-letter queue, now");
        elapsed = gauge("stampede_run_elapsed_seconds", "Time since the run started");
        overIssued = gauge("stampede_over_issued", "Units issued beyond stock (must stay 0)");
        const auto campaignGauge = [&](const char* name, const char* help) {
            return &prometheus::BuildGauge().Name(name).Help(help).Labels(common).Register(r);
        };
        stockFamily = campaignGauge("stampede_campaign_stock", "A campaign's stock");
        issuedFamily = campaignGauge("stampede_campaign_issued", "Units a campaign has issued");
        remainingFamily =
            campaignGauge("stampede_campaign_remaining", "Units left, as the guard sees them");
        campaignOverFamily = campaignGauge("stampede_campaign_over_issued",
                                           "Units issued beyond a campaign's stock");
        auto& latency = prometheus::BuildHistogram()
                            .Name("stampede_latency_seconds")
                            .Help("Request latency by stage: queue wait, processing, end to end")
                            .Labels(common)
                            .Register(r);
        queue.histogram = &latency.Add({{"stage", "queue"}}, kLatencyBounds);
        processing.histogram = &latency.Add({{"stage", "processing"}}, kLatencyBounds);
        endToEnd.histogram = &latency.Add({{"stage", "e2e"}}, kLatencyBounds);
        http = &prometheus::BuildCounter()
                    .Name("stampede_http_requests_total")
                    .Help("HTTP answers by route and status")
                    .Labels(common)
                    .Register(r);
    }

    void update(const Snapshot& s) {
        for (std::size_t i = 0; i < states.size(); ++i) states[i]->Set(double(s.states[i]));
        for (std::size_t i = 1; i < rejected.size(); ++i) rejected[i].to(double(s.rejected[i]));
        admitted.to(double(s.admitted));
        duplicates.to(double(s.duplicates));
        retries.to(double(s.retries));
        redeliveries.to(double(s.redeliveries));
        deadLettered.to(double(s.deadLettered));
        queueDepth->Set(double(s.queueDepth));
        dlqSize->Set(double(s.dlqSize));
        elapsed->Set(s.elapsedS);
        overIssued->Set(double(s.overIssued));
        for (const auto& c : s.campaigns) {
            auto it = campaigns.find(c.id);
            if (it == campaigns.end()) {
                const prometheus::Labels l = {{"campaign", c.id}};
                it = campaigns
                         .emplace(c.id, CampaignGauges{&stockFamily->Add(l), &issuedFamily->Add(l),
                                                       &remainingFamily->Add(l),
                                                       &campaignOverFamily->Add(l)})
                         .first;
            }
            it->second.stock->Set(double(c.stock));
            it->second.issued->Set(double(c.issued));
            it->second.remaining->Set(double(c.remaining));
            it->second.overIssued->Set(double(c.overIssued));
        }
        queue.to(s.queueWait);
        processing.to(s.processing);
        endToEnd.to(s.endToEnd);
    }
};

RunMetrics::RunMetrics(const Engine& engine) : m_engine(engine) {}

RunMetrics::~RunMetrics() = default;

void RunMetrics::countAnswer(Route route, int status) {
    if (status < 100 || status > 599) return;
    m_answers[std::size_t(route)][std::size_t(status - 100)].fetch_add(1,
                                                                       std::memory_order_relaxed);
}

std::string RunMetrics::scrape() {
    const auto snapshot = m_engine.snapshot();
    std::lock_guard lock(m_mutex);
    if (!m_registry) m_registry = std::make_unique<Registry>(snapshot->run);
    m_registry->update(*snapshot);
    for (int route = 0; route < kRouteCount; ++route)
        for (int i = 0; i < 500; ++i) {
            const std::int64_t n =
                m_answers[std::size_t(route)][std::size_t(i)].load(std::memory_order_relaxed);
            if (!n) continue;
            auto [it, added] = m_registry->answers.try_emplace({route, i + 100});
            if (added)
                it->second.counter =
                    &m_registry->http->Add({{"route", std::string(routeLabel(Route(route)))},
                                            {"status", std::to_string(i + 100)}});
            it->second.to(double(n));
        }
    std::ostringstream out;
    prometheus::TextSerializer().Serialize(out, m_registry->registry->Collect());
    return out.str();
}

}  // namespace stampede::http
