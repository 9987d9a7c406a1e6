#include "stampede/profiles/connection_check.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QUuid>

#include <hiredis/hiredis.h>

#include <mutex>

#include "backends/kafka/kafka_common.h"

namespace stampede::profiles {

namespace {
constexpr int kTimeoutS = 3;

bool has(const std::string& text, const char* needle) {
    return text.find(needle) != std::string::npos;
}

// The first words say what happened; the rest is the system's own message.
std::string classify(const std::string& message, const std::string& where) {
    if (has(message, "without any password configured"))
        return "auth failed: the server has no password; leave the password empty";
    if (has(message, "Access denied") || has(message, "WRONGPASS") ||
        has(message, "invalid password") || has(message, "NOAUTH") ||
        has(message, "Authentication") || has(message, "SASL"))
        return "auth failed: wrong user or password (" + message + ")";
    if (has(message, "SSL") || has(message, "TLS") || has(message, "certificate"))
        return "TLS error: " + message;
    if (has(message, "refused") || has(message, "(111)") || has(message, "Connection refused"))
        return "refused: nothing listens on " + where;
    if (has(message, "timed out") || has(message, "Timeout") || has(message, "(110)") ||
        has(message, "Resource temporarily unavailable"))
        return "timeout: " + where + " did not answer within " + std::to_string(kTimeoutS) + " s";
    if (has(message, "Can't connect"))  // the client's other errno: refused at once
        return "refused: nothing listens on " + where + " (" + message + ")";
    return "failed: " + message;
}

CheckResult checkRedis(const ConnectionProfile& p, const std::string& password) {
    const std::string where = p.host + ":" + std::to_string(p.effectivePort());
    if (p.tls) return {false, "TLS error: this build talks to Redis without TLS"};
    const timeval timeout{kTimeoutS, 0};
    redisContext* ctx = redisConnectWithTimeout(p.host.c_str(), p.effectivePort(), timeout);
    if (!ctx) return {false, "failed: cannot allocate a connection"};
    CheckResult result;
    auto command = [&](const char* format, auto... args) {
        return static_cast<redisReply*>(redisCommand(ctx, format, args...));
    };
    if (ctx->err) {
        result.words = classify(ctx->errstr, where);
    } else {
        redisSetTimeout(ctx, timeout);
        redisReply* auth = nullptr;
        if (!password.empty())
            auth = p.user.empty() ? command("AUTH %s", password.c_str())
                                  : command("AUTH %s %s", p.user.c_str(), password.c_str());
        if (auth && auth->type == REDIS_REPLY_ERROR) {
            result.words = classify(auth->str, where);
        } else if (redisReply* info = command("INFO server"); !info) {
            result.words = classify(ctx->errstr[0] ? ctx->errstr : "timed out", where);
        } else {
            const std::string text = info->type == REDIS_REPLY_STRING ? info->str : "";
            if (info->type == REDIS_REPLY_ERROR) {
                result.words = classify(info->str, where);
            } else {
                const auto at = text.find("redis_version:");
                const std::string version =
                    at == std::string::npos ? "?"
                                            : text.substr(at + 14, text.find('\r', at) - at - 14);
                result = {true, "OK: Redis " + version + " at " + where};
            }
            freeReplyObject(info);
        }
        if (auth) freeReplyObject(auth);
    }
    redisFree(ctx);
    return result;
}

CheckResult checkMySql(const ConnectionProfile& p, const std::string& password) {
    const std::string where = p.host + ":" + std::to_string(p.effectivePort());
    const QString name = QStringLiteral("stampede-check-") + QUuid::createUuid().toString();
    CheckResult result;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QMYSQL"), name);
        if (!db.isValid()) return {false, "failed: the Qt MySQL driver (QMYSQL) is not installed"};
        db.setHostName(QString::fromStdString(p.host));
        db.setPort(p.effectivePort());
        db.setUserName(QString::fromStdString(p.user));
        db.setPassword(QString::fromStdString(password));
        db.setDatabaseName(QString::fromStdString(p.database));
        QString options =
            QStringLiteral("MYSQL_OPT_CONNECT_TIMEOUT=%1;MYSQL_OPT_READ_TIMEOUT=%1").arg(kTimeoutS);
        if (p.tls)
            options += QStringLiteral(";SSL_CA=") +
                       QString::fromStdString(
                           p.caFile.empty() ? "/etc/ssl/certs/ca-certificates.crt" : p.caFile);
        db.setConnectOptions(options);
        if (!db.open()) {
            result.words = classify(db.lastError().text().toStdString(), where);
        } else {
            QSqlQuery q(db);
            q.exec(QStringLiteral("SELECT VERSION()"));
            result = {true, "OK: MySQL/MariaDB " +
                                (q.next() ? q.value(0).toString().toStdString() : "?") + " at " +
                                where + ", database " + p.database};
        }
    }
    QSqlDatabase::removeDatabase(name);
    return result;
}

struct KafkaErrors {
    std::mutex mutex;
    std::string last;
};

void rememberError(rd_kafka_t*, int, const char* reason, void* opaque) {
    auto* errors = static_cast<KafkaErrors*>(opaque);
    std::lock_guard lock(errors->mutex);
    // Every reason counts: "all brokers are down" often comes after "connection refused".
    if (errors->last.size() < 2000) errors->last += std::string(reason) + "; ";
}

// librdkafka says why a connection failed in its log ("Connection refused", "SSL handshake
// failed"), from its own threads.
void rememberLog(const rd_kafka_t* rk, int level, const char*, const char* message) {
    if (level <= 4) rememberError(nullptr, 0, message, rd_kafka_opaque(rk));
}

CheckResult checkKafka(const ConnectionProfile& p, const std::string& password) {
    backends::kafka::KafkaSettings settings;
    settings.bootstrap = p.url();
    settings.securityProtocol = p.securityProtocol.empty() && p.tls ? "ssl" : p.securityProtocol;
    settings.caFile = p.caFile;
    settings.socketTimeoutMs = kTimeoutS * 1000;
    KafkaErrors errors;
    backends::kafka::Config config;
    config.connection(settings);
    if (!p.user.empty())
        config.set("sasl.mechanisms", "PLAIN")
            .set("sasl.username", p.user)
            .set("sasl.password", password);
    rd_kafka_conf_set_opaque(config.raw(), &errors);
    rd_kafka_conf_set_error_cb(config.raw(), rememberError);
    rd_kafka_conf_set_log_cb(config.raw(), rememberLog);
    std::string error;
    rd_kafka_t* rk = config.create(RD_KAFKA_PRODUCER, error);
    if (!rk) return {false, "failed: " + error};
    const rd_kafka_metadata_t* metadata = nullptr;
    const rd_kafka_resp_err_t err = rd_kafka_metadata(rk, 0, nullptr, &metadata, kTimeoutS * 1000);
    CheckResult result;
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        result = {true, "OK: Kafka, " + std::to_string(metadata->broker_cnt) + " broker(s) at " +
                            settings.bootstrap};
        rd_kafka_metadata_destroy(metadata);
    } else {
        rd_kafka_poll(rk, 0);  // serves the error callbacks
        std::lock_guard lock(errors.mutex);
        result.words =
            classify(errors.last.empty() ? rd_kafka_err2str(err) : errors.last, settings.bootstrap);
    }
    rd_kafka_destroy(rk);
    return result;
}
}  // namespace

CheckResult checkConnection(const ConnectionProfile& profile, const std::string& password) {
    switch (profile.kind) {
        case Kind::Redis:
            return checkRedis(profile, password);
        case Kind::MySql:
            return checkMySql(profile, password);
        case Kind::Kafka:
            return checkKafka(profile, password);
    }
    return {};
}

}  // namespace stampede::profiles
