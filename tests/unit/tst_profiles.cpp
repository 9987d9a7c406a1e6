// Connection profiles: the file round-trips and refuses bad input naming the field (and any
// password); passwords go to and come back from the system keychain (a private gnome-keyring,
// see keyring_session.sh); "Test connection" answers in plain words against real servers:
// OK with the version, refused, auth failed, TLS error.
#include <QtTest>

#include <QProcess>
#include <QTemporaryDir>

#include "mariadb_server.h"
#include "redis_server.h"
#include "stampede/backends/kafka/mock_cluster.h"
#include "stampede/http/admin_token.h"
#include "stampede/profiles/connection_check.h"
#include "stampede/profiles/connection_profile.h"
#include "stampede/profiles/keychain.h"

using namespace stampede;
using namespace stampede::profiles;

namespace {
ConnectionProfile profile(const std::string& name, Kind kind, int port) {
    ConnectionProfile p;
    p.name = name;
    p.kind = kind;
    p.port = port;
    return p;
}
bool startsWith(const std::string& text, const char* prefix) {
    return text.rfind(prefix, 0) == 0;
}
}  // namespace

class TestProfiles : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

    QString write(const char* json) {
        const QString path = m_dir.filePath(QStringLiteral("p.json"));
        QFile f(path);
        f.open(QIODevice::WriteOnly | QIODevice::Truncate);
        f.write(json);
        return path;
    }

