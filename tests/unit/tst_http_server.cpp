// The HTTP ingress against a real engine, through real sockets: every bad-input rule with the
// exact bytes a client would send, keep-alive and pipelining, slow clients, seed 002's
// verification flow and the admin token. Runs under ThreadSanitizer too (LABELS engine): the
// server's I/O threads call the engine at once.

#include <QtTest>
#include <mutex>
#include <thread>

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpSocket>

#include <memory>

#include "stampede/engine.h"
#include "stampede/http/http_server.h"
#include "stampede/http/ingress_api.h"
#include "stampede/live/start_options.h"
#include "stampede/sim/scenario.h"

using namespace stampede;
using namespace stampede::http;

namespace {

constexpr const char* kAdminToken = "test-admin-token-0123456789";

// Two campaigns: an open one, and one only verified addresses may apply to (seed 002's).
constexpr const char* kScenario = R"({
  "name": "http test", "seed": 7,
  "campaigns": [
    {"id": "coupon", "name": "Coupon", "stock": 50, "policy": "FIRST_COME"},
    {"id": "gift", "name": "Gift", "stock": 3, "policy": "FIRST_COME", "requires_verification": true}
  ],
  "arrivals": [{"campaign": "coupon", "profile": "spike", "users": 1, "over_ms": 1}],
  "run": {"pipeline": "decide-at-ingress", "guard": "atomic", "transport": "inproc",
          "workers": 2, "partitions": 2}
})";

// The same, every processing attempt failing for good: each application ends in the DLQ.
constexpr const char* kFailingScenario = R"({
  "name": "http test, failing", "seed": 7,
  "campaigns": [
    {"id": "gift", "name": "Gift", "stock": 3, "policy": "FIRST_COME", "requires_verification": true}
  ],
  "arrivals": [{"campaign": "gift", "profile": "spike", "users": 1, "over_ms": 1}],
  "faults": {"permanent_failure_rate": 1.0},
  "run": {"pipeline": "decide-at-ingress", "guard": "atomic", "transport": "inproc",
          "workers": 2, "partitions": 2}
})";

struct Answer {
    int status = 0;
    QByteArray head;  // status line and fields
    QByteArray body;
    bool closed = false;  // the server closed the connection after it
    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
    QByteArray field(const QByteArray& name) const {
        for (const QByteArray& line : head.split('\n'))
            if (line.toLower().startsWith(QByteArray(name.toLower() + ':')))
                return line.mid(name.size() + 1).trimmed();
        return {};
    }
};

// Reads one answer from `socket` (Content-Length framed), waiting at most `ms`. Takes only its
// own bytes, so the next pipelined answer stays in the socket.
bool readAnswer(QTcpSocket& socket, Answer& a, int ms = 10000) {
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < ms) {
        const QByteArray data = socket.peek(socket.bytesAvailable());
        const qsizetype headerEnd = data.indexOf("\r\n\r\n");
        if (headerEnd >= 0) {
            a.head = data.left(headerEnd);
            a.status = a.head.mid(9, 3).toInt();
            const qsizetype need = headerEnd + 4 + a.field("Content-Length").toLongLong();
            if (data.size() >= need) {
                a.body = socket.read(need).mid(headerEnd + 4);
                if (socket.bytesAvailable() == 0) {
                    socket.waitForReadyRead(20);  // a close right after the answer
                    a.closed = socket.state() != QAbstractSocket::ConnectedState;
                }
                return true;
            }
        }
        if (!socket.waitForReadyRead(50) && socket.state() != QAbstractSocket::ConnectedState &&
            socket.bytesAvailable() == data.size()) {
            a.closed = true;
            return false;
        }
    }
    return false;
}

QByteArray post(const QByteArray& target, const QByteArray& body, const QByteArray& extra = {}) {
    return "POST " + target + " HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n" +
           extra + "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body;
}

QByteArray get(const QByteArray& target, const QByteArray& extra = {}) {
    return "GET " + target + " HTTP/1.1\r\nHost: test\r\n" + extra + "\r\n";
}

QByteArray bearer(const QByteArray& token) {
    return "Authorization: Bearer " + token + "\r\n";
}

}  // namespace

class TestHttpServer : public QObject {
    Q_OBJECT

    std::unique_ptr<Engine> m_engine;
    std::unique_ptr<IngressApi> m_api;
    std::unique_ptr<HttpServer> m_server;

