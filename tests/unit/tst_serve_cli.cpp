// stampede-cli serve as its users drive it: started on a free loopback port, hammered by wrk with
// a distinct user per request, walked through seed 002's verification flow with curl, stopped
// with SIGTERM, and its summary read. Bad command lines are refused before anything listens.

#include <QtTest>

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTemporaryDir>

#include "cli_test_support.h"

using stampede::test::cli;

namespace {

// A running `serve`: its URL once it has said where it listens.
struct Server {
    QProcess process;
    QString url;

    bool start(const QStringList& args, const QString& home) {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("HOME"), home);
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), home + QStringLiteral("/.config"));
        process.setProcessEnvironment(env);
        process.start(QStringLiteral(STAMPEDE_CLI_PATH),
                      QStringList{QStringLiteral("serve"), QStringLiteral("--http"),
                                  QStringLiteral("127.0.0.1:0"), QStringLiteral("--quiet")} +
                          args);
        if (!process.waitForStarted(10000)) return false;
        QByteArray out;
        for (int i = 0; i < 200 && !out.contains('\n'); ++i) {
            if (!process.waitForReadyRead(100) && process.state() != QProcess::Running)
                return false;
            out += process.readAllStandardOutput();
        }
        const auto m = QRegularExpression(QStringLiteral("^listening on (http://\\S+)"))
                           .match(QString::fromUtf8(out));
        url = m.captured(1);
        return m.hasMatch();
    }
    // SIGTERM, as an operator's Ctrl-C or a service manager; the summary comes on the way out.
    QByteArray stop() {
        process.terminate();
        if (!process.waitForFinished(30000)) process.kill();
        return process.readAllStandardError();
    }
};

struct Curl {
    int status = 0;
    QJsonObject json;
    QByteArray body;
};

Curl curl(const QStringList& args) {
    QProcess p;
    p.start(QStringLiteral("curl"), QStringList{QStringLiteral("-s"), QStringLiteral("-w"),
                                                QStringLiteral("\n%{http_code}")} +
                                        args);
    p.waitForFinished(30000);
    const QByteArray out = p.readAllStandardOutput();
    Curl c;
    const qsizetype nl = out.lastIndexOf('\n');
    c.body = out.left(nl);
    c.status = out.mid(nl + 1).toInt();
    c.json = QJsonDocument::fromJson(c.body).object();
    return c;
}

// `promtool check metrics` reads the exposition on stdin; exit 0 when it is valid.
bool promtoolAccepts(const QByteArray& exposition) {
    QProcess p;
    p.start(QStringLiteral("promtool"), {QStringLiteral("check"), QStringLiteral("metrics")});
    if (!p.waitForStarted(10000)) return false;
    p.write(exposition);
    p.closeWriteChannel();
    p.waitForFinished(30000);
    if (p.exitCode() != 0) qWarning("promtool: %s", p.readAll().constData());
    return p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
}

QStringList postJson(const QString& url, const QByteArray& body) {
    return {QStringLiteral("-X"),
            QStringLiteral("POST"),
            QStringLiteral("-H"),
            QStringLiteral("Content-Type: application/json"),
            QStringLiteral("--data-binary"),
            QString::fromUtf8(body),
            url};
}

}  // namespace