private Q_SLOTS:
    void fileRoundTrips() {
        ConnectionProfile r = profile("cache", Kind::Redis, 6380);
        r.database = "2";
        ConnectionProfile m = profile("orders", Kind::MySql, 0);
        m.user = "app";
        m.database = "shop";
        m.tls = true;
        m.caFile = "/etc/ca.pem";
        ConnectionProfile k = profile("events", Kind::Kafka, 0);
        k.bootstrap = "b1:9092,b2:9092";
        k.securityProtocol = "ssl";
        const QString path = m_dir.filePath(QStringLiteral("sub/profiles.json"));
        std::string error;
        QVERIFY2(saveProfiles(path, {r, m, k}, error), error.c_str());
        const auto back = loadProfiles(path, error);
        QVERIFY2(back, error.c_str());
        QCOMPARE(back->size(), std::size_t(3));
        QCOMPARE((*back)[0].url(), std::string("redis://127.0.0.1:6380/2"));
        QCOMPARE((*back)[1].url(), std::string("mysql://app@127.0.0.1:3306/shop"));
        QVERIFY((*back)[1].tls && (*back)[1].caFile == "/etc/ca.pem");
        QCOMPARE((*back)[2].url(), std::string("b1:9092,b2:9092"));
        QCOMPARE((*back)[2].securityProtocol, std::string("ssl"));
        QVERIFY(!QFile(path).readAll().contains("password"));
        QVERIFY(loadProfiles(m_dir.filePath(QStringLiteral("none.json")), error)->empty());
    }

    void badFilesNameTheField_data() {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("expected");
        QTest::newRow("json") << QByteArray("{\"profiles\": [") << QStringLiteral("not JSON");
        QTest::newRow("shape") << QByteArray("[]") << QStringLiteral("expected {\"profiles\"");
        QTest::newRow("port") << QByteArray(
                                     R"({"profiles":[{"name":"a","kind":"redis","port":70000}]})")
                              << QStringLiteral("profiles[0].port");
        QTest::newRow("kind") << QByteArray(R"({"profiles":[{"name":"a","kind":"mongo"}]})")
                              << QStringLiteral("profiles[0].kind");
        QTest::newRow("password")
            << QByteArray(R"({"profiles":[{"name":"a","kind":"mysql","password":"x"}]})")
            << QStringLiteral("profiles[0].password: passwords are kept in the system keychain");
        QTest::newRow("unknown") << QByteArray(
                                        R"({"profiles":[{"name":"a","kind":"redis","hots":"x"}]})")
                                 << QStringLiteral("profiles[0].hots: unknown key");
        QTest::newRow("twice")
            << QByteArray(
                   R"({"profiles":[{"name":"a","kind":"redis"},{"name":"a","kind":"kafka"}]})")
            << QStringLiteral("profiles[1].name");
    }
    void badFilesNameTheField() {
        QFETCH(QByteArray, json);
        QFETCH(QString, expected);
        const QString path = write(json.constData());
        std::string error;
        QVERIFY(!loadProfiles(path, error));
        QVERIFY2(QString::fromStdString(error).contains(expected), error.c_str());
        QVERIFY2(QString::fromStdString(error).startsWith(path), error.c_str());
    }

    void passwordsLiveInTheKeychain() {
        const ConnectionProfile p = profile("keychain-test", Kind::MySql, 3306);
        std::string error;
        QVERIFY2(storePassword(p, QStringLiteral("s3cret"), error), error.c_str());
        const auto read = readPassword(p, error);
        QVERIFY2(read, error.c_str());
        QCOMPARE(*read, QStringLiteral("s3cret"));
        QVERIFY2(deletePassword(p, error), error.c_str());
        QVERIFY(!readPassword(p, error));
        QVERIFY2(error.empty(), error.c_str());  // gone, not broken
    }

    // serve's and the console's admin token: in the keychain; one left in the old file moves
    // there (the file goes); a new one when there is none; the same one at every start.
    void theAdminTokenIsKeptInTheKeychain() {
        std::string error;
        QVERIFY(deleteSecret(QString::fromLatin1(http::kAdminTokenKey), error));
        const QString file = QString::fromStdString(http::defaultAdminTokenPath());
        QDir().mkpath(QFileInfo(file).absolutePath());
        QFile legacy(file);
        QVERIFY(legacy.open(QIODevice::WriteOnly | QIODevice::Truncate));
        legacy.write("legacy-token-0123456789abcdef\n");
        legacy.close();
        const auto moved = http::keptAdminToken(error);
        QVERIFY2(moved, error.c_str());
        QCOMPARE(moved->token, std::string("legacy-token-0123456789abcdef"));
        QCOMPARE(moved->where, std::string("the system keychain"));
        QVERIFY2(moved->note.find("moved from") != std::string::npos, moved->note.c_str());
        QVERIFY(!QFile::exists(file));
        QCOMPARE(readSecret(QString::fromLatin1(http::kAdminTokenKey), error)->toStdString(),
                 moved->token);
        const auto again = http::keptAdminToken(error);
        QVERIFY2(again, error.c_str());
        QCOMPARE(again->token, moved->token);
        QVERIFY(again->note.empty());
        QVERIFY(deleteSecret(QString::fromLatin1(http::kAdminTokenKey), error));
        const auto fresh = http::keptAdminToken(error);
        QVERIFY2(fresh, error.c_str());
        QCOMPARE(fresh->token.size(), std::size_t(48));
        QVERIFY(fresh->token != moved->token);
        QVERIFY(!QFile::exists(file));  // nothing in clear
        QCOMPARE(http::keptAdminToken(error)->token, fresh->token);
    }

    void redisInPlainWords() {
        test::RedisServer redis;
        QString error;
        QVERIFY2(redis.start(error), qPrintable(error));
        const CheckResult ok = checkConnection(profile("r", Kind::Redis, redis.port()), "");
        QVERIFY2(ok.ok && startsWith(ok.words, "OK: Redis 7"), ok.words.c_str());
        const CheckResult refused = checkConnection(profile("r", Kind::Redis, 1), "");
        QVERIFY2(!refused.ok && startsWith(refused.words, "refused:"), refused.words.c_str());
        // A password where the server has none is refused by the server: said as it is.
        const CheckResult auth = checkConnection(profile("r", Kind::Redis, redis.port()), "x");
        QVERIFY2(!auth.ok, auth.words.c_str());
    }

    void mysqlInPlainWords() {
        test::MariaDbServer server;
        QString error;
        QVERIFY2(server.start(error), qPrintable(error));
        ConnectionProfile p = profile("m", Kind::MySql, server.port());
        p.user = test::MariaDbServer::kUser;
        p.database = test::MariaDbServer::kDatabase;
        const CheckResult ok = checkConnection(p, test::MariaDbServer::kPassword);
        QVERIFY2(ok.ok && startsWith(ok.words, "OK: MySQL/MariaDB 10."), ok.words.c_str());
        const CheckResult auth = checkConnection(p, "Not-The-Pass-42");
        QVERIFY2(!auth.ok && startsWith(auth.words, "auth failed:"), auth.words.c_str());
        QVERIFY(auth.words.find("Not-The-Pass-42") == std::string::npos);  // never echoes it
        p.port = 1;
        const CheckResult refused = checkConnection(p, test::MariaDbServer::kPassword);
        QVERIFY2(!refused.ok && startsWith(refused.words, "refused:"), refused.words.c_str());
    }

    void kafkaInPlainWords() {
        std::string error;
        auto mock = backends::kafka::MockCluster::start(1, error);
        QVERIFY2(mock, error.c_str());
        ConnectionProfile p = profile("k", Kind::Kafka, 0);
        p.bootstrap = mock->bootstrap();
        const CheckResult ok = checkConnection(p, "");
        QVERIFY2(ok.ok && startsWith(ok.words, "OK: Kafka, 1 broker"), ok.words.c_str());
        p.securityProtocol = "ssl";
        const CheckResult tls = checkConnection(p, "");
        QVERIFY2(
            !tls.ok && (startsWith(tls.words, "TLS error:") || startsWith(tls.words, "timeout:")),
            tls.words.c_str());
        p.securityProtocol.clear();
        p.bootstrap = "127.0.0.1:1";
        const CheckResult refused = checkConnection(p, "");
        QVERIFY2(!refused.ok && startsWith(refused.words, "refused:"), refused.words.c_str());
    }

    // The CLI: --profile stands for --redis (with the password from the keychain), and
    // `profiles test` answers in the same words.
    void cliUsesProfiles() {
        test::RedisServer redis;
        redis.extraArgs = {QStringLiteral("--requirepass"), QStringLiteral("pr0file-pw")};
        QString error;
        QVERIFY2(redis.start(error), qPrintable(error));
        const QString path = m_dir.filePath(QStringLiteral("cli.json"));
        std::string e;
        const ConnectionProfile shared = profile("shared", Kind::Redis, redis.port());
        QVERIFY(saveProfiles(path, {shared}, e));
        // No password stored yet: the run is refused, in plain words.
        QProcess noPassword;
        noPassword.start(
            QStringLiteral(STAMPEDE_CLI_PATH),
            {QStringLiteral("run"),
             QStringLiteral(STAMPEDE_SOURCE_DIR "/simulations/seed-003.json"),
             QStringLiteral("--guard"), QStringLiteral("redis-lua"), QStringLiteral("--profile"),
             QStringLiteral("shared"), QStringLiteral("--profiles"), path});
        QVERIFY(noPassword.waitForFinished(20000));
        QCOMPARE(noPassword.exitCode(), 2);
        QVERIFY2(noPassword.readAllStandardError().contains("auth failed"), "no auth error");
        QVERIFY2(storePassword(shared, QStringLiteral("pr0file-pw"), e), e.c_str());
        QProcess test;
        test.start(QStringLiteral(STAMPEDE_CLI_PATH),
                   {QStringLiteral("profiles"), QStringLiteral("test"), QStringLiteral("shared"),
                    QStringLiteral("--profiles"), path});
        QVERIFY(test.waitForFinished(20000));
        QCOMPARE(test.exitCode(), 0);
        QVERIFY(test.readAllStandardOutput().contains("shared: OK: Redis"));
        QProcess run;
        run.start(
            QStringLiteral(STAMPEDE_CLI_PATH),
            {QStringLiteral("run"),
             QStringLiteral(STAMPEDE_SOURCE_DIR "/simulations/seed-003.json"),
             QStringLiteral("--guard"), QStringLiteral("redis-lua"), QStringLiteral("--profile"),
             QStringLiteral("shared"), QStringLiteral("--profiles"), path, QStringLiteral("--pace"),
             QStringLiteral("asap"), QStringLiteral("--json"), QStringLiteral("-"),
             QStringLiteral("--quiet")});
        QVERIFY(run.waitForFinished(60000));
        QCOMPARE(run.exitCode(), 0);
        QVERIFY(run.readAllStandardOutput().contains("\"issued\": 100"));
        QProcess unknown;
        unknown.start(QStringLiteral(STAMPEDE_CLI_PATH),
                      {QStringLiteral("run"),
                       QStringLiteral(STAMPEDE_SOURCE_DIR "/simulations/seed-003.json"),
                       QStringLiteral("--profile"), QStringLiteral("nope"),
                       QStringLiteral("--profiles"), path});
        QVERIFY(unknown.waitForFinished(20000));
        QCOMPARE(unknown.exitCode(), 2);
        QVERIFY(unknown.readAllStandardError().contains("no profile 'nope'"));
        QVERIFY2(deletePassword(shared, e), e.c_str());
    }
};

QTEST_GUILESS_MAIN(TestProfiles)
#include "tst_profiles.moc"