    void serve(HttpLimits limits = {}, const char* scenario = kScenario) {
        m_server.reset();
        m_api.reset();
        m_engine = std::make_unique<Engine>();
        const sim::ScenarioLoad load = sim::parseScenario(scenario);
        QVERIFY2(load.ok(), load.error.toString().c_str());
        StartOptions start;
        start.keepOpen = true;
        start.arrivals = std::make_shared<const std::vector<GivenArrival>>();
        QVERIFY(m_engine->start(*load.scenario, start).ok());
        IngressOptions options;
        options.campaigns = load.scenario->campaigns;
        options.adminToken = kAdminToken;
        options.verification.resendAfter = std::chrono::seconds(0);
        m_api = std::make_unique<IngressApi>(*m_engine, options);
        m_server = std::make_unique<HttpServer>(
            [this](const HttpRequest& r) { return m_api->handle(r); }, limits);
        std::string error;
        QVERIFY2(m_server->start("127.0.0.1", 0, 2, error), error.c_str());
        QVERIFY(m_server->port() != 0);
    }

    // One request on a fresh connection.
    Answer exchange(const QByteArray& bytes) {
        QTcpSocket socket;
        socket.connectToHost(QStringLiteral("127.0.0.1"), m_server->port());
        Answer a;
        if (!socket.waitForConnected(5000)) return a;
        socket.write(bytes);
        socket.waitForBytesWritten(5000);
        readAnswer(socket, a);
        return a;
    }

    QByteArray adminOutbox() {
        return exchange(get("/api/admin/outbox", bearer(kAdminToken))).body;
    }
    QJsonArray outboxMessages() {
        return QJsonDocument::fromJson(adminOutbox())
            .object()
            .value(QStringLiteral("messages"))
            .toArray();
    }

    // A bearer token for `email`, by seed 002's code and verify calls.
    QByteArray verifiedToken(const QByteArray& email) {
        exchange(post("/api/auth/send-verification-code", "{\"email\": \"" + email + "\"}"));
        const QJsonArray messages = outboxMessages();
        if (messages.isEmpty()) return {};
        const QRegularExpressionMatch code =
            QRegularExpression(QStringLiteral("(\\d{6})"))
                .match(messages.last().toObject().value(QStringLiteral("body")).toString());
        if (!code.hasMatch()) return {};
        return exchange(post("/api/auth/verify-code", "{\"email\": \"" + email +
                                                          "\", \"code\": \"" +
                                                          code.captured(1).toLatin1() + "\"}"))
            .json()
            .value(QStringLiteral("token"))
            .toString()
            .toLatin1();
    }

private Q_SLOTS:
    void init() { serve(); }
    void cleanup() {
        m_server.reset();
        m_api.reset();
        m_engine.reset();
    }

    void applyIsAcceptedAndADuplicateNamesTheFirstRequest() {
        const Answer first = exchange(post("/api/campaigns/coupon/apply", R"({"userId": "ann"})"));
        QCOMPARE(first.status, 202);
        QCOMPARE(first.field("Content-Type"), QByteArray("application/json"));
        const QJsonObject j = first.json();
        QCOMPARE(j.value(QStringLiteral("userId")).toString(), QStringLiteral("ann"));
        QCOMPARE(j.value(QStringLiteral("duplicate")).toBool(), false);
        const qint64 id = j.value(QStringLiteral("requestId")).toInteger(-1);
        QVERIFY(id >= 0);
        const Answer again =
            exchange(post("/api/campaigns/coupon/apply", "", "X-User-Id: ann\r\n"));
        QCOMPARE(again.status, 200);
        QCOMPARE(again.json().value(QStringLiteral("requestId")).toInteger(), id);
        QCOMPARE(again.json().value(QStringLiteral("duplicate")).toBool(), true);
        // An integer user is a name too, the same as its decimal string.
        QCOMPARE(exchange(post("/api/campaigns/coupon/apply", R"({"userId": 42})")).status, 202);
        QCOMPARE(exchange(post("/api/campaigns/coupon/apply", R"({"userId": "42"})")).status, 200);
        QTRY_COMPARE(m_api->stats().accepted.load(), std::int64_t(2));
        const Answer status = exchange(get("/api/requests/" + QByteArray::number(id)));
        QCOMPARE(status.status, 200);
        QTRY_COMPARE(exchange(get("/api/requests/" + QByteArray::number(id)))
                         .json()
                         .value(QStringLiteral("result"))
                         .toString(),
                     QStringLiteral("WON"));
    }

