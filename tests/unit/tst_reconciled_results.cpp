// A unit Redis took for a decision whose reply never came back (Redis hung past the run's outage
// bound, the request dead-lettered "Redis unavailable") is found at the run's end by the
// reconciliation with Redis's applied set, and its owner is told: "Not decided yet" while it sat
// in the DLQ, then "You won" once the reconciliation recovered it. Through the HTTP ingress's
// request path (seed 002's verification flow) and a real redis-server.
#include <QtTest>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <csignal>
#include <memory>

#include "backends/redis/redis_guard.h"
#include "redis_server.h"
#include "stampede/engine.h"
#include "stampede/http/http_message.h"
#include "stampede/http/ingress_api.h"
#include "stampede/sim/scenario.h"

using namespace stampede;
using namespace stampede::http;

namespace {
constexpr const char* kAdminToken = "test-admin-token-0123456789";

constexpr const char* kScenario = R"({
  "name": "reconciled results", "seed": 7,
  "campaigns": [
    {"id": "gift", "name": "Gift", "stock": 5, "policy": "FIRST_COME", "requires_verification": true}
  ],
  "arrivals": [{"campaign": "gift", "profile": "spike", "users": 1, "over_ms": 1}],
  "run": {"pipeline": "decide-in-worker", "guard": "redis-lua", "transport": "inproc",
          "workers": 1, "partitions": 1}
})";

HttpRequest request(std::string method, std::string target, std::string body = {},
                    std::string token = {}) {
    HttpRequest r;
    r.method = std::move(method);
    r.target = std::move(target);
    r.body = std::move(body);
    r.headers.emplace_back("host", "test");
    if (!token.empty()) r.headers.emplace_back("authorization", "Bearer " + token);
    return r;
}
}  // namespace

class TestReconciledResults : public QObject {
    Q_OBJECT
    test::RedisServer m_redis;

    QJsonObject json(const HttpResponse& r) {
        return QJsonDocument::fromJson(QByteArray::fromStdString(r.body)).object();
    }
    QJsonArray outbox(IngressApi& api) {
        return json(api.handle(request("GET", "/api/admin/outbox", {}, kAdminToken)))
            .value(QStringLiteral("messages"))
            .toArray();
    }
    QStringList subjects(IngressApi& api) {
        QStringList out;
        for (const QJsonValue& m : outbox(api))
            out << m.toObject().value(QStringLiteral("subject")).toString();
        return out;
    }

private Q_SLOTS:
    void initTestCase() {
        QString error;
        QVERIFY2(m_redis.start(error), qPrintable(error));
    }

    void aUnitTakenBehindAnOutageIsRecoveredAndItsOwnerTold() {
        std::string e;
        const auto url = backends::redis::parseRedisUrl(m_redis.url().toStdString(), e);
        QVERIFY2(url, e.c_str());
        const sim::ScenarioLoad load = sim::parseScenario(kScenario);
        QVERIFY2(load.ok(), load.error.toString().c_str());
        StartOptions start;
        start.keepOpen = true;
        start.arrivals = std::make_shared<const std::vector<GivenArrival>>();
        start.outageBound = std::chrono::milliseconds(1500);
        start.guardFactory = [&url](std::string_view name, std::string& error) {
            return backends::redis::makeRedisGuard(name, *url, error);
        };
        Engine engine;
        QVERIFY(engine.start(*load.scenario, start).ok());
        IngressOptions options;
        options.campaigns = load.scenario->campaigns;
        options.adminToken = kAdminToken;
        IngressApi api(engine, options);

        // Seed 002's flow: a code to the address, the code back, a token.
        const std::string email = "zed@example.com";
        QCOMPARE(api.handle(request("POST", "/api/auth/send-verification-code",
                                    "{\"email\": \"" + email + "\"}"))
                     .status,
                 202);
        const QRegularExpressionMatch code =
            QRegularExpression(QStringLiteral("(\\d{6})"))
                .match(outbox(api).last().toObject().value(QStringLiteral("body")).toString());
        QVERIFY(code.hasMatch());
        const HttpResponse verified =
            api.handle(request("POST", "/api/auth/verify-code",
                               "{\"email\": \"" + email + "\", \"code\": \"" +
                                   code.captured(1).toStdString() + "\"}"));
        QCOMPARE(verified.status, 200);
        const std::string token =
            json(verified).value(QStringLiteral("token")).toString().toStdString();

        // Redis hangs; the application is taken, its script sent and carried out only later.
        QVERIFY(::kill(pid_t(m_redis.pid()), SIGSTOP) == 0);
        QCOMPARE(api.handle(request("POST", "/api/campaigns/gift/apply", {}, token)).status, 202);
        QTRY_COMPARE_WITH_TIMEOUT(engine.snapshot()->dlqSize, std::int64_t(1), 20000);
        std::size_t posted = 0;  // QTRY_COMPARE would call postResults() once more at the end
        QTRY_VERIFY((posted += api.postResults()) >= 1);
        QCOMPARE(posted, std::size_t(1));
        QVERIFY2(subjects(api).last().startsWith(QStringLiteral("Not decided yet: Gift")),
                 qPrintable(subjects(api).join(QStringLiteral(" | "))));

        // Redis goes on and carries the scripts out: it holds a unit for zed the run never heard
        // of. The run's end reconciles with Redis's applied set.
        QVERIFY(::kill(pid_t(m_redis.pid()), SIGCONT) == 0);
        const QString applied = QString::fromStdString(engine.snapshot()->backend.detail) +
                                QStringLiteral(":0:applied");
        QTRY_COMPARE_WITH_TIMEOUT(m_redis.cli({QStringLiteral("SCARD"), applied}),
                                  QStringLiteral("1"), 10000);
        engine.stop();
        QVERIFY(engine.waitForEnd(std::chrono::seconds(30)));
        const auto snap = engine.snapshot();
        QCOMPARE(snap->reconciled, std::int64_t(1));
        QCOMPARE(snap->issued, std::int64_t(1));
        QCOMPARE(snap->dlqSize, std::int64_t(0));
        QCOMPARE(snap->overIssued, std::int64_t(0));

        posted = 0;
        QTRY_VERIFY((posted += api.postResults()) >= 1);
        QCOMPARE(posted, std::size_t(1));
        QVERIFY2(subjects(api).last().startsWith(QStringLiteral("You won: Gift")),
                 qPrintable(subjects(api).join(QStringLiteral(" | "))));
        QCOMPARE(api.resultsPending(), std::size_t(0));
        QCOMPARE(json(api.handle(request("GET", "/api/event/status?campaignId=gift", {}, token)))
                     .value(QStringLiteral("result"))
                     .toString(),
                 QStringLiteral("WON"));
    }
};

QTEST_GUILESS_MAIN(TestReconciledResults)
#include "tst_reconciled_results.moc"
