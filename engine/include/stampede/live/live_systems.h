#pragma once
// The live systems of a run, as one value: where Redis, MySQL/MariaDB, Kafka and the store are,
// over TLS or not, and with which credentials. Credentials travel in this value, never through
// environment variables the program sets for itself. Built by exactly one function from each
// source: the command line (fromCommandLine), the environment (fromEnvironment) and connection
// profiles (withProfiles). Every front end (CLI, console, compare lanes, replay, serve) turns it
// into a running engine through live/start_options.h.

#include <QProcessEnvironment>

#include <optional>
#include <string>
#include <vector>

#include "stampede/backends/kafka/kafka_settings.h"
#include "stampede/backends/redis/redis_url.h"
#include "stampede/profiles/connection_profile.h"
#include "stampede/store/store_url.h"

namespace stampede::live {

struct LiveSystems {
    // Unset: the redis-* and mysql-* guards are refused with what to configure.
    std::optional<backends::redis::RedisUrl> redis;
    std::optional<store::StoreUrl> mysql;
    // STAMPEDE_REDIS_PASSWORD and STAMPEDE_MYSQL_PASSWORD, for a server that a profile names
    // later without a password in the keychain.
    std::string redisPassword, mysqlPassword;
    // An empty bootstrap is librdkafka's mock cluster, started in the process.
    backends::kafka::KafkaSettings kafka;
    // Where runs are persisted; unset: they are not.
    std::optional<store::StoreUrl> store;
    // Where each came from, in words for the operator ("--redis", "STAMPEDE_MYSQL", "profile
    // prod-redis"); empty when not configured.
    std::string redisSource, mysqlSource, kafkaSource, storeSource;
};

// The command line's words for the live systems. Flags the caller did not get stay unset.
struct LiveFlags {
    std::optional<std::string> redis, mysql, kafka, kafkaSecurity, kafkaCa, kafkaTopicPrefix,
        kafkaTopic, store;
    std::optional<std::string> cluster;  // serve --cluster: one run shared by several ingresses
    std::optional<long long> kafkaLead, commitIntervalMs;
    bool joinGroup = false;                 // --local-workers: others may share the partitions
    std::vector<std::string> profileNames;  // --profile, in order
    std::optional<std::string> profilesFile;
};

// From the command line; passwords from STAMPEDE_REDIS_PASSWORD and STAMPEDE_MYSQL_PASSWORD of
// `env` (never from a flag), then each --profile (its keychain password wins over the
// environment's). nullopt with `error` naming the flag, the profile or the file.
std::optional<LiveSystems> fromCommandLine(const LiveFlags& flags, const QProcessEnvironment& env,
                                           std::string& error);

// The console's: STAMPEDE_REDIS (+_PASSWORD), STAMPEDE_MYSQL (+_PASSWORD), STAMPEDE_KAFKA,
// STAMPEDE_KAFKA_TOPIC_PREFIX, STAMPEDE_KAFKA_TOPIC and STAMPEDE_STORE (a URL, or "none"; unset:
// the embedded SQLite file). A malformed value leaves its system unset and adds a line to
// `problems`, so the rest still works.
LiveSystems fromEnvironment(const QProcessEnvironment& env, std::vector<std::string>& problems);

// A connection profile with its password as the keychain gave it (none: the keychain has none).
struct ResolvedProfile {
    profiles::ConnectionProfile profile;
    std::optional<std::string> password;
};

// The profiles named in `names`, from the profiles file at `path`, with their keychain passwords.
// Reads the system keychain: call on a thread with a Qt event dispatcher. nullopt with `error`
// naming the profile that is not there, the file, or the keychain's failure.
std::optional<std::vector<ResolvedProfile>> resolveProfiles(const std::vector<std::string>& names,
                                                            const QString& path,
                                                            std::string& error);

// `base` with each profile in force: its endpoint, TLS settings and password (when it has one;
// otherwise the password `base` had for that system stays). nullopt with `error` naming the
// profile.
std::optional<LiveSystems> withProfiles(LiveSystems base,
                                        const std::vector<ResolvedProfile>& chosen,
                                        std::string& error);

// One line per configured system, safe to show (no password): "redis redis://… (--redis)".
std::vector<std::string> describe(const LiveSystems& systems);

}  // namespace stampede::live