    // Every user distinct, more users than stock: exactly the stock is issued, every answer 202.
    void aBurstOfDistinctUsersIssuesExactlyTheStock() {
        QTcpSocket socket;
        socket.connectToHost(QStringLiteral("127.0.0.1"), m_server->port());
        QVERIFY(socket.waitForConnected(5000));
        for (int u = 0; u < 200; ++u) {  // one kept-alive connection, as wrk's are
            socket.write(post("/api/campaigns/coupon/apply",
                              "{\"userId\": \"u" + QByteArray::number(u) + "\"}"));
            Answer a;
            QVERIFY(readAnswer(socket, a));
            QCOMPARE(a.status, 202);
            QVERIFY(!a.closed);
        }
        QTRY_COMPARE(m_engine->snapshot()->finals, std::int64_t(200));
        QCOMPARE(m_engine->snapshot()->issued, std::int64_t(50));
        QCOMPARE(m_engine->snapshot()->overIssued, std::int64_t(0));
        const Answer c = exchange(get("/api/campaigns/coupon"));
        QCOMPARE(c.status, 200);
        QTRY_COMPARE(exchange(get("/api/campaigns/coupon"))
                         .json()
                         .value(QStringLiteral("issued"))
                         .toInteger(),
                     qint64(50));
        QCOMPARE(exchange(get("/api/campaigns/coupon"))
                     .json()
                     .value(QStringLiteral("remaining"))
                     .toInteger(),
                 qint64(0));
    }

    // An answer given later from another thread (as one waiting for Kafka to store its request
    // is): the connection waits for it without a server thread waiting, the answers of a
    // pipelined pair stay in order, and the same handler without a socket waits for it too.
    void deferredAnswersComeWhenGivenAndInOrder() {
        std::vector<std::thread> givers;
        std::mutex giversMutex;
        const HttpHandler handler = [&](const HttpRequest& r) {
            if (r.path() != "/later") return errorResponse(404, "only /later");
            HttpResponse later;
            later.deferred = std::make_shared<DeferredAnswer>();
            std::lock_guard lock(giversMutex);
            givers.emplace_back([d = later.deferred, body = r.body] {
                std::this_thread::sleep_for(std::chrono::milliseconds(100));
                HttpResponse answer;
                answer.status = 202;
                answer.body = "{\"was\":\"" + body + "\"}";
                d->resolve(answer);
                d->resolve(errorResponse(500, "a second answer is ignored"));
            });
            return later;
        };
        HttpServer server(handler);
        std::string error;
        QVERIFY2(server.start("127.0.0.1", 0, 1, error), error.c_str());
        QTcpSocket socket;
        socket.connectToHost(QStringLiteral("127.0.0.1"), server.port());
        QVERIFY(socket.waitForConnected(5000));
        QElapsedTimer took;
        took.start();
        socket.write(post("/later", "one") + post("/later", "two"));
        Answer first, second;
        QVERIFY(readAnswer(socket, first));
        QVERIFY(took.elapsed() >= 90);  // it came when given, not before
        QVERIFY(readAnswer(socket, second));
        QCOMPARE(first.status, 202);
        QCOMPARE(first.body, QByteArray(R"({"was":"one"})"));
        QCOMPARE(second.body, QByteArray(R"({"was":"two"})"));
        QVERIFY(!second.closed);
        // Without a socket: the same answer, waited for.
        const HttpResponse raw =
            answerRawRequest(post("/later", "three").toStdString(), {}, handler);
        QCOMPARE(raw.status, 202);
        QCOMPARE(raw.body, std::string(R"({"was":"three"})"));
        server.stop();
        for (std::thread& t : givers) t.join();
    }

    void pipelinedRequestsAreAnsweredInOrder() {
        QTcpSocket socket;
        socket.connectToHost(QStringLiteral("127.0.0.1"), m_server->port());
        QVERIFY(socket.waitForConnected(5000));
        socket.write(get("/api/campaigns/coupon") + get("/api/nowhere") + get("/api/health"));
        Answer a, b, c;
        QVERIFY(readAnswer(socket, a));
        QVERIFY(readAnswer(socket, b));
        QVERIFY(readAnswer(socket, c));
        QCOMPARE(a.status, 200);
        QCOMPARE(b.status, 404);
        QCOMPARE(c.status, 200);
        QVERIFY(c.json().contains(QStringLiteral("admitted")));
    }

    void http10ClosesUnlessKeptAlive() {
        const Answer a = exchange("GET /api/health HTTP/1.0\r\n\r\n");
        QCOMPARE(a.status, 200);
        QVERIFY(a.head.startsWith("HTTP/1.0 200"));
        QTRY_VERIFY(a.closed || a.field("Connection") == "close");
    }

    void requestLineOver8KiBIs414() {
        const Answer a =
            exchange("GET /api/" + QByteArray(9000, 'a') + " HTTP/1.1\r\nHost: t\r\n\r\n");
        QCOMPARE(a.status, 414);
        // Far over the header limit, the server never waits for the end of the line.
        const Answer b = exchange("GET /" + QByteArray(40000, 'a'));
        QCOMPARE(b.status, 414);
    }