class TestServeCli : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

    QString path(const char* name) const { return m_dir.filePath(QLatin1String(name)); }

    QString writeFile(const char* name, const QByteArray& text) const {
        QFile f(path(name));
        if (!f.open(QIODevice::WriteOnly)) return {};
        f.write(text);
        return f.fileName();
    }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        QVERIFY2(!QStandardPaths::findExecutable(QStringLiteral("wrk")).isEmpty(),
                 "wrk is missing: run installer/install-deps.sh");
        QVERIFY(!QStandardPaths::findExecutable(QStringLiteral("curl")).isEmpty());
    }

    // Seed 002's "done means": wrk with a distinct user per request; exactly the stock issued,
    // every answer 202, every accepted request final when the server is stopped.
    void wrkWithDistinctUsersGetsExactlyTheStock() {
        const QString scenario = writeFile("open.json", R"({
          "name": "serve test", "seed": 5,
          "campaigns": [{"id": "coupon", "name": "Coupon", "stock": 1000, "policy": "FIRST_COME"}],
          "arrivals": [{"campaign": "coupon", "profile": "spike", "users": 1, "over_ms": 1}],
          "run": {"pipeline": "decide-in-worker", "guard": "atomic", "transport": "inproc",
                  "workers": 2, "partitions": 2}})");
        const QString script = writeFile("apply.lua", R"(
local n = 0
local thread_id = 0
setup = function(thread) thread_id = thread_id + 1; thread:set("id", thread_id) end
request = function()
  n = n + 1
  local body = '{"userId":"' .. id .. '-' .. n .. '"}'
  return wrk.format("POST", "/api/campaigns/coupon/apply", {["Content-Type"]="application/json"}, body)
end
)");
        Server server;
        QVERIFY(server.start({QStringLiteral("--scenario"), scenario, QStringLiteral("--json"),
                              path("summary.json")},
                             m_dir.path()));
        QProcess wrk;
        wrk.start(QStringLiteral("wrk"),
                  {QStringLiteral("-t2"), QStringLiteral("-c20"), QStringLiteral("-d2s"),
                   QStringLiteral("-s"), script, server.url});
        QVERIFY(wrk.waitForStarted());
        // Prometheus scrapes during the load, and promtool accepts what it gets.
        QTRY_VERIFY(curl({server.url + QStringLiteral("/metrics")})
                        .body.contains("route=\"/api/campaigns/{id}/apply\",status=\"202\""));
        const Curl scrape = curl({server.url + QStringLiteral("/metrics")});
        QCOMPARE(scrape.status, 200);
        QVERIFY(
            scrape.body.contains("stampede_latency_seconds_bucket{guard=\"atomic\",pipeline="
                                 "\"decide-in-worker\",stage=\"e2e\",le=\"+Inf\"}"));
        QVERIFY(
            scrape.body.contains("stampede_campaign_stock{guard=\"atomic\",pipeline=\"decide-in-"
                                 "worker\",campaign=\"coupon\"} 1000"));
        QVERIFY2(promtoolAccepts(scrape.body), scrape.body.left(2000).constData());
        QVERIFY(wrk.waitForFinished(60000));
        const QString report = QString::fromUtf8(wrk.readAllStandardOutput());
        QVERIFY2(!report.contains(QStringLiteral("Non-2xx")), qPrintable(report));
        QVERIFY2(!report.contains(QStringLiteral("Socket errors")), qPrintable(report));
        const auto done = QRegularExpression(QStringLiteral("(\\d+) requests in")).match(report);
        QVERIFY2(done.hasMatch(), qPrintable(report));
        QVERIFY2(done.captured(1).toLongLong() > 1000, qPrintable(report));  // more than stock
        server.stop();
        QCOMPARE(server.process.exitCode(), 0);
        QFile f(path("summary.json"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonObject s = QJsonDocument::fromJson(f.readAll()).object();
        QCOMPARE(s.value(QStringLiteral("issued")).toInteger(), qint64(1000));
        QCOMPARE(s.value(QStringLiteral("over_issued")).toInteger(), qint64(0));
        QCOMPARE(s.value(QStringLiteral("duplicates")).toInteger(), qint64(0));
        const QJsonObject http = s.value(QStringLiteral("http")).toObject();
        // Every apply wrk sent was admitted (wrk does not count the ones in flight at its end).
        QCOMPARE(http.value(QStringLiteral("applied")).toInteger(),
                 s.value(QStringLiteral("admitted")).toInteger());
        QVERIFY(http.value(QStringLiteral("applied")).toInteger() >= done.captured(1).toLongLong());
        QCOMPARE(http.value(QStringLiteral("client_errors")).toInteger(), qint64(0));
        QCOMPARE(http.value(QStringLiteral("server_errors")).toInteger(), qint64(0));
        const QJsonObject states = s.value(QStringLiteral("states")).toObject();
        QCOMPARE(states.value(QStringLiteral("QUEUED")).toInteger(), qint64(0));
        QCOMPARE(states.value(QStringLiteral("PROCESSING")).toInteger(), qint64(0));
    }

    // --record: what the server took is a capture that capture info reads and replay plays.
    void recordedTrafficReplaysAsItCame() {
        const QString scenario = writeFile("rec.json", R"({
          "name": "record test", "seed": 5,
          "campaigns": [{"id": "coupon", "name": "Coupon", "stock": 10, "policy": "FIRST_COME"}],
          "arrivals": [{"campaign": "coupon", "profile": "spike", "users": 1, "over_ms": 1}],
          "run": {"pipeline": "sync", "guard": "atomic", "transport": "inproc", "workers": 1,
                  "partitions": 1}})");
        const QString capture = path("served.ndjson");
        Server server;
        QVERIFY(server.start(
            {QStringLiteral("--scenario"), scenario, QStringLiteral("--record"), capture,
             QStringLiteral("--admin-token-file"), writeFile("t4", "0123456789abcdefgh")},
            m_dir.path()));
        const QString apply = server.url + QStringLiteral("/api/campaigns/coupon/apply");
        QCOMPARE(curl(postJson(apply, R"({"userId": "ann"})") +
                      QStringList{QStringLiteral("-H"), QStringLiteral("X-Request-Id: r-1")})
                     .status,
                 202);
        QCOMPARE(curl(postJson(apply, R"({"userId": "bob"})")).status, 202);
        QCOMPARE(curl(postJson(apply, R"({"userId": "ann"})")).status, 200);  // a duplicate
        server.stop();
        QCOMPARE(server.process.exitCode(), 0);
        QFile f(capture);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray text = f.readAll();
        QVERIFY2(text.contains("\"r-1\""), text.constData());
        const auto info = cli({QStringLiteral("capture"), QStringLiteral("info"), capture,
                               QStringLiteral("--json"), QStringLiteral("-")});
        QCOMPARE(info.exitCode, 0);
        const QJsonObject i = QJsonDocument::fromJson(info.out).object();
        QCOMPARE(i.value(QStringLiteral("requests")).toInteger(), qint64(3));
        QCOMPARE(i.value(QStringLiteral("duplicates")).toInteger(), qint64(1));
        const auto replay =
            cli({QStringLiteral("replay"), capture, QStringLiteral("--scenario"), scenario,
                 QStringLiteral("--json"), QStringLiteral("-"), QStringLiteral("--quiet")});
        QCOMPARE(replay.exitCode, 0);
        const QJsonObject r = QJsonDocument::fromJson(replay.out).object();
        QCOMPARE(r.value(QStringLiteral("issued")).toInteger(), qint64(2));
        QCOMPARE(r.value(QStringLiteral("duplicates")).toInteger(), qint64(1));
    }

    // --store: the run and its outbox are in the store once the server ends.
    void theOutboxIsKeptWithTheRunInTheStore() {
        const QString db = path("serve-store.db");
        Server server;
        QVERIFY(server.start(
            {QStringLiteral("--store"), QStringLiteral("sqlite://") + db,
             QStringLiteral("--admin-token-file"), writeFile("t5", "0123456789abcdefgh")},
            m_dir.path()));
        QCOMPARE(curl(postJson(server.url + QStringLiteral("/api/auth/send-verification-code"),
                               R"({"email":"park@example.com"})"))
                     .status,
                 202);
        server.stop();
        QCOMPARE(server.process.exitCode(), 0);
        {
            QSqlDatabase sql = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"),
                                                         QStringLiteral("outbox-check"));
            sql.setDatabaseName(db);
            QVERIFY(sql.open());
            QSqlQuery q(sql);
            QVERIFY(q.exec(QStringLiteral(
                "SELECT o.recipient, o.kind, o.delivery, o.body, r.status FROM outbox o "
                "JOIN runs r ON r.id = o.run_id")));
            QVERIFY(q.next());
            QCOMPARE(q.value(0).toString(), QStringLiteral("park@example.com"));
            QCOMPARE(q.value(1).toString(), QStringLiteral("verification-code"));
            QCOMPARE(q.value(2).toString(), QStringLiteral("outbox"));  // no SMTP: kept here only
            QVERIFY(q.value(3).toString().contains(QStringLiteral("Your code is")));
            QCOMPARE(q.value(4).toString(), QStringLiteral("stopped"));
            QVERIFY(!q.next());
        }
        QSqlDatabase::removeDatabase(QStringLiteral("outbox-check"));
    }

    // Seed 002 as shipped (the default scenario): only verified addresses may apply.
    void curlWalksTheVerificationFlow() {
        const QString home = path("home-flow");
        Server server;
        QVERIFY(server.start({}, home));
        const QString tokenFile = home + QStringLiteral("/.config/stampede/admin-token");
        QFile token(tokenFile);
        QVERIFY2(token.open(QIODevice::ReadOnly), qPrintable(tokenFile));
        QCOMPARE(token.permissions() & (QFileDevice::ReadGroup | QFileDevice::ReadOther),
                 QFileDevice::Permissions());  // the operator's eyes only
        const QString admin = QStringLiteral("Authorization: Bearer ") +
                              QString::fromLatin1(token.readAll().trimmed());
        const QString& u = server.url;

        QCOMPARE(
            curl(postJson(u + QStringLiteral("/api/event/apply"), R"({"email":"kim@example.com"})"))
                .status,
            403);
        QCOMPARE(curl(postJson(u + QStringLiteral("/api/auth/send-verification-code"),
                               R"({"email":"kim@example.com"})"))
                     .status,
                 202);
        // Asked again at once: rate-limited, with when to come back.
        const Curl again = curl(postJson(u + QStringLiteral("/api/auth/send-verification-code"),
                                         R"({"email":"kim@example.com"})"));
        QCOMPARE(again.status, 429);
        QCOMPARE(curl({u + QStringLiteral("/api/admin/outbox")}).status, 401);
        const Curl outbox =
            curl({QStringLiteral("-H"), admin, u + QStringLiteral("/api/admin/outbox")});
        QCOMPARE(outbox.status, 200);
        const QString text = outbox.json.value(QStringLiteral("messages"))
                                 .toArray()
                                 .at(0)
                                 .toObject()
                                 .value(QStringLiteral("body"))
                                 .toString();
        const QString code = QRegularExpression(QStringLiteral("\\d{6}")).match(text).captured(0);
        QVERIFY2(!code.isEmpty(), qPrintable(text));
        const Curl verified = curl(postJson(
            u + QStringLiteral("/api/auth/verify-code"),
            QByteArray("{\"email\":\"kim@example.com\",\"code\":\"" + code.toLatin1() + "\"}")));
        QCOMPARE(verified.status, 200);
        const QString bearer = QStringLiteral("Authorization: Bearer ") +
                               verified.json.value(QStringLiteral("token")).toString();
        const Curl applied =
            curl({QStringLiteral("-X"), QStringLiteral("POST"), QStringLiteral("-H"), bearer,
                  u + QStringLiteral("/api/event/apply")});
        QCOMPARE(applied.status, 202);
        QCOMPARE(applied.json.value(QStringLiteral("campaignId")).toString(),
                 QStringLiteral("launch-coupon"));
        QTRY_COMPARE(curl({QStringLiteral("-H"), bearer, u + QStringLiteral("/api/event/status")})
                         .json.value(QStringLiteral("result"))
                         .toString(),
                     QStringLiteral("WON"));
        const Curl stock = curl({QStringLiteral("-H"), admin, QStringLiteral("-H"),
                                 QStringLiteral("Content-Type: application/json"),
                                 QStringLiteral("--data"), QStringLiteral("{\"stock\": 250}"),
                                 u + QStringLiteral("/api/admin/event/stock")});
        QCOMPARE(stock.status, 200);
        QTRY_COMPARE(curl({u + QStringLiteral("/api/campaigns/launch-coupon")})
                         .json.value(QStringLiteral("stock"))
                         .toInteger(),
                     qint64(250));
        // The result message reaches the outbox before the server ends.
        QTRY_COMPARE(
            curl({QStringLiteral("-H"), admin, u + QStringLiteral("/api/admin/outbox?after=1")})
                .json.value(QStringLiteral("messages"))
                .toArray()
                .size(),
            1);
        server.stop();
        QCOMPARE(server.process.exitCode(), 0);

        // Restarted (same admin token): the token still proves kim's address; a forged one not.
        Server restarted;
        QVERIFY(restarted.start({}, home));
        const Curl after = curl({QStringLiteral("-X"), QStringLiteral("POST"), QStringLiteral("-H"),
                                 bearer, restarted.url + QStringLiteral("/api/event/apply")});
        QCOMPARE(after.status, 202);
        QCOMPARE(after.json.value(QStringLiteral("userId")).toString(),
                 QStringLiteral("kim@example.com"));
        const Curl forged =
            curl({QStringLiteral("-X"), QStringLiteral("POST"), QStringLiteral("-H"),
                  bearer.left(bearer.size() - 2) + QStringLiteral("xx"),
                  restarted.url + QStringLiteral("/api/event/apply")});
        QCOMPARE(forged.status, 401);  // a token that proves nothing
        restarted.stop();
        QCOMPARE(restarted.process.exitCode(), 0);
    }

    // run --metrics: the same exposition for a run without HTTP ingress, while it runs.
    void runExposesMetricsWhileItRuns() {
        QProcess run;
        run.start(
            QStringLiteral(STAMPEDE_CLI_PATH),
            {QStringLiteral("run"), stampede::test::sim("spike-1m.json"), QStringLiteral("--pace"),
             QStringLiteral("realtime"), QStringLiteral("--metrics"), QStringLiteral("127.0.0.1:0"),
             QStringLiteral("--quiet")});
        QVERIFY(run.waitForStarted());
        QString url;
        QByteArray err;
        for (int i = 0; i < 200 && url.isEmpty(); ++i) {
            run.waitForReadyRead(100);
            err += run.readAllStandardError();
            url = QRegularExpression(QStringLiteral("metrics: (http://\\S+)"))
                      .match(QString::fromUtf8(err))
                      .captured(1);
        }
        QVERIFY2(!url.isEmpty(), err.constData());
        const auto admitted = [&url] {
            const QByteArray body = curl({url}).body;
            const auto m = QRegularExpression(
                               QStringLiteral("stampede_requests_admitted_total\\{[^}]*\\} (\\d+)"))
                               .match(QString::fromUtf8(body));
            return m.hasMatch() ? m.captured(1).toLongLong() : -1;
        };
        const qint64 first = admitted();
        QVERIFY(first >= 0);
        QTRY_VERIFY(admitted() > first);  // a live run, not a picture
        const Curl scrape = curl({url});
        QVERIFY(promtoolAccepts(scrape.body));
        QCOMPARE(curl({url.chopped(int(qstrlen("metrics")))}).status, 404);
        run.terminate();  // an operator's stop: what was admitted drains, the run ends with 0
        QVERIFY(run.waitForFinished(60000));
        QCOMPARE(run.exitCode(), 0);
    }

    // --smtp: the outbox goes to a real SMTP server (aiosmtpd), retried until the server is up.
    void smtpDeliversTheOutboxAndRetriesUntilTheServerIsUp() {
        const QString python = QStringLiteral("/usr/bin/python3");  // Debian's, with aiosmtpd
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        const QString port = QString::number(probe.serverPort());
        probe.close();
        const QString maildir = path("maildir");
        for (const char* sub : {"tmp", "new", "cur"})
            QVERIFY(QDir().mkpath(maildir + QLatin1Char('/') + QLatin1String(sub)));
        Server server;
        QVERIFY(server.start(
            {QStringLiteral("--smtp"), QStringLiteral("smtp://127.0.0.1:") + port,
             QStringLiteral("--smtp-from"), QStringLiteral("gifts@example.org"),
             QStringLiteral("--json"), path("smtp-summary.json"),
             QStringLiteral("--admin-token-file"), writeFile("t3", "0123456789abcdefgh")},
            path("home-smtp")));
        QCOMPARE(curl(postJson(server.url + QStringLiteral("/api/auth/send-verification-code"),
                               R"({"email":"lee@example.com"})"))
                     .status,
                 202);
        const QStringList admin = {QStringLiteral("-H"),
                                   QStringLiteral("Authorization: Bearer 0123456789abcdefgh"),
                                   server.url + QStringLiteral("/api/admin/outbox")};
        const auto delivery = [&] {
            return curl(admin)
                .json.value(QStringLiteral("messages"))
                .toArray()
                .at(0)
                .toObject()
                .value(QStringLiteral("delivery"))
                .toString();
        };
        // No server yet: tried, failed, and not given up on.
        QTRY_VERIFY_WITH_TIMEOUT(delivery().startsWith(QStringLiteral("pending: attempt 1 failed")),
                                 10000);
        QProcess smtp;
        smtp.start(python,
                   {QStringLiteral("-m"), QStringLiteral("aiosmtpd"), QStringLiteral("-n"),
                    QStringLiteral("-l"), QStringLiteral("127.0.0.1:") + port, QStringLiteral("-c"),
                    QStringLiteral("aiosmtpd.handlers.Mailbox"), maildir});
        QVERIFY2(smtp.waitForStarted(),
                 "python3-aiosmtpd is missing: run installer/install-deps.sh");
        QTRY_VERIFY_WITH_TIMEOUT(
            !QDir(maildir + QStringLiteral("/new")).entryList(QDir::Files).isEmpty(), 30000);
        const QString file =
            QDir(maildir + QStringLiteral("/new")).entryInfoList(QDir::Files).at(0).filePath();
        QFile mail(file);
        QVERIFY(mail.open(QIODevice::ReadOnly));
        const QByteArray text = mail.readAll();
        QVERIFY2(text.contains("To: <lee@example.com>"), text.constData());
        QVERIFY(text.contains("From: <gifts@example.org>"));
        QVERIFY(QRegularExpression(QStringLiteral("Your code is \\d{6}"))
                    .match(QString::fromUtf8(text))
                    .hasMatch());
        QTRY_COMPARE(delivery(), QStringLiteral("sent"));
        server.stop();
        smtp.terminate();
        smtp.waitForFinished(5000);
        QFile f(path("smtp-summary.json"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonObject sent = QJsonDocument::fromJson(f.readAll())
                                     .object()
                                     .value(QStringLiteral("http"))
                                     .toObject()
                                     .value(QStringLiteral("smtp"))
                                     .toObject();
        QCOMPARE(sent.value(QStringLiteral("sent")).toInteger(), qint64(1));
        QCOMPARE(sent.value(QStringLiteral("failed")).toInteger(), qint64(0));
        QVERIFY(sent.value(QStringLiteral("retries")).toInteger() >= 1);  // the server came late
    }

    void badCommandLinesChangeNothing() {
        const auto r1 = cli(
            {QStringLiteral("serve"), QStringLiteral("--http"), QStringLiteral("127.0.0.1:99999")});
        QCOMPARE(r1.exitCode, 2);
        QVERIFY(r1.err.contains("not a port"));
        const auto r2 =
            cli({QStringLiteral("serve"), QStringLiteral("--http"), QStringLiteral("nowhere:80"),
                 QStringLiteral("--admin-token-file"), writeFile("t1", "0123456789abcdefgh")});
        QCOMPARE(r2.exitCode, 2);
        QVERIFY2(r2.err.contains("not an IP address"), r2.err.constData());
        const auto r3 =
            cli({QStringLiteral("serve"), QStringLiteral("--scenario"), path("missing.json")});
        QCOMPARE(r3.exitCode, 2);
        QVERIFY(r3.err.contains("missing.json"));
        const auto r6 = cli({QStringLiteral("serve"), QStringLiteral("--smtp"),
                             QStringLiteral("mail.example.com"),
                             QStringLiteral("--admin-token-file"), path("t1")});
        QCOMPARE(r6.exitCode, 2);
        QVERIFY2(r6.err.contains("--smtp"), r6.err.constData());
        const auto r4 = cli({QStringLiteral("serve"), QStringLiteral("--admin-token-file"),
                             writeFile("t2", "short")});
        QCOMPARE(r4.exitCode, 2);
        QVERIFY(r4.err.contains("at least 16"));
        // A port already taken is an error, not a server that never answers.
        Server first;
        QVERIFY(first.start({QStringLiteral("--admin-token-file"), path("t1")}, m_dir.path()));
        const QString port = first.url.section(QLatin1Char(':'), -1);
        const auto r5 = cli({QStringLiteral("serve"), QStringLiteral("--http"),
                             QStringLiteral("127.0.0.1:") + port,
                             QStringLiteral("--admin-token-file"), path("t1")});
        QCOMPARE(r5.exitCode, 2);
        QVERIFY2(r5.err.contains("cannot listen"), r5.err.constData());
        first.stop();
    }
};

QTEST_GUILESS_MAIN(TestServeCli)
#include "tst_serve_cli.moc"
