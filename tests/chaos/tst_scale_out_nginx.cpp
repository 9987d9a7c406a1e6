// Scale-out as the seeds deployed it: two `serve` processes of one run (`--cluster`) behind a real
// nginx (upstream, round robin, on loopback), on the Kafka transport with redis-lua as the shared
// stock and two `stampede-cli worker` processes deciding. A load of distinct users goes through
// nginx; one serve is killed with SIGKILL in the middle of it. Then: exactly the stock is issued
// (Redis's own ledger), no user twice, and every request a client was told 202 about is final
// (its result is on the run's results topic, whichever serve took it, the dead one's too).

#include <QtTest>

#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QSet>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>

#include <librdkafka/rdkafka.h>

#include <map>

#include "backends/kafka/kafka_common.h"
#include "kafka_test_support.h"
#include "redis_server.h"

using namespace stampede;

namespace {

constexpr int kStock = 1000;
constexpr int kApplications = 3000;
constexpr int kKillAfter = 1000;  // answers before one serve is killed
constexpr int kInFlight = 16;
const QString kCluster = QStringLiteral("scaleout");

int freePort() {
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}

// A serve of the cluster; its port once it says where it listens.
struct Serve {
    QProcess process;
    int port = 0;
    bool start(const QStringList& args) {
        process.start(QStringLiteral(STAMPEDE_CLI_PATH),
                      QStringList{QStringLiteral("serve")} + args);
        QByteArray out;
        for (int i = 0; i < 300 && !out.contains('\n'); ++i) {
            if (!process.waitForReadyRead(100) && process.state() != QProcess::Running) break;
            out += process.readAllStandardOutput();
        }
        const auto m = QRegularExpression(QStringLiteral("listening on http://127.0.0.1:(\\d+)"))
                           .match(QString::fromUtf8(out));
        port = m.captured(1).toInt();
        return m.hasMatch();
    }
};

// Every result on the run's results topic so far, by (origin, request id).
std::map<std::pair<std::uint32_t, std::uint32_t>, transport::RemoteOutcome> readResults(
    const QString& bootstrap, const std::string& topic) {
    std::map<std::pair<std::uint32_t, std::uint32_t>, transport::RemoteOutcome> out;
    char why[512];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap.toUtf8().constData(), why, sizeof why);
    rd_kafka_conf_set(conf, "group.id", "tst-scale-out-reader", why, sizeof why);
    rd_kafka_conf_set(conf, "enable.partition.eof", "true", why, sizeof why);
    rd_kafka_conf_set(conf, "enable.auto.commit", "false", why, sizeof why);
    rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, why, sizeof why);
    if (!rk) return out;
    rd_kafka_poll_set_consumer(rk);
    rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(list, topic.c_str(), 0)->offset = RD_KAFKA_OFFSET_BEGINNING;
    rd_kafka_assign(rk, list);
    rd_kafka_topic_partition_list_destroy(list);
    const auto giveUp = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    for (bool end = false; !end && std::chrono::steady_clock::now() < giveUp;) {
        rd_kafka_message_t* m = rd_kafka_consumer_poll(rk, 200);
        if (!m) continue;
        if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF)
            end = true;
        else if (!m->err)
            if (const auto r = backends::kafka::decodeResult(m->payload, m->len))
                out[{r->origin, r->message}] = r->outcome;
        rd_kafka_message_destroy(m);
    }
    rd_kafka_destroy_flags(rk, RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
    return out;
}

void stop(QProcess& p) {
    if (p.state() == QProcess::NotRunning) return;
    p.terminate();
    if (!p.waitForFinished(30000)) p.kill();
    p.waitForFinished(5000);
}

}  // namespace

class TestScaleOutNginx : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void aServeKilledMidLoadLosesNoAcceptedRequestAndIssuesExactlyTheStock() {
        QTemporaryDir dir;
        test::RedisServer redis;
        QString error;
        QVERIFY2(redis.start(error), qPrintable(error));
        QProcess broker;
        const QString bootstrap = test::startBroker(broker);
        QVERIFY(!bootstrap.isEmpty());

