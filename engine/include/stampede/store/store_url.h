#pragma once
// Where a store lives: sqlite:///path/to/file.db or mysql://user@host:port/database. The MySQL
// password is never part of the URL: it travels beside it in `password`, filled by whoever built
// the value (the wiring layer, live/: STAMPEDE_MYSQL_PASSWORD or a profile's keychain entry), so
// it never reaches logs or the process list.

#include <QString>

#include <optional>
#include <string>

namespace stampede::store {

struct StoreUrl {
    enum class Kind { Sqlite, MySql } kind = Kind::Sqlite;
    std::string path;                  // sqlite: the database file
    std::string user, host, database;  // mysql
    int port = 3306;
    std::string password;  // mysql; never printed
    bool tls = false;      // mysql: TLS, checked against caFile when given
    std::string caFile;

    // The URL as given, safe to print (it never holds a password).
    std::string toString() const;
};

// Parses a store URL; on error returns nullopt with `error` naming the part that is wrong. The
// password is left empty.
std::optional<StoreUrl> parseStoreUrl(const std::string& text, std::string& error);
// The embedded default: stampede.db in defaultDataFolder(), the same file for the console and
// the CLI.
StoreUrl defaultStoreUrl();
// Stampede's data folder: "stampede" in the user's generic data folder (~/.local/share/stampede).
QString defaultDataFolder();

// Registers (does not open) a QMYSQL connection named `connection` for `url`, with its password,
// with connect/read/write timeouts in seconds so that an unreachable or
// hung server is an error, never a hang. The store and the MySQL guards share it.
void addMySqlConnection(const StoreUrl& url, const QString& connection, int connectTimeoutS,
                        int readWriteTimeoutS);

}  // namespace stampede::store
