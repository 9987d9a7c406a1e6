#pragma once
// The HTTP API in front of a running engine: seed 002's endpoints as its users know them, and the
// general form for any campaign. A request in, an answer out (http_message.h); the server that
// carries them is http_server.h. Thread-safe: the server's I/O threads call handle() at once.
//
//   POST /api/auth/send-verification-code  {"email"}          → 202, the code goes to the outbox
//   POST /api/auth/verify-code             {"email","code"}   → 200 {"token"}
//   POST /api/event/apply                  Bearer token, or {"userId"|"email"} → 202 {requestId}
//   GET  /api/event/status                 Bearer token, or ?userId= / ?email=
//   POST /api/admin/event/stock            {"stock"[, "campaignId"]}           (admin)
//   POST /api/campaigns/{id}/apply         {"userId"} or X-User-Id → 202 (a duplicate: 200)
//   GET  /api/campaigns, /api/campaigns/{id}, /api/requests/{id}
//   GET  /api/admin/outbox?after=ID&limit=N                                    (admin)
//   GET  /api/health, GET /metrics (Prometheus, with IngressOptions::metrics)
// Errors are JSON {"status","error","message"}; admin endpoints need "Authorization: Bearer
// ADMIN_TOKEN" (none: 401, wrong: 403).

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "stampede/core/campaign.h"
#include "stampede/engine.h"
#include "stampede/http/http_message.h"
#include "stampede/http/outbox.h"
#include "stampede/http/run_metrics.h"
#include "stampede/http/verification_desk.h"

class QJsonObject;

namespace stampede::http {

// Told of every application that reached the API with a campaign and a user (taken, duplicate, or
// refused for want of verification): what `serve --record` writes as a capture. Called on the
// server's I/O threads, at once.
class ApplyObserver {
public:
    virtual ~ApplyObserver() = default;
    virtual void applied(const Submission& submission, std::string_view clientRequestId) = 0;
};

struct IngressOptions {
    std::vector<core::Campaign> campaigns;  // the run's, in the scenario's order
    std::string adminToken;                 // empty: the admin endpoints answer 503
    VerificationPolicy verification;
    // Non-null: every answer is counted by route and status, and GET /metrics is served.
    RunMetrics* metrics = nullptr;
    ApplyObserver* observer = nullptr;  // non-null: told of every application
    // In front of a durable transport: an application is answered once its request is stored
    // (Engine::stored), within `storedWithin`, else 503 with its id (a retry is safe).
    bool answerWhenStored = false;
    std::chrono::milliseconds storedWithin{5'000};
    // This ingress process in a run several share (`serve --cluster`): said in every answer to
    // an application ("origin"), since a request id means something only with it. 0: alone.
    std::uint32_t origin = 0;
};

// What the API did, since it started; any thread may read.
struct IngressStats {
    std::atomic<std::int64_t> accepted{0};     // new requests admitted
    std::atomic<std::int64_t> duplicates{0};   // answered with the first request
    std::atomic<std::int64_t> notVerified{0};  // refused: the campaign needs a verified address
    std::atomic<std::int64_t> refused{0};      // the engine would not take them (run ended, …)
    std::atomic<std::int64_t> codesSent{0};
    std::atomic<std::int64_t> verified{0};
    std::atomic<std::int64_t> resultsPosted{0};
};

class StoredAnswers;

class IngressApi {
public:
    IngressApi(Engine& engine, IngressOptions options);
    ~IngressApi();

    HttpResponse handle(const HttpRequest& request);

    // Posts a result message to the outbox for every verified address whose application became
    // final since the last call; returns how many. Called periodically by whoever serves. A dead
    // letter is told "not decided yet" once, and its result when a replay or the run's
    // reconciliation decides it.
    std::size_t postResults();
    // Applications of verified addresses whose result is not posted yet (dead letters too).
    std::size_t resultsPending() const;

    // Answers every application still waiting to be stored, and waits for none after: call it
    // before the HTTP server stops (with answerWhenStored).
    void finishWaitingAnswers();

    Outbox& outbox() { return m_outbox; }
    const IngressStats& stats() const { return m_stats; }

private:
    struct Notice {
        core::RequestId id;
        std::string address;
        bool toldUndecided = false;  // a dead letter's "not decided yet" went out
    };

    HttpResponse route(const HttpRequest& request, Route& routed);
    HttpResponse apply(const HttpRequest& request, const core::Campaign& campaign,
                       const std::string& user, bool verifiedAddress);
    HttpResponse applyToCampaign(const HttpRequest& request, std::string_view campaignId);
    // The user a request applies as (a verified token, else the name it gives), then apply().
    HttpResponse applyAs(const HttpRequest& request, const core::Campaign& campaign,
                         const QJsonObject& body);
    HttpResponse eventApply(const HttpRequest& request);
    HttpResponse eventStatus(const HttpRequest& request);
    HttpResponse sendCode(const HttpRequest& request);
    HttpResponse verifyCode(const HttpRequest& request);
    HttpResponse adminStock(const HttpRequest& request);
    HttpResponse adminOutbox(const HttpRequest& request);
    HttpResponse campaignJson(std::string_view campaignId) const;
    HttpResponse campaignsJson() const;
    // `origin`: the ?origin= of a shared run's status URL (empty: none given).
    HttpResponse requestJson(std::string_view id, const std::string& origin) const;
    HttpResponse health() const;
    // nullopt when the request carries the admin token; else the 401/403/503 to answer.
    std::optional<HttpResponse> refuseAdmin(const HttpRequest& request) const;
    const core::Campaign* campaign(std::string_view id) const;
    // The scenario's only campaign, or the one the body names (campaignId, eventId, couponId).
    const core::Campaign* eventCampaign(const QJsonObject& body, HttpResponse& error) const;

    Engine& m_engine;
    IngressOptions m_options;
    std::unique_ptr<StoredAnswers> m_stored;  // with answerWhenStored
    VerificationDesk m_desk;
    Outbox m_outbox;
    IngressStats m_stats;
    mutable std::mutex m_noticesMutex;
    std::vector<Notice> m_notices;  // verified applications waiting for their result
};

}  // namespace stampede::http
