#include "stampede/live/live_systems.h"

#include <random>

#include "core/endpoint_url.h"
#include "stampede/profiles/keychain.h"

namespace stampede::live {
namespace {

std::string env(const QProcessEnvironment& e, const char* name) {
    return e.value(QString::fromLatin1(name)).toStdString();
}

// `what` names the source in errors: "--mysql", "STAMPEDE_MYSQL", "profile db1".
std::optional<store::StoreUrl> parseMySql(const std::string& text, const std::string& what,
                                          std::string& error) {
    auto url = store::parseStoreUrl(text, error);
    if (url && url->kind != store::StoreUrl::Kind::MySql) {
        error = "expected mysql://USER@HOST:PORT/DB, got '" + text + "'";
        url.reset();
    }
    if (!url) error = what + ": " + error;
    return url;
}

bool parseKafkaBootstrap(const std::string& text, const std::string& what,
                         backends::kafka::KafkaSettings& kafka, std::string& error) {
    const auto hosts = core::parseHostList(text, error);
    if (!hosts) {
        error = what + ": " + error;
        return false;
    }
    kafka.bootstrap = core::joinHostList(*hosts);
    return true;
}

bool parseStore(const std::string& text, const std::string& what, const QProcessEnvironment& e,
                LiveSystems& out, std::string& error) {
    auto url = store::parseStoreUrl(text, error);
    if (!url) {
        error = what + ": " + error;
        return false;
    }
    if (url->kind == store::StoreUrl::Kind::MySql)
        url->password = env(e, "STAMPEDE_MYSQL_PASSWORD");
    out.store = std::move(url);
    out.storeSource = what;
    return true;
}

}  // namespace

std::optional<LiveSystems> fromCommandLine(const LiveFlags& f, const QProcessEnvironment& e,
                                           std::string& error) {
    LiveSystems out;
    out.redisPassword = env(e, "STAMPEDE_REDIS_PASSWORD");
    out.mysqlPassword = env(e, "STAMPEDE_MYSQL_PASSWORD");
    if (f.redis) {
        out.redis = backends::redis::parseRedisUrl(*f.redis, error);
        if (!out.redis) {
            error = "--redis: " + error;
            return std::nullopt;
        }
        out.redis->password = env(e, "STAMPEDE_REDIS_PASSWORD");
        out.redisSource = "--redis";
    }
    if (f.mysql) {
        out.mysql = parseMySql(*f.mysql, "--mysql", error);
        if (!out.mysql) return std::nullopt;
        out.mysql->password = env(e, "STAMPEDE_MYSQL_PASSWORD");
        out.mysqlSource = "--mysql";
    }
    auto& k = out.kafka;
    if (f.kafka) {
        if (!parseKafkaBootstrap(*f.kafka, "--kafka", k, error)) return std::nullopt;
        out.kafkaSource = "--kafka";
    }
    if (f.kafkaLead) k.leadBoundPerPartition = *f.kafkaLead;
    if (f.commitIntervalMs) k.commitIntervalMs = int(*f.commitIntervalMs);
    if (f.kafkaSecurity) k.securityProtocol = *f.kafkaSecurity;
    if (f.kafkaCa) k.caFile = *f.kafkaCa;
    if (f.kafkaTopicPrefix) k.topicPrefix = *f.kafkaTopicPrefix;
    if (f.kafkaTopic) k.requestsTopic = *f.kafkaTopic;
    k.joinGroup = f.joinGroup;
    if (f.cluster) {
        k.cluster = *f.cluster;  // the transport checks it as a part of its topics' names
        // This process's origin in the shared run: drawn here, so that the front end can say
        // it with the request ids it hands out. Never 0 (a run of one).
        std::random_device random;
        while (k.origin == 0) k.origin = random();
        k.joinGroup = true;  // its workers are elsewhere
    }
    if (f.store && !parseStore(*f.store, "--store", e, out, error)) return std::nullopt;
    if (f.profileNames.empty()) return out;
    const QString path =
        f.profilesFile ? QString::fromStdString(*f.profilesFile) : profiles::defaultProfilesPath();
    const auto chosen = resolveProfiles(f.profileNames, path, error);
    if (!chosen) {
        error = "--profile: " + error;
        return std::nullopt;
    }
    return withProfiles(std::move(out), *chosen, error);
}

LiveSystems fromEnvironment(const QProcessEnvironment& e, std::vector<std::string>& problems) {
    LiveSystems out;
    std::string error;
    out.redisPassword = env(e, "STAMPEDE_REDIS_PASSWORD");
    out.mysqlPassword = env(e, "STAMPEDE_MYSQL_PASSWORD");
    if (const std::string redis = env(e, "STAMPEDE_REDIS"); !redis.empty()) {
        out.redis = backends::redis::parseRedisUrl(redis, error);
        if (out.redis) {
            out.redis->password = env(e, "STAMPEDE_REDIS_PASSWORD");
            out.redisSource = "STAMPEDE_REDIS";
        } else {
            problems.push_back("STAMPEDE_REDIS: " + error);
        }
    }
    if (const std::string mysql = env(e, "STAMPEDE_MYSQL"); !mysql.empty()) {
        out.mysql = parseMySql(mysql, "STAMPEDE_MYSQL", error);
        if (out.mysql) {
            out.mysql->password = env(e, "STAMPEDE_MYSQL_PASSWORD");
            out.mysqlSource = "STAMPEDE_MYSQL";
        } else {
            problems.push_back(error);
        }
    }
    if (const std::string kafka = env(e, "STAMPEDE_KAFKA"); !kafka.empty()) {
        if (parseKafkaBootstrap(kafka, "STAMPEDE_KAFKA", out.kafka, error))
            out.kafkaSource = "STAMPEDE_KAFKA";
        else
            problems.push_back(error);
    }
    if (const std::string prefix = env(e, "STAMPEDE_KAFKA_TOPIC_PREFIX"); !prefix.empty())
        out.kafka.topicPrefix = prefix;
    out.kafka.requestsTopic = env(e, "STAMPEDE_KAFKA_TOPIC");
    const std::string storeText = env(e, "STAMPEDE_STORE");
    if (storeText == "none") return out;
    if (storeText.empty()) {
        out.store = store::defaultStoreUrl();
        out.storeSource = "default";
    } else if (!parseStore(storeText, "STAMPEDE_STORE", e, out, error)) {
        problems.push_back(error);
    }
    return out;
}

std::optional<std::vector<ResolvedProfile>> resolveProfiles(const std::vector<std::string>& names,
                                                            const QString& path,
                                                            std::string& error) {
    const auto all = profiles::loadProfiles(path, error);
    if (!all) return std::nullopt;
    std::vector<ResolvedProfile> chosen;
    for (const std::string& name : names) {
        const profiles::ConnectionProfile* p = profiles::findProfile(*all, name);
        if (!p) {
            error = "no profile '" + name + "' in " + path.toStdString();
            return std::nullopt;
        }
        std::string why;
        const auto password = profiles::readPassword(*p, why);
        if (!why.empty()) {
            error = "profile " + name + ": " + why;
            return std::nullopt;
        }
        chosen.push_back({*p, password ? std::optional(password->toStdString()) : std::nullopt});
    }
    return chosen;
}

std::optional<LiveSystems> withProfiles(LiveSystems out, const std::vector<ResolvedProfile>& chosen,
                                        std::string& error) {
    for (const auto& [p, password] : chosen) {
        const std::string what = "profile " + p.name;
        switch (p.kind) {
            case profiles::Kind::Redis: {
                const std::string kept = out.redis ? out.redis->password : out.redisPassword;
                out.redis = backends::redis::parseRedisUrl(p.url(), error);
                if (!out.redis) {
                    error = what + ": " + error;
                    return std::nullopt;
                }
                out.redis->password = password.value_or(kept);
                out.redis->tls = p.tls;
                out.redisSource = what;
                break;
            }
            case profiles::Kind::MySql: {
                const std::string kept = out.mysql ? out.mysql->password : out.mysqlPassword;
                out.mysql = parseMySql(p.url(), what, error);
                if (!out.mysql) return std::nullopt;
                out.mysql->password = password.value_or(kept);
                out.mysql->tls = p.tls;
                out.mysql->caFile = p.caFile;
                out.mysqlSource = what;
                break;
            }
            case profiles::Kind::Kafka:
                if (!parseKafkaBootstrap(p.url(), what, out.kafka, error)) return std::nullopt;
                if (!p.securityProtocol.empty()) out.kafka.securityProtocol = p.securityProtocol;
                if (!p.caFile.empty()) out.kafka.caFile = p.caFile;
                out.kafkaSource = what;
                break;
        }
    }
    return out;
}

std::vector<std::string> describe(const LiveSystems& s) {
    std::vector<std::string> lines;
    if (s.redis) lines.push_back("redis " + s.redis->toString() + " (" + s.redisSource + ")");
    if (s.mysql) lines.push_back("mysql " + s.mysql->toString() + " (" + s.mysqlSource + ")");
    lines.push_back("kafka " + (s.kafka.bootstrap.empty()
                                    ? std::string("embedded mock cluster")
                                    : s.kafka.bootstrap + " (" + s.kafkaSource + ")"));
    if (s.store) lines.push_back("store " + s.store->toString() + " (" + s.storeSource + ")");
    return lines;
}

}  // namespace stampede::live