    void headersOver8KiBAre431() {
        const Answer a = exchange(
            "GET /api/health HTTP/1.1\r\nHost: t\r\nX-Big: " + QByteArray(9000, 'b') + "\r\n\r\n");
        QCOMPARE(a.status, 431);
        QByteArray many = "GET /api/health HTTP/1.1\r\nHost: t\r\n";
        for (int i = 0; i < 400; ++i)
            many += "X-F" + QByteArray::number(i) + ": 0123456789012345\r\n";
        QCOMPARE(exchange(many + "\r\n").status, 431);
    }

    void bodiesOverTheLimitAre413() {
        QCOMPARE(exchange(post("/api/campaigns/coupon/apply", QByteArray(70000, ' '))).status, 413);
        // Chunked: the limit holds on what arrives, not on what was announced.
        QByteArray chunked =
            "POST /api/campaigns/coupon/apply HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: "
            "chunked\r\n\r\n";
        for (int i = 0; i < 20; ++i) chunked += "1000\r\n" + QByteArray(4096, ' ') + "\r\n";
        chunked += "0\r\n\r\n";
        QCOMPARE(exchange(chunked).status, 413);
        QCOMPARE(m_engine->snapshot()->admitted, std::int64_t(0));
    }

    void aChunkedBodyWithinTheLimitIsRead() {
        const Answer a = exchange(
            "POST /api/campaigns/coupon/apply HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: "
            "chunked\r\n\r\n"
            "5\r\n{\"use\r\n9\r\nrId\":\"7\"}\r\n0\r\n\r\n");
        QCOMPARE(a.status, 202);
        QCOMPARE(a.json().value(QStringLiteral("userId")).toString(), QStringLiteral("7"));
    }

    void malformedJsonIs400NamingTheProblem() {
        const Answer a = exchange(post("/api/campaigns/coupon/apply", R"({"userId": )"));
        QCOMPARE(a.status, 400);
        QVERIFY2(a.json()
                     .value(QStringLiteral("message"))
                     .toString()
                     .contains(QStringLiteral("malformed JSON at byte")),
                 a.body.constData());
        QCOMPARE(exchange(post("/api/campaigns/coupon/apply", "[1]")).status, 400);
        QCOMPARE(exchange(post("/api/campaigns/coupon/apply", R"({"userId": [1]})")).status, 400);
        QCOMPARE(exchange(post("/api/campaigns/coupon/apply", R"({"userId": 1.5})")).status, 400);
        QCOMPARE(exchange(post("/api/campaigns/coupon/apply", "{}")).status, 400);
        // Raw bytes as a name would come back inside the JSON answer: refused (found by fuzzing).
        QCOMPARE(
            exchange(post("/api/campaigns/coupon/apply", "", "X-User-Id: a\x93\xf2\xf5\xbc\r\n"))
                .status,
            400);
        QCOMPARE(exchange(post("/api/campaigns/coupon/apply", "",
                               "X-User-Id: a\x01"
                               "b\r\n"))
                     .status,
                 400);
        QCOMPARE(m_engine->snapshot()->admitted, std::int64_t(0));  // nothing changed
    }

    void unknownCampaignIs404AndWrongMethod405WithAllow() {
        const Answer a = exchange(post("/api/campaigns/nope/apply", R"({"userId": "u"})"));
        QCOMPARE(a.status, 404);
        QVERIFY(
            a.json().value(QStringLiteral("message")).toString().contains(QStringLiteral("nope")));
        const Answer b = exchange(get("/api/campaigns/coupon/apply"));
        QCOMPARE(b.status, 405);
        QCOMPARE(b.field("Allow"), QByteArray("POST"));
        const Answer c = exchange("DELETE /api/campaigns HTTP/1.1\r\nHost: t\r\n\r\n");
        QCOMPARE(c.status, 405);
        QCOMPARE(c.field("Allow"), QByteArray("GET"));
        QCOMPARE(exchange(get("/nothing")).status, 404);
        QCOMPARE(exchange(get("/api/requests/999999")).status, 404);
        QCOMPARE(exchange(get("/api/requests/x")).status, 400);
    }

