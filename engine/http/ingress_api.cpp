#include "stampede/http/ingress_api.h"

#include <QByteArray>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMessageAuthenticationCode>
#include <QStringDecoder>

#include <algorithm>
#include <charconv>
#include <cmath>

#include "http/json_text.h"
#include "http/stored_answers.h"

namespace stampede::http {
namespace {

QString qs(std::string_view s) {
    return QString::fromUtf8(s.data(), qsizetype(s.size()));
}

HttpResponse json(int status, const QJsonObject& o) {
    HttpResponse r;
    r.status = status;
    r.body = QJsonDocument(o).toJson(QJsonDocument::Compact).toStdString();
    return r;
}

HttpResponse methodNotAllowed(std::string_view allow) {
    HttpResponse r = errorResponse(405, "use " + std::string(allow) + " on this endpoint");
    r.headers.emplace_back("Allow", std::string(allow));
    return r;
}

// The path's segments after the leading '/', percent-decoded ("/api/campaigns/a%20b" → api,
// campaigns, "a b"). Empty segments (a trailing '/') are kept, so "/api/campaigns/" is no id.
std::vector<std::string> segmentsOf(std::string_view path) {
    std::vector<std::string> out;
    out.reserve(4);
    if (path.empty() || path.front() != '/') return out;
    path.remove_prefix(1);
    while (true) {
        const auto slash = path.find('/');
        const std::string_view seg = path.substr(0, slash);
        if (seg.find('%') == std::string_view::npos)
            out.emplace_back(seg);  // the usual case, without a decoding copy
        else
            out.push_back(
                QByteArray::fromPercentEncoding(QByteArray(seg.data(), qsizetype(seg.size())))
                    .toStdString());
        if (slash == std::string_view::npos) break;
        path.remove_prefix(slash + 1);
    }
    return out;
}

// The body as a JSON object; an empty body is an empty object. False with `error` (400) naming
// the problem and where.
bool parseBody(const HttpRequest& request, QJsonObject& out, HttpResponse& error) {
    if (request.body.empty()) return true;
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(
        QByteArray::fromRawData(request.body.data(), qsizetype(request.body.size())), &pe);
    if (pe.error != QJsonParseError::NoError) {
        error = errorResponse(400, "malformed JSON at byte " + std::to_string(pe.offset) + ": " +
                                       pe.errorString().toStdString());
        return false;
    }
    if (!doc.isObject()) {
        error = errorResponse(400, "the body must be a JSON object");
        return false;
    }
    out = doc.object();
    return true;
}

// A user named in the body: a string, or an integer (JSON numbers are doubles: only exact
// integers are names). False with `error` when the field is there but unusable.
bool userField(const QJsonObject& body, const char* field, std::string& user, HttpResponse& error) {
    const QJsonValue v = body.value(QLatin1String(field));
    if (v.isUndefined() || v.isNull()) return true;
    if (v.isString()) {
        user = v.toString().toStdString();
    } else if (v.isDouble() && std::floor(v.toDouble()) == v.toDouble() && v.toDouble() >= 0 &&
               v.toDouble() < 9.007199254740992e15) {
        user = std::to_string(static_cast<std::int64_t>(v.toDouble()));
    } else {
        error = errorResponse(400, std::string(field) + " must be a string or an integer");
        return false;
    }
    if (user.empty() || user.size() > 256) {
        error = errorResponse(400, std::string(field) + " must have 1 to 256 bytes");
        return false;
    }
    return true;
}

bool isPrintableUtf8(std::string_view text) {
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    const QString decoded = decoder(QByteArrayView(text.data(), qsizetype(text.size())));
    if (decoder.hasError()) return false;
    return std::none_of(decoded.begin(), decoded.end(),
                        [](QChar c) { return c.category() == QChar::Other_Control; });
}

// The user a request names: body userId / user_id / email, else the X-User-Id header.
bool namedUser(const HttpRequest& request, const QJsonObject& body, std::string& user,
               HttpResponse& error) {
    for (const char* field : {"userId", "user_id", "email"}) {
        if (!userField(body, field, user, error)) return false;
        if (!user.empty()) return true;
    }
    const std::string_view header = request.header("x-user-id");
    if (header.size() > 256) {
        error = errorResponse(400, "X-User-Id must have 1 to 256 bytes");
        return false;
    }
    // A name is text: the answers carry it back in JSON, which must stay valid (fuzzing found
    // raw bytes here echoed into an answer).
    if (!isPrintableUtf8(header)) {
        error = errorResponse(400, "X-User-Id must be UTF-8 text without control characters");
        return false;
    }
    user = std::string(header);
    return true;
}

std::string bearerToken(const HttpRequest& request) {
    const std::string_view auth = request.header("authorization");
    constexpr std::string_view scheme = "Bearer ";
    if (auth.size() <= scheme.size()) return {};
    if (QByteArray(auth.data(), qsizetype(scheme.size())).compare("bearer ", Qt::CaseInsensitive))
        return {};
    return std::string(auth.substr(scheme.size()));
}

QJsonObject statusJson(const RequestStatus& s) {
    QJsonObject o;
    o[QStringLiteral("requestId")] = qint64(s.requestId);
    o[QStringLiteral("campaignId")] = qs(s.campaignId);
    o[QStringLiteral("userId")] = qs(s.user);
    o[QStringLiteral("state")] = qs(core::toString(s.state));
    o[QStringLiteral("final")] = core::isFinal(s.state);
    if (core::isFinal(s.state)) {
        const auto reason = core::toString(s.reason);
        o[QStringLiteral("reason")] = reason.empty() ? QJsonValue() : QJsonValue(qs(reason));
        o[QStringLiteral("attempts")] = s.attempts;
    }
    // Seed 002's words for the outcome: what the user asked "did I get it?" about.
    const char* result = "PENDING";
    if (s.state == core::RequestState::Succeeded)
        result = "WON";
    else if (s.state == core::RequestState::Rejected)
        result = s.reason == core::RejectReason::LotteryLost ? "LOST" : "REJECTED";
    else if (s.state == core::RequestState::FailedFinal)
        result = "FAILED";
    o[QStringLiteral("result")] = QLatin1String(result);
    return o;
}

std::optional<std::int64_t> integerOf(std::string_view text) {
    std::int64_t v = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
    return v;
}

std::string resultMessage(const RequestStatus& s, const std::string& campaignName,
                          std::string& subject) {
    if (s.state == core::RequestState::Succeeded) {
        subject = "You won: " + campaignName;
        return "Your application " + std::to_string(s.requestId) + " for " + campaignName +
               " succeeded: the gift is yours.";
    }
    if (s.reason == core::RejectReason::LotteryLost) {
        subject = "Lottery result: " + campaignName;
        return "Your application " + std::to_string(s.requestId) + " for " + campaignName +
               " was not drawn this time.";
    }
    if (s.reason == core::RejectReason::SoldOut) {
        subject = "Sold out: " + campaignName;
        return "Your application " + std::to_string(s.requestId) + " for " + campaignName +
               " came after the last one was given out.";
    }
    subject = "Your application: " + campaignName;
    return "Your application " + std::to_string(s.requestId) + " for " + campaignName + " ended " +
           std::string(core::toString(s.state)) +
           (s.reason != core::RejectReason::None
                ? " (" + std::string(core::toString(s.reason)) + ")"
                : std::string()) +
           ".";
}

}  // namespace

namespace {
// Verification tokens are signed with a key of the admin token's, not with the token itself
// (a token's signature must never help to guess the admin token): every serve started with the
// same admin token, before a restart or beside it in a cluster, reads the others' tokens.
std::string tokenSecretOf(const std::string& adminToken) {
    if (adminToken.empty()) return {};
    return QMessageAuthenticationCode::hash("stampede verification tokens v1",
                                            QByteArray::fromStdString(adminToken),
                                            QCryptographicHash::Sha256)
        .toHex()
        .toStdString();
}
}  // namespace

IngressApi::IngressApi(Engine& engine, IngressOptions options)
    : m_engine(engine),
      m_options(std::move(options)),
      m_desk(m_options.verification, {}, tokenSecretOf(m_options.adminToken)) {
    if (m_options.answerWhenStored)
        m_stored = std::make_unique<StoredAnswers>(m_engine, m_options.storedWithin);
}

IngressApi::~IngressApi() = default;

void IngressApi::finishWaitingAnswers() {
    if (m_stored) m_stored->finish();
}

const core::Campaign* IngressApi::campaign(std::string_view id) const {
    for (const auto& c : m_options.campaigns)
        if (c.id == id) return &c;
    return nullptr;
}

HttpResponse IngressApi::route(const HttpRequest& request, Route& routed) {
    const std::vector<std::string> seg = segmentsOf(request.path());
    const std::string& m = request.method;
    const bool get = m == "GET" || m == "HEAD";
    const bool post = m == "POST";
    routed = Route::Unknown;
    if (m_options.metrics && seg.size() == 1 && seg[0] == "metrics") {
        routed = Route::Metrics;
        if (!get) return methodNotAllowed("GET");
        HttpResponse r;
        r.contentType = RunMetrics::kContentType;
        r.body = m_options.metrics->scrape();
        return r;
    }
    if (seg.size() < 2 || seg[0] != "api") return errorResponse(404, "no such endpoint");
    const std::string& area = seg[1];
    if (area == "campaigns") {
        routed = Route::Campaigns;
        if (seg.size() == 2) return get ? campaignsJson() : methodNotAllowed("GET");
        if (seg[2].empty()) return errorResponse(404, "no campaign id in the path");
        routed = Route::Campaign;
        if (seg.size() == 3) return get ? campaignJson(seg[2]) : methodNotAllowed("GET");
        routed = Route::CampaignApply;
        if (seg.size() == 4 && seg[3] == "apply")
            return post ? applyToCampaign(request, seg[2]) : methodNotAllowed("POST");
        routed = Route::Unknown;
    } else if (area == "requests" && seg.size() == 3) {
        routed = Route::Request;
        return get ? requestJson(seg[2], request.queryParameter("origin"))
                   : methodNotAllowed("GET");
    } else if (area == "event" && seg.size() == 3) {
        routed = seg[2] == "apply" ? Route::EventApply : Route::EventStatus;
        if (seg[2] == "apply") return post ? eventApply(request) : methodNotAllowed("POST");
        if (seg[2] == "status") return get ? eventStatus(request) : methodNotAllowed("GET");
        routed = Route::Unknown;
    } else if (area == "auth" && seg.size() == 3) {
        routed = seg[2] == "verify-code" ? Route::VerifyCode : Route::SendCode;
        if (seg[2] == "send-verification-code")
            return post ? sendCode(request) : methodNotAllowed("POST");
        if (seg[2] == "verify-code") return post ? verifyCode(request) : methodNotAllowed("POST");
        routed = Route::Unknown;
    } else if (area == "admin") {
        routed = Route::AdminStock;
        if (seg.size() == 4 && seg[2] == "event" && seg[3] == "stock")
            return post ? adminStock(request) : methodNotAllowed("POST");
        routed = Route::AdminOutbox;
        if (seg.size() == 3 && seg[2] == "outbox")
            return get ? adminOutbox(request) : methodNotAllowed("GET");
        routed = Route::Unknown;
    } else if (area == "health" && seg.size() == 2) {
        routed = Route::Health;
        return get ? health() : methodNotAllowed("GET");
    }
    return errorResponse(404, "no such endpoint");
}

HttpResponse IngressApi::handle(const HttpRequest& request) {
    Route routed = Route::Unknown;
    HttpResponse response = route(request, routed);
    if (!m_options.metrics) return response;
    if (!response.deferred) {
        m_options.metrics->countAnswer(routed, response.status);
        return response;
    }
    // Counted when it is given, with the status it has then.
    auto counted = std::make_shared<DeferredAnswer>();
    response.deferred->onResolved([metrics = m_options.metrics, routed, counted](HttpResponse&& r) {
        metrics->countAnswer(routed, r.status);
        counted->resolve(std::move(r));
    });
    response.deferred = counted;
    return response;
}

HttpResponse IngressApi::apply(const HttpRequest& request, const core::Campaign& c,
                               const std::string& user, bool verifiedAddress) {
    if (m_options.observer) {
        Submission seen;
        seen.campaignId = c.id;
        seen.user = user;
        seen.verified = verifiedAddress || !c.requiresVerification;
        m_options.observer->applied(seen, request.header("x-request-id"));
    }
    if (c.requiresVerification && !verifiedAddress) {
        m_stats.notVerified.fetch_add(1, std::memory_order_relaxed);
        return errorResponse(403, "campaign '" + c.id +
                                      "' takes applications from verified addresses only: "
                                      "POST /api/auth/send-verification-code, then "
                                      "/api/auth/verify-code, and apply with "
                                      "\"Authorization: Bearer TOKEN\"");
    }
    Submission s;
    s.campaignId = c.id;
    s.user = user;
    s.verified = true;  // checked above where the campaign asks for it
    const SubmitResult r = m_engine.submit(s);
    if (r.outcome == SubmitResult::Outcome::Refused) {
        m_stats.refused.fetch_add(1, std::memory_order_relaxed);
        return errorResponse(503, r.error);
    }
    const bool duplicate = r.outcome == SubmitResult::Outcome::Duplicate;
    (duplicate ? m_stats.duplicates : m_stats.accepted).fetch_add(1, std::memory_order_relaxed);
    if (verifiedAddress && !duplicate) {
        std::lock_guard lock(m_noticesMutex);
        m_notices.push_back(Notice{r.requestId, user});
    }
    JsonText o;
    o.field("requestId", std::int64_t(r.requestId))
        .field("campaignId", c.id)
        .field("userId", user)
        .field("state", core::toString(r.state));
    if (core::isFinal(r.state) && r.reason != core::RejectReason::None)
        o.field("reason", core::toString(r.reason));
    // In a run several ingress processes share, an id is this process's: the status URL says
    // whose, and another process refuses it rather than answer for a request of its own.
    std::string statusUrl = "/api/requests/" + std::to_string(r.requestId);
    if (m_options.origin) statusUrl += "?origin=" + std::to_string(m_options.origin);
    o.field("duplicate", duplicate).field("statusUrl", statusUrl);
    if (m_options.origin) o.field("origin", std::int64_t(m_options.origin));
    // 202: taken, decided later (or already, in the sync pipeline); a duplicate names the first.
    HttpResponse answer;
    answer.status = duplicate ? 200 : 202;
    answer.body = o.take();
    if (m_stored) return m_stored->whenStored(r.requestId, std::move(answer));
    return answer;
}

HttpResponse IngressApi::applyToCampaign(const HttpRequest& request, std::string_view campaignId) {
    const core::Campaign* c = campaign(campaignId);
    if (!c) return errorResponse(404, "no campaign '" + std::string(campaignId) + "'");
    QJsonObject body;
    HttpResponse error;
    if (!parseBody(request, body, error)) return error;
    return applyAs(request, *c, body);
}

HttpResponse IngressApi::applyAs(const HttpRequest& request, const core::Campaign& c,
                                 const QJsonObject& body) {
    // A token proves an address; a name in the body or header is taken as given.
    const std::string token = bearerToken(request);
    const std::string tokenAddress = m_desk.addressOf(token);
    std::string user = tokenAddress;
    HttpResponse error;
    if (user.empty() && !namedUser(request, body, user, error)) return error;
    if (user.empty()) {
        if (!token.empty())
            return errorResponse(401, "the token is not valid (expired, or from another server)");
        return errorResponse(400,
                             "no user: verify your address and send \"Authorization: Bearer "
                             "TOKEN\", or give \"userId\" in the body or X-User-Id");
    }
    return apply(request, c, user, !tokenAddress.empty());
}

const core::Campaign* IngressApi::eventCampaign(const QJsonObject& body,
                                                HttpResponse& error) const {
    for (const char* field : {"campaignId", "eventId", "couponId"}) {
        const QJsonValue v = body.value(QLatin1String(field));
        if (v.isUndefined() || v.isNull()) continue;
        const std::string id =
            v.isDouble() ? std::to_string(std::int64_t(v.toDouble())) : v.toString().toStdString();
        if (const core::Campaign* c = campaign(id)) return c;
        error = errorResponse(404, "no campaign '" + id + "'");
        return nullptr;
    }
    if (m_options.campaigns.size() == 1) return &m_options.campaigns.front();
    error = errorResponse(400, "this server runs " + std::to_string(m_options.campaigns.size()) +
                                   " campaigns: name one with \"campaignId\"");
    return nullptr;
}

HttpResponse IngressApi::eventApply(const HttpRequest& request) {
    QJsonObject body;
    HttpResponse error;
    if (!parseBody(request, body, error)) return error;
    const core::Campaign* c = eventCampaign(body, error);
    if (!c) return error;
    return applyAs(request, *c, body);
}

HttpResponse IngressApi::eventStatus(const HttpRequest& request) {
    std::string user = m_desk.addressOf(bearerToken(request));
    if (user.empty()) user = request.queryParameter("userId");
    if (user.empty()) user = request.queryParameter("email");
    if (user.empty())
        return errorResponse(400, "no user: send \"Authorization: Bearer TOKEN\" or ?userId=");
    std::string campaignId = request.queryParameter("campaignId");
    if (campaignId.empty()) {
        if (m_options.campaigns.size() != 1)
            return errorResponse(400, "this server runs several campaigns: add ?campaignId=");
        campaignId = m_options.campaigns.front().id;
    }
    if (!campaign(campaignId)) return errorResponse(404, "no campaign '" + campaignId + "'");
    const auto status = m_engine.findRequest(campaignId, user);
    if (!status)
        return errorResponse(404, "'" + user + "' has not applied to '" + campaignId + "'");
    return json(200, statusJson(*status));
}

HttpResponse IngressApi::sendCode(const HttpRequest& request) {
    QJsonObject body;
    HttpResponse error;
    if (!parseBody(request, body, error)) return error;
    const std::string address = body.value(QLatin1String("email")).toString().toStdString();
    if (!VerificationDesk::isAddress(address))
        return errorResponse(400, "\"email\" must be an e-mail address");
    const auto issued = m_desk.issueCode(address);
    if (!issued.ok) {
        HttpResponse r =
            errorResponse(429, "a code was sent to this address a moment ago: ask again in " +
                                   std::to_string(issued.retryAfterS) + " s");
        r.headers.emplace_back("Retry-After", std::to_string(issued.retryAfterS));
        return r;
    }
    m_outbox.post(address, "verification-code", "Your verification code",
                  "Your code is " + issued.code + ". It is valid for " +
                      std::to_string(m_options.verification.codeLifetime.count() / 60) +
                      " minutes.");
    m_stats.codesSent.fetch_add(1, std::memory_order_relaxed);
    QJsonObject o;
    o[QStringLiteral("sent")] = true;
    o[QStringLiteral("email")] = qs(address);
    o[QStringLiteral("expiresInS")] = qint64(m_options.verification.codeLifetime.count());
    return json(202, o);
}

HttpResponse IngressApi::verifyCode(const HttpRequest& request) {
    QJsonObject body;
    HttpResponse error;
    if (!parseBody(request, body, error)) return error;
    const std::string address = body.value(QLatin1String("email")).toString().toStdString();
    const QJsonValue codeValue = body.value(QLatin1String("code"));
    const std::string code = codeValue.isDouble() ? QString::number(qint64(codeValue.toDouble()))
                                                        .rightJustified(6, QLatin1Char('0'))
                                                        .toStdString()
                                                  : codeValue.toString().toStdString();
    if (!VerificationDesk::isAddress(address))
        return errorResponse(400, "\"email\" must be an e-mail address");
    if (code.empty()) return errorResponse(400, "\"code\" is missing");
    const auto v = m_desk.verify(address, code);
    switch (v.check) {
        case VerificationDesk::Check::Verified: {
            m_stats.verified.fetch_add(1, std::memory_order_relaxed);
            QJsonObject o;
            o[QStringLiteral("verified")] = true;
            o[QStringLiteral("email")] = qs(address);
            o[QStringLiteral("token")] = qs(v.token);
            return json(200, o);
        }
        case VerificationDesk::Check::WrongCode:
            return errorResponse(
                400, "wrong code: " + std::to_string(v.attemptsLeft) + " attempt(s) left");
        case VerificationDesk::Check::Expired:
            return errorResponse(400, "the code has expired: ask for a new one");
        case VerificationDesk::Check::TooManyAttempts:
            return errorResponse(429, "too many wrong codes: ask for a new one");
        case VerificationDesk::Check::NoCode:
            break;
    }
    return errorResponse(400,
                         "no code was sent to this address: POST /api/auth/send-verification-code");
}

std::optional<HttpResponse> IngressApi::refuseAdmin(const HttpRequest& request) const {
    if (m_options.adminToken.empty())
        return errorResponse(503, "the admin endpoints are off: no admin token is configured");
    const std::string token = bearerToken(request);
    if (token.empty()) {
        HttpResponse r = errorResponse(401,
                                       "the admin endpoints need \"Authorization: Bearer "
                                       "ADMIN_TOKEN\"");
        r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"stampede admin\"");
        return r;
    }
    if (!constantTimeEquals(token, m_options.adminToken))
        return errorResponse(403, "wrong admin token");
    return std::nullopt;
}

