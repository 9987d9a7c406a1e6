#pragma once
// Connection profiles: where the live systems are (Redis, MySQL/MariaDB, Kafka), named, kept in
// one JSON file the console and the CLI share. Passwords never go into that file (a "password"
// key is refused): they live in the system keychain (keychain.h).

#include <QString>

#include <optional>
#include <string>
#include <vector>

namespace stampede::profiles {

enum class Kind { Redis, MySql, Kafka };
std::string_view toString(Kind kind);  // "redis" | "mysql" | "kafka"
std::optional<Kind> parseKind(std::string_view text);

struct ConnectionProfile {
    std::string name;
    Kind kind = Kind::Redis;
    std::string host = "127.0.0.1";
    int port = 0;  // 0: the kind's default (6379, 3306, 9092)
    std::string user;
    std::string database;
    bool tls = false;
    std::string caFile;
    std::string bootstrap;         // Kafka: HOST:PORT,... (empty: host and port)
    std::string securityProtocol;  // Kafka: plaintext, ssl, sasl_plaintext, sasl_ssl

    int effectivePort() const;
    // What the backends take: redis://HOST:PORT/DB, mysql://USER@HOST:PORT/DB, or the bootstrap.
    std::string url() const;
};

// The profiles file: STAMPEDE_PROFILES, or profiles.json in the user's config folder.
QString defaultProfilesPath();

// A missing file is an empty list. Errors name the file and the field ("profiles[1].port").
std::optional<std::vector<ConnectionProfile>> loadProfiles(const QString& path, std::string& error);
bool saveProfiles(const QString& path, const std::vector<ConnectionProfile>& profiles,
                  std::string& error);
const ConnectionProfile* findProfile(const std::vector<ConnectionProfile>& profiles,
                                     const std::string& name);

}  // namespace stampede::profiles