    // Conflicting framing is refused, so no request can hide inside another (smuggling).
    void conflictingFramingIsRefused() {
        const Answer a = exchange(
            "POST /api/campaigns/coupon/apply HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\n"
            "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
        QCOMPARE(a.status, 400);
        QVERIFY(a.closed || a.field("Connection") == "close");
        const Answer b = exchange(
            "POST /api/campaigns/coupon/apply HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\n"
            "Content-Length: 17\r\n\r\n{\"userId\": \"sm\"}");
        QCOMPARE(b.status, 400);
        QCOMPARE(exchange("GET /api/health HTTP/1.1\r\n\r\n").status, 400);  // no Host
        QCOMPARE(exchange(QByteArray("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11)).status,
                 400);
        QCOMPARE(exchange("GET /api/health HTTP/2.0\r\nHost: t\r\n\r\n").status, 505);
        QCOMPARE(m_engine->snapshot()->admitted, std::int64_t(0));
    }

    void aSlowClientIsCutOffWhileOthersAreServed() {
        HttpLimits limits;
        limits.requestTimeout = std::chrono::milliseconds(500);
        serve(limits);
        // Slowloris: 500 connections that never finish their headers.
        std::vector<std::unique_ptr<QTcpSocket>> slow;
        for (int i = 0; i < 500; ++i) {
            auto s = std::make_unique<QTcpSocket>();
            s->connectToHost(QStringLiteral("127.0.0.1"), m_server->port());
            QVERIFY(s->waitForConnected(5000));
            s->write("GET /api/health HTTP/1.1\r\nHost: t\r\nX-Slow: ");
            s->flush();
            slow.push_back(std::move(s));
        }
        QTRY_VERIFY(m_server->stats().connectionsOpen.load() >= 500);
        // A real client is served at once, meanwhile.
        QElapsedTimer t;
        t.start();
        QCOMPARE(exchange(post("/api/campaigns/coupon/apply", R"({"userId": "real"})")).status,
                 202);
        QVERIFY2(t.elapsed() < 400, qPrintable(QString::number(t.elapsed())));
        // And every slow one is disconnected once its time is up.
        QTRY_VERIFY_WITH_TIMEOUT(m_server->stats().timeouts.load() >= 500, 10000);
        QTRY_VERIFY(m_server->stats().connectionsOpen.load() == 0);
        for (auto& s : slow) {
            s->waitForReadyRead(0);
            QTRY_COMPARE(s->state(), QAbstractSocket::UnconnectedState);
        }
    }

    // Seed 002's flow as curl would walk it: code, wrong code, right code, token, apply, status,
    // and the result in the outbox.
    void verificationFlowAdmitsOnlyVerifiedAddresses() {
        const QByteArray email = "ann@example.com";
        // Unverified: refused, and not counted as a request of the campaign.
        const Answer refused =
            exchange(post("/api/campaigns/gift/apply", R"({"userId": "ann@example.com"})"));
        QCOMPARE(refused.status, 403);
        QCOMPARE(m_engine->snapshot()->admitted, std::int64_t(0));
        QCOMPARE(
            exchange(post("/api/auth/send-verification-code", R"({"email": "not-an-address"})"))
                .status,
            400);
        QCOMPARE(
            exchange(post("/api/auth/send-verification-code", "{\"email\": \"" + email + "\"}"))
                .status,
            202);
        const QJsonArray messages = QJsonDocument::fromJson(adminOutbox())
                                        .object()
                                        .value(QStringLiteral("messages"))
                                        .toArray();
        QCOMPARE(messages.size(), 1);
        const QJsonObject message = messages.at(0).toObject();
        QCOMPARE(message.value(QStringLiteral("to")).toString(), QString::fromLatin1(email));
        const QString text = message.value(QStringLiteral("body")).toString();
        const QRegularExpressionMatch code =
            QRegularExpression(QStringLiteral("(\\d{6})")).match(text);
        QVERIFY2(code.hasMatch(), qPrintable(text));
        const Answer wrong = exchange(
            post("/api/auth/verify-code",
                 "{\"email\": \"" + email + "\", \"code\": \"" +
                     (code.captured(1) == QStringLiteral("000000") ? "111111" : "000000") + "\"}"));
        QCOMPARE(wrong.status, 400);
        QVERIFY(wrong.json()
                    .value(QStringLiteral("message"))
                    .toString()
                    .contains(QStringLiteral("4 attempt")));
        const Answer right =
            exchange(post("/api/auth/verify-code", "{\"email\": \"" + email + "\", \"code\": \"" +
                                                       code.captured(1).toLatin1() + "\"}"));
        QCOMPARE(right.status, 200);
        const QByteArray token = right.json().value(QStringLiteral("token")).toString().toLatin1();
        QVERIFY(token.size() >= 32);
        // The code is spent.
        QCOMPARE(
            exchange(post("/api/auth/verify-code", "{\"email\": \"" + email + "\", \"code\": \"" +
                                                       code.captured(1).toLatin1() + "\"}"))
                .status,
            429);
        const Answer applied = exchange(post("/api/campaigns/gift/apply", "", bearer(token)));
        QCOMPARE(applied.status, 202);
        QCOMPARE(applied.json().value(QStringLiteral("userId")).toString(),
                 QString::fromLatin1(email));
        QCOMPARE(exchange(post("/api/event/apply", R"({"campaignId": "gift"})", bearer("forged")))
                     .status,
                 401);
        QTRY_COMPARE(exchange(get("/api/event/status?campaignId=gift", bearer(token)))
                         .json()
                         .value(QStringLiteral("result"))
                         .toString(),
                     QStringLiteral("WON"));
        QCOMPARE(exchange(get("/api/event/status?campaignId=gift&email=bob%40example.com")).status,
                 404);
        QTRY_VERIFY(m_api->postResults() == 1 || m_api->stats().resultsPosted.load() == 1);
        const QJsonArray after = QJsonDocument::fromJson(adminOutbox())
                                     .object()
                                     .value(QStringLiteral("messages"))
                                     .toArray();
        QCOMPARE(after.size(), 2);
        QCOMPARE(after.at(1).toObject().value(QStringLiteral("kind")).toString(),
                 QStringLiteral("result"));
        QVERIFY(after.at(1)
                    .toObject()
                    .value(QStringLiteral("subject"))
                    .toString()
                    .startsWith(QStringLiteral("You won")));
    }

    // A dead-lettered application is not told a result it does not have: "not decided yet",
    // once; the replay that issues it then posts "You won" (it was told "ended FAILED_FINAL"
    // and never heard again, even once it won).
    void aDeadLetterIsToldItsResultOnceDecided() {
        serve({}, kFailingScenario);
        const QByteArray token = verifiedToken("dan@example.com");
        QVERIFY(!token.isEmpty());
        QCOMPARE(exchange(post("/api/campaigns/gift/apply", "", bearer(token))).status, 202);
        QTRY_COMPARE(m_engine->snapshot()->dlqSize, std::int64_t(1));
        std::size_t posted = 0;  // QTRY_COMPARE would call postResults() once more at the end
        QTRY_VERIFY((posted += m_api->postResults()) >= 1);
        QCOMPARE(posted, std::size_t(1));
        QJsonArray messages = outboxMessages();
        QCOMPARE(messages.size(), 2);  // the code, then this
        QVERIFY(messages.at(1)
                    .toObject()
                    .value(QStringLiteral("subject"))
                    .toString()
                    .startsWith(QStringLiteral("Not decided yet: Gift")));
        QCOMPARE(m_api->postResults(), std::size_t(0));  // said once
        QCOMPARE(m_api->resultsPending(), std::size_t(1));

        const auto replay = m_engine->replayDlq({}, 0);  // replays carry no injected fault
        QVERIFY(replay && replay->wait(std::chrono::seconds(10)));
        QTRY_COMPARE(m_engine->snapshot()->issued, std::int64_t(1));
        posted = 0;
        QTRY_VERIFY((posted += m_api->postResults()) >= 1);
        QCOMPARE(posted, std::size_t(1));
        messages = outboxMessages();
        QCOMPARE(messages.size(), 3);
        QVERIFY(messages.at(2)
                    .toObject()
                    .value(QStringLiteral("subject"))
                    .toString()
                    .startsWith(QStringLiteral("You won: Gift")));
        QCOMPARE(m_api->resultsPending(), std::size_t(0));
    }

    void tooManyWrongCodesVoidTheCode() {
        const QByteArray body = R"({"email": "eve@example.com"})";
        QCOMPARE(exchange(post("/api/auth/send-verification-code", body)).status, 202);
        int last = 0;
        for (int i = 0; i < 5; ++i)
            last = exchange(post("/api/auth/verify-code",
                                 R"({"email": "eve@example.com", "code": "abcdef"})"))
                       .status;
        QCOMPARE(last, 429);
        QCOMPARE(exchange(post("/api/auth/verify-code",
                               R"({"email": "eve@example.com", "code": "abcdef"})"))
                     .status,
                 429);
    }

    void codesExpireAndAddressesAreRateLimited() {
        auto now = std::chrono::steady_clock::now();
        VerificationPolicy policy;
        VerificationDesk desk(policy, [&now] { return now; });
        const auto first = desk.issueCode("a@b.cd");
        QVERIFY(first.ok);
        QCOMPARE(first.code.size(), std::size_t(6));
        const auto again = desk.issueCode("a@b.cd");
        QVERIFY(!again.ok);
        QCOMPARE(again.retryAfterS, std::int64_t(30));
        now += std::chrono::seconds(301);
        QCOMPARE(desk.verify("a@b.cd", first.code).check, VerificationDesk::Check::Expired);
        const auto second = desk.issueCode("a@b.cd");
        QVERIFY(second.ok);
        const auto v = desk.verify("a@b.cd", second.code);
        QCOMPARE(v.check, VerificationDesk::Check::Verified);
        QCOMPARE(desk.addressOf(v.token), std::string("a@b.cd"));
        now += std::chrono::hours(25);
        QCOMPARE(desk.addressOf(v.token), std::string());  // the token expired
        QVERIFY(!VerificationDesk::isAddress("a@b"));
        QVERIFY(!VerificationDesk::isAddress("a b@c.de"));
        QVERIFY(VerificationDesk::isAddress("a.b+c@d.ef"));
    }

    // A token is signed, not kept: a desk with the same secret (a restarted serve, another serve
    // of its cluster) reads it; another secret, a changed address or expiry, or a cut token, not.
    void tokensOutliveTheirDeskAndCannotBeForged() {
        std::string token;
        {
            VerificationDesk desk({}, {}, "secret-1");
            const auto code = desk.issueCode("ann@example.com");
            token = desk.verify("ann@example.com", code.code).token;
        }
        VerificationDesk restarted({}, {}, "secret-1");
        QCOMPARE(restarted.addressOf(token), std::string("ann@example.com"));
        QCOMPARE(VerificationDesk({}, {}, "secret-2").addressOf(token), std::string());
        QCOMPARE(VerificationDesk().addressOf(token), std::string());  // a random secret
        const std::size_t dot = token.find('.');
        const std::string otherAddress =
            QByteArray("eve@example.com")
                .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals)
                .toStdString();
        QCOMPARE(restarted.addressOf(otherAddress + token.substr(dot)), std::string());
        std::string later = token;
        later[token.find('.', dot + 1) - 1] += 1;  // the expiry moved on a second
        QCOMPARE(restarted.addressOf(later), std::string());
        QCOMPARE(restarted.addressOf(token.substr(0, token.size() - 1)), std::string());
        QCOMPARE(restarted.addressOf("..."), std::string());
        QCOMPARE(restarted.addressOf(""), std::string());
    }

    void adminEndpointsNeedTheToken() {
        const Answer none =
            exchange(post("/api/admin/event/stock", R"({"campaignId": "coupon", "stock": 60})"));
        QCOMPARE(none.status, 401);
        QVERIFY(none.field("WWW-Authenticate").startsWith("Bearer"));
        QCOMPARE(exchange(post("/api/admin/event/stock", R"({"campaignId": "coupon", "stock": 60})",
                               bearer("test-admin-token-0123456780")))
                     .status,
                 403);
        QCOMPARE(exchange(get("/api/admin/outbox", bearer("x"))).status, 403);
        const Answer ok =
            exchange(post("/api/admin/event/stock", R"({"campaignId": "coupon", "stock": 60})",
                          bearer(kAdminToken)));
        QCOMPARE(ok.status, 200);
        QTRY_COMPARE(exchange(get("/api/campaigns/coupon"))
                         .json()
                         .value(QStringLiteral("stock"))
                         .toInteger(),
                     qint64(60));
        QCOMPARE(exchange(post("/api/admin/event/stock", R"({"campaignId": "coupon", "stock": -1})",
                               bearer(kAdminToken)))
                     .status,
                 400);
        QCOMPARE(exchange(post("/api/admin/event/stock",
                               R"({"campaignId": "coupon", "stock": "x"})", bearer(kAdminToken)))
                     .status,
                 400);
        // Two campaigns: seed 002's stock endpoint must be told which.
        QCOMPARE(
            exchange(post("/api/admin/event/stock", R"({"stock": 5})", bearer(kAdminToken))).status,
            400);
        QCOMPARE(exchange(post("/api/campaigns/coupon/apply", R"({"userId": "w"})")).status, 202);
        QTRY_COMPARE(m_engine->snapshot()->issued, std::int64_t(1));
        QCOMPARE(exchange(post("/api/admin/event/stock", R"({"campaignId": "coupon", "stock": 0})",
                               bearer(kAdminToken)))
                     .status,
                 409);
    }

    // GET /metrics: answers counted by route and status, the engine's histograms as le buckets
    // that add up to their count.
    void metricsCountAnswersAndCarryTheHistograms() {
        m_server.reset();
        RunMetrics metrics(*m_engine);
        IngressOptions options;
        const sim::ScenarioLoad load = sim::parseScenario(kScenario);
        options.campaigns = load.scenario->campaigns;
        options.metrics = &metrics;
        m_api = std::make_unique<IngressApi>(*m_engine, options);
        m_server =
            std::make_unique<HttpServer>([this](const HttpRequest& r) { return m_api->handle(r); });
        std::string error;
        QVERIFY(m_server->start("127.0.0.1", 0, 1, error));
        for (int u = 0; u < 60; ++u)
            QCOMPARE(exchange(post("/api/campaigns/coupon/apply",
                                   "{\"userId\": " + QByteArray::number(u) + "}"))
                         .status,
                     202);
        QCOMPARE(exchange(get("/nowhere")).status, 404);
        QTRY_COMPARE(m_engine->snapshot()->finals, std::int64_t(60));
        const std::int64_t e2e = std::int64_t(m_engine->snapshot()->endToEnd.count());
        const Answer a = exchange(get("/metrics"));
        QCOMPARE(a.status, 200);
        QVERIFY(a.field("Content-Type").startsWith("text/plain; version=0.0.4"));
        const QString text = QString::fromUtf8(a.body);
        const QString labels = QStringLiteral("guard=\"atomic\",pipeline=\"decide-at-ingress\"");
        QVERIFY(text.contains(QStringLiteral("stampede_http_requests_total{%1,route=\"/api/"
                                             "campaigns/{id}/apply\",status=\"202\"} 60")
                                  .arg(labels)));
        QVERIFY(text.contains(
            QStringLiteral("stampede_http_requests_total{%1,route=\"other\",status=\"404\"} 1")
                .arg(labels)));
        QVERIFY(text.contains(
            QStringLiteral("stampede_requests{%1,state=\"SUCCEEDED\"} 50").arg(labels)));
        QVERIFY(text.contains(
            QStringLiteral("stampede_requests_rejected_total{%1,reason=\"SOLD_OUT\"} 10")
                .arg(labels)));
        QVERIFY(text.contains(
            QStringLiteral("stampede_campaign_remaining{%1,campaign=\"coupon\"} 0").arg(labels)));
        QVERIFY(text.contains(QStringLiteral("stampede_latency_seconds_count{%1,stage=\"e2e\"} %2")
                                  .arg(labels)
                                  .arg(e2e)));
        QVERIFY(text.contains(
            QStringLiteral("stampede_latency_seconds_bucket{%1,stage=\"e2e\",le=\"+Inf\"} %2")
                .arg(labels)
                .arg(e2e)));
        // Cumulative buckets never go down as le grows.
        qint64 previous = 0;
        const auto buckets =
            QRegularExpression(
                QStringLiteral(
                    "stampede_latency_seconds_bucket\\{[^}]*stage=\"e2e\",le=\"[^\"]+\"\\} (\\d+)"))
                .globalMatch(text);
        int seen = 0;
        for (auto it = buckets; it.hasNext(); ++seen) {
            const qint64 v = it.next().captured(1).toLongLong();
            QVERIFY(v >= previous);
            previous = v;
        }
        QCOMPARE(seen, 18);  // 17 bounds and +Inf
        QCOMPARE(exchange(post("/metrics", "")).status, 405);
        m_server.reset();  // before `metrics` goes
        m_api.reset();
    }

    // The request path without a socket (what the fuzz target drives).
    void rawRequestsAreAnsweredWithoutASocket() {
        const HttpLimits limits;
        const auto handler = [this](const HttpRequest& r) { return m_api->handle(r); };
        std::size_t used = 0;
        const std::string one = "GET /api/health HTTP/1.1\r\nHost: t\r\n\r\n";
        QCOMPARE(answerRawRequest(one + one, limits, handler, &used).status, 200);
        QCOMPARE(used, one.size());
        QCOMPARE(
            answerRawRequest("GET /api/health HTTP/1.1\r\nHost: t\r\n", limits, handler).status,
            408);
        QCOMPARE(answerRawRequest("GET /" + std::string(20000, 'a'), limits, handler).status, 414);
        QCOMPARE(answerRawRequest("POST /api/campaigns/coupon/apply HTTP/1.1\r\nHost: t\r\n"
                                  "Content-Length: 999999\r\n\r\n",
                                  limits, handler)
                     .status,
                 413);
        QCOMPARE(
            answerRawRequest("POST /api/campaigns/coupon/apply HTTP/1.1\r\nHost: t\r\n"
                             "Content-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
                             limits, handler)
                .status,
            400);
        const HttpResponse thrown = answerRawRequest(
            one, limits,
            [](const HttpRequest&) -> HttpResponse { throw std::runtime_error("boom"); });
        QCOMPARE(thrown.status, 500);
    }
};

QTEST_GUILESS_MAIN(TestHttpServer)
#include "tst_http_server.moc"