HttpResponse IngressApi::adminStock(const HttpRequest& request) {
    if (auto refused = refuseAdmin(request)) return *refused;
    QJsonObject body;
    HttpResponse error;
    if (!parseBody(request, body, error)) return error;
    const core::Campaign* c = eventCampaign(body, error);
    if (!c) return error;
    const QJsonValue v = body.value(QLatin1String("stock"));
    if (!v.isDouble() || std::floor(v.toDouble()) != v.toDouble() || v.toDouble() > 9e15)
        return errorResponse(400, "\"stock\" must be an integer");
    switch (m_engine.setStock(c->id, std::int64_t(v.toDouble()))) {
        case StockChangeResult::Applied:
            break;
        case StockChangeResult::BelowIssued:
            return errorResponse(409, "the stock cannot go below what is already issued");
        case StockChangeResult::Negative:
            return errorResponse(400, "\"stock\" must be >= 0");
        case StockChangeResult::UnknownCampaign:
            return errorResponse(404, "no campaign '" + c->id + "'");
        case StockChangeResult::NoRun:
            return errorResponse(503, "no run is serving");
    }
    QJsonObject o;
    o[QStringLiteral("campaignId")] = qs(c->id);
    o[QStringLiteral("stock")] = qint64(v.toDouble());
    return json(200, o);
}