        const QString scenario = dir.filePath(QStringLiteral("drop.json"));
        QFile s(scenario);
        QVERIFY(s.open(QIODevice::WriteOnly));
        s.write(QStringLiteral(R"({"name": "scale-out", "seed": 1,
            "campaigns": [{"id": "drop", "name": "Drop", "stock": %1, "policy": "FIRST_COME"}],
            "arrivals": [],
            "run": {"pipeline": "decide-in-worker", "guard": "redis-lua", "transport": "kafka",
                    "workers": 2, "partitions": 2}})")
                    .arg(kStock)
                    .toUtf8());
        s.close();
        const QString token = dir.filePath(QStringLiteral("admin-token"));
        QFile t(token);
        QVERIFY(t.open(QIODevice::WriteOnly));
        t.write("scale-out-admin-token-0123456789abcdef\n");
        t.close();
        t.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);

        Serve serves[2];
        for (int i = 0; i < 2; ++i)
            QVERIFY2(serves[i].start(
                         {QStringLiteral("--http"), QStringLiteral("127.0.0.1:0"),
                          QStringLiteral("--scenario"), scenario, QStringLiteral("--cluster"),
                          kCluster, QStringLiteral("--local-workers"), QStringLiteral("0"),
                          QStringLiteral("--kafka"), bootstrap, QStringLiteral("--redis"),
                          redis.url(), QStringLiteral("--admin-token-file"), token,
                          QStringLiteral("--quiet"), QStringLiteral("--json"),
                          dir.filePath(QStringLiteral("serve-%1.json").arg(i))}),
                     serves[i].process.readAllStandardError().constData());
        QProcess workers[2];
        for (QProcess& w : workers) {
            w.start(QStringLiteral(STAMPEDE_CLI_PATH),
                    {QStringLiteral("worker"), QStringLiteral("--kafka"), bootstrap,
                     QStringLiteral("--redis"), redis.url()});
            QVERIFY(w.waitForStarted(10000));
        }

        // nginx in front, round robin over the two, on loopback.
        const int nginxPort = freePort();
        QDir(dir.path()).mkpath(QStringLiteral("nginx"));
        const QString n = dir.filePath(QStringLiteral("nginx"));
        QFile conf(dir.filePath(QStringLiteral("nginx.conf")));
        QVERIFY(conf.open(QIODevice::WriteOnly));
        conf.write(
            QStringLiteral(
                "worker_processes 1;\ndaemon off;\npid %1/nginx.pid;\n"
                "error_log %1/error.log;\nevents { worker_connections 1024; }\n"
                "http {\n  access_log off;\n  client_body_temp_path %1/body;\n"
                "  proxy_temp_path %1/proxy;\n  fastcgi_temp_path %1/fastcgi;\n"
                "  uwsgi_temp_path %1/uwsgi;\n  scgi_temp_path %1/scgi;\n"
                "  upstream stampede {\n    server 127.0.0.1:%2 max_fails=1 fail_timeout=30s;\n"
                "    server 127.0.0.1:%3 max_fails=1 fail_timeout=30s;\n    keepalive 32;\n  }\n"
                "  server {\n    listen 127.0.0.1:%4;\n    location / {\n"
                "      proxy_pass http://stampede;\n      proxy_http_version 1.1;\n"
                "      proxy_set_header Connection \"\";\n    }\n  }\n}\n")
                .arg(n)
                .arg(serves[0].port)
                .arg(serves[1].port)
                .arg(nginxPort)
                .toUtf8());
        conf.close();
        QProcess nginx;
        // Whatever fails, nothing is left running: SIGTERM lets nginx's master stop its worker
        // (a SIGKILL from QProcess's destructor would orphan it), and the others end too.
        const auto cleanUp = qScopeGuard([&] {
            stop(nginx);
            for (QProcess& w : workers) stop(w);
            for (Serve& serve : serves) stop(serve.process);
            test::stopBroker(broker);
        });
        nginx.start(QStringLiteral("nginx"),
                    {QStringLiteral("-p"), n, QStringLiteral("-c"), conf.fileName(),
                     QStringLiteral("-e"), n + QStringLiteral("/error.log")});
        QVERIFY2(nginx.waitForStarted(10000), "nginx is installed by installer/install-deps.sh");
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                QTcpSocket probe;
                probe.connectToHost(QHostAddress::LocalHost, quint16(nginxPort));
                return probe.waitForConnected(200);
            }(),
            10000);

        // The load: distinct users, kInFlight at a time, through nginx; one serve is killed with
        // SIGKILL once kKillAfter answers have come.
        QNetworkAccessManager net;
        const QUrl apply(
            QStringLiteral("http://127.0.0.1:%1/api/campaigns/drop/apply").arg(nginxPort));
        QSet<QPair<quint32, quint32>> accepted;
        QSet<quint32> origins;
        std::map<int, int> statuses;
        std::map<QString, int> errors;  // no HTTP answer at all
        int sent = 0, answered = 0;
        bool killed = false;
        quint32 killedOrigin = 0;
        QEventLoop loop;
        std::function<void()> sendOne = [&] {
            if (sent == kApplications) return;
            QNetworkRequest request(apply);
            request.setHeader(QNetworkRequest::ContentTypeHeader,
                              QStringLiteral("application/json"));
            QNetworkReply* reply =
                net.post(request, QStringLiteral(R"({"userId":"user-%1"})").arg(sent++).toUtf8());
            QObject::connect(reply, &QNetworkReply::finished, &loop, [&, reply] {
                reply->deleteLater();
                const int status =
                    reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
                ++statuses[status];
                if (status == 0) ++errors[reply->errorString()];
                if (status == 202) {
                    const QJsonObject o = QJsonDocument::fromJson(reply->readAll()).object();
                    const auto origin = quint32(o.value(QStringLiteral("origin")).toInteger());
                    accepted.insert(
                        {origin, quint32(o.value(QStringLiteral("requestId")).toInteger())});
                    origins.insert(origin);
                }
                if (++answered == kKillAfter && !killed) {
                    serves[0].process.kill();  // SIGKILL: no end announced, nothing drained
                    killed = true;
                }
                if (answered == kApplications) loop.quit();
                sendOne();
            });
        };
        QTimer::singleShot(120000, &loop, &QEventLoop::quit);  // bounded, whatever happens
        for (int i = 0; i < kInFlight; ++i) sendOne();
        loop.exec();
        QCOMPARE(answered, kApplications);
        QVERIFY(killed);
        QCOMPARE(origins.size(), 2);  // round robin reached both

        // Which origin was the killed serve's: the one no longer answering directly.
        for (const auto& o : origins) {
            QNetworkRequest probe(
                QUrl(QStringLiteral("http://127.0.0.1:%1/api/campaigns/drop/apply")
                         .arg(serves[1].port)));
            probe.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
            QNetworkReply* r = net.post(probe, QByteArrayLiteral(R"({"userId":"probe"})"));
            QEventLoop wait;
            QObject::connect(r, &QNetworkReply::finished, &wait, &QEventLoop::quit);
            wait.exec();
            const auto alive = quint32(QJsonDocument::fromJson(r->readAll())
                                           .object()
                                           .value(QStringLiteral("origin"))
                                           .toInteger());
            r->deleteLater();
            if (o != alive) killedOrigin = o;
        }
        QVERIFY(killedOrigin != 0);
        int acceptedByKilled = 0;
        for (const auto& a : accepted) acceptedByKilled += a.first == killedOrigin;
        QVERIFY2(acceptedByKilled > 0, "the killed serve had taken requests");
        qInfo("answers: %d; 202: %lld (%d by the killed serve); statuses %s", answered,
              qint64(accepted.size()), acceptedByKilled, qPrintable([&] {
                  QStringList l;
                  for (const auto& [k, v] : statuses) l << QStringLiteral("%1:%2").arg(k).arg(v);
                  for (const auto& [k, v] : errors) l << QStringLiteral("(%1: %2)").arg(k).arg(v);
                  return l.join(QLatin1Char(' '));
              }()));

        // Every accepted request becomes final: its result is on the results topic.
        const std::string resultsTopic = "stampede." + kCluster.toStdString() + ".results";
        std::map<std::pair<std::uint32_t, std::uint32_t>, transport::RemoteOutcome> results;
        int missing = -1;
        for (int tries = 0; tries < 60 && missing != 0; ++tries) {
            results = readResults(bootstrap, resultsTopic);
            missing = 0;
            for (const auto& a : accepted) missing += results.count({a.first, a.second}) == 0;
            if (missing) QTest::qWait(500);
        }
        QCOMPARE(missing, 0);
        for (const auto& a : accepted)
            QVERIFY(results.at({a.first, a.second}) != transport::RemoteOutcome::Failed);

        // Exactly the stock, each unit with one user, by Redis's own ledger.
        const QString prefix =
            QStringLiteral("stampede:cluster:") + kCluster + QStringLiteral(":0:");
        QCOMPARE(redis.cli({QStringLiteral("GET"), prefix + QStringLiteral("remaining")}),
                 QStringLiteral("0"));
        QCOMPARE(redis.cli({QStringLiteral("SCARD"), prefix + QStringLiteral("applied")}).toInt(),
                 kStock);

        // The surviving serve ends on SIGTERM with every request of its own final.
        stop(serves[1].process);
        QCOMPARE(serves[1].process.exitCode(), 0);
        QFile summaryFile(dir.filePath(QStringLiteral("serve-1.json")));
        QVERIFY(summaryFile.open(QIODevice::ReadOnly));
        const QJsonObject summary = QJsonDocument::fromJson(summaryFile.readAll()).object();
        QCOMPARE(summary.value(QStringLiteral("over_issued")).toInteger(), 0);
        const QJsonObject states = summary.value(QStringLiteral("states")).toObject();
        for (const char* waiting : {"RECEIVED", "QUEUED", "PROCESSING"})
            QCOMPARE(states.value(QLatin1String(waiting)).toInteger(), 0);
        QCOMPARE(summary.value(QStringLiteral("dlq")).toInteger(), 0);
        QVERIFY(summary.value(QStringLiteral("admitted")).toInteger() > 0);
    }
};

QTEST_GUILESS_MAIN(TestScaleOutNginx)
#include "tst_scale_out_nginx.moc"