HttpResponse IngressApi::adminOutbox(const HttpRequest& request) {
    if (auto refused = refuseAdmin(request)) return *refused;
    std::int64_t after = 0, limit = 100;
    if (const std::string a = request.queryParameter("after"); !a.empty()) {
        const auto v = integerOf(a);
        if (!v || *v < 0) return errorResponse(400, "after must be an integer >= 0");
        after = *v;
    }
    if (const std::string l = request.queryParameter("limit"); !l.empty()) {
        const auto v = integerOf(l);
        if (!v || *v < 1 || *v > 10'000) return errorResponse(400, "limit must be in 1..10000");
        limit = *v;
    }
    QJsonArray messages;
    for (const auto& m : m_outbox.after(after, std::size_t(limit))) {
        QJsonObject o;
        o[QStringLiteral("id")] = qint64(m.id);
        o[QStringLiteral("to")] = qs(m.to);
        o[QStringLiteral("kind")] = qs(m.kind);
        o[QStringLiteral("subject")] = qs(m.subject);
        o[QStringLiteral("body")] = qs(m.body);
        o[QStringLiteral("createdAtMs")] = qint64(m.createdAtMs);
        o[QStringLiteral("delivery")] = qs(m.delivery);
        messages.append(o);
    }
    QJsonObject o;
    o[QStringLiteral("messages")] = messages;
    o[QStringLiteral("posted")] = qint64(m_outbox.posted());
    o[QStringLiteral("dropped")] = qint64(m_outbox.dropped());
    return json(200, o);
}

HttpResponse IngressApi::campaignsJson() const {
    const auto snapshot = m_engine.snapshot();
    QJsonArray list;
    for (const auto& c : m_options.campaigns) {
        QJsonObject o;
        o[QStringLiteral("id")] = qs(c.id);
        o[QStringLiteral("name")] = qs(c.name);
        for (const auto& live : snapshot->campaigns)
            if (live.id == c.id) {
                o[QStringLiteral("stock")] = qint64(live.stock);
                o[QStringLiteral("issued")] = qint64(live.issued);
                o[QStringLiteral("remaining")] = qint64(live.remaining);
            }
        list.append(o);
    }
    QJsonObject o;
    o[QStringLiteral("campaigns")] = list;
    return json(200, o);
}

HttpResponse IngressApi::campaignJson(std::string_view id) const {
    const core::Campaign* c = campaign(id);
    if (!c) return errorResponse(404, "no campaign '" + std::string(id) + "'");
    const auto snapshot = m_engine.snapshot();
    QJsonObject o;
    o[QStringLiteral("id")] = qs(c->id);
    o[QStringLiteral("name")] = qs(c->name);
    o[QStringLiteral("policy")] = c->policy == core::Policy::Lottery ? QStringLiteral("LOTTERY")
                                                                     : QStringLiteral("FIRST_COME");
    o[QStringLiteral("requiresVerification")] = c->requiresVerification;
    o[QStringLiteral("stock")] = qint64(c->stock);
    o[QStringLiteral("issued")] = 0;
    o[QStringLiteral("remaining")] = qint64(c->stock);
    for (const auto& live : snapshot->campaigns)
        if (live.id == c->id) {
            o[QStringLiteral("stock")] = qint64(live.stock);
            o[QStringLiteral("issued")] = qint64(live.issued);
            o[QStringLiteral("remaining")] = qint64(live.remaining);
            o[QStringLiteral("requests")] = qint64(live.requests);
            o[QStringLiteral("duplicates")] = qint64(live.duplicates);
            o[QStringLiteral("overIssued")] = qint64(live.overIssued);
        }
    // Published by the engine's monitor 30 times a second: at most that old.
    o[QStringLiteral("asOfS")] = snapshot->elapsedS;
    return json(200, o);
}

HttpResponse IngressApi::requestJson(std::string_view id, const std::string& origin) const {
    const auto number = integerOf(id);
    if (!number || *number < 0) return errorResponse(400, "a request id is a number");
    if (!origin.empty() && origin != std::to_string(m_options.origin))
        return errorResponse(421, "request " + std::string(id) + " was taken by ingress " + origin +
                                      ", not by this one (" + std::to_string(m_options.origin) +
                                      ")");
    const auto status = m_engine.requestStatus(core::RequestId(*number));
    if (!status) return errorResponse(404, "no request " + std::string(id));
    return json(200, statusJson(*status));
}

HttpResponse IngressApi::health() const {
    const auto snapshot = m_engine.snapshot();
    QJsonObject o;
    o[QStringLiteral("status")] = qs(toString(snapshot->status));
    o[QStringLiteral("admitted")] = qint64(snapshot->admitted);
    o[QStringLiteral("final")] = qint64(snapshot->finals);
    return json(200, o);
}

std::size_t IngressApi::postResults() {
    std::vector<Notice> pending;
    {
        std::lock_guard lock(m_noticesMutex);
        pending.swap(m_notices);
    }
    std::vector<Notice> still;
    std::size_t posted = 0;
    for (auto& n : pending) {
        const auto s = m_engine.requestStatus(n.id);
        if (!s || !core::isFinal(s->state)) {
            still.push_back(std::move(n));
            continue;
        }
        const core::Campaign* c = campaign(s->campaignId);
        const std::string name = c ? c->name : s->campaignId;
        if (s->state == core::RequestState::FailedFinal) {
            // Not a result: a dead letter waits for an operator's replay, and the run's end may
            // find the user's unit in the guard's ledger. Said once; the result follows.
            if (!n.toldUndecided) {
                m_outbox.post(n.address, "result", "Not decided yet: " + name,
                              "Your application " + std::to_string(s->requestId) + " for " + name +
                                  " could not be decided yet. It is kept, and you will hear "
                                  "again once it is decided.");
                n.toldUndecided = true;
                ++posted;
            }
            still.push_back(std::move(n));
            continue;
        }
        std::string subject;
        const std::string body = resultMessage(*s, name, subject);
        m_outbox.post(n.address, "result", subject, body);
        ++posted;
    }
    m_stats.resultsPosted.fetch_add(std::int64_t(posted), std::memory_order_relaxed);
    std::lock_guard lock(m_noticesMutex);
    m_notices.insert(m_notices.end(), std::make_move_iterator(still.begin()),
                     std::make_move_iterator(still.end()));
    return posted;
}

std::size_t IngressApi::resultsPending() const {
    std::lock_guard lock(m_noticesMutex);
    return m_notices.size();
}

}  // namespace stampede::http
