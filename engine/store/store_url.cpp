#include "stampede/store/store_url.h"

#include <QDir>
#include <QSqlDatabase>
#include <QStandardPaths>

#include "core/endpoint_url.h"

namespace stampede::store {

std::string StoreUrl::toString() const {
    if (kind == Kind::Sqlite) return "sqlite://" + path;
    return "mysql://" + user + "@" + core::hostInUrl(host) + ":" + std::to_string(port) + "/" +
           database;
}

std::optional<StoreUrl> parseStoreUrl(const std::string& text, std::string& error) {
    StoreUrl url;
    if (text.rfind("sqlite:", 0) == 0) {
        const auto parsed = core::parseEndpointUrl(text, "sqlite", "", error);
        if (!parsed) return std::nullopt;
        if (!parsed->host.empty() || parsed->path.empty() || parsed->path.front() != '/') {
            error = "store URL '" + text +
                    "': sqlite needs an absolute path (sqlite:///path/to/file.db)";
            return std::nullopt;
        }
        url.kind = StoreUrl::Kind::Sqlite;
        url.path = parsed->path;
        return url;
    }
    if (text.rfind("mysql:", 0) != 0) {
        error =
            "store URL '" + text + "': expected sqlite:///PATH or mysql://USER@HOST:PORT/DATABASE";
        return std::nullopt;
    }
    const auto parsed = core::parseEndpointUrl(
        text, "mysql", "set STAMPEDE_MYSQL_PASSWORD (or keep it in a profile's keychain entry)",
        error);
    if (!parsed) return std::nullopt;
    url.kind = StoreUrl::Kind::MySql;
    url.user = parsed->user;
    url.host = parsed->host;
    if (parsed->port != 0) url.port = parsed->port;
    url.database = parsed->path.empty() ? std::string() : parsed->path.substr(1);
    if (url.user.empty() || url.host.empty() || url.database.empty() ||
        url.database.find('/') != std::string::npos) {
        error = "store URL '" + text + "': expected mysql://USER@HOST:PORT/DATABASE";
        return std::nullopt;
    }
    return url;
}

void addMySqlConnection(const StoreUrl& url, const QString& connection, int connectTimeoutS,
                        int readWriteTimeoutS) {
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QMYSQL"), connection);
    db.setHostName(QString::fromStdString(url.host));
    db.setPort(url.port);
    db.setUserName(QString::fromStdString(url.user));
    db.setDatabaseName(QString::fromStdString(url.database));
    db.setPassword(QString::fromStdString(url.password));
    QString options = QStringLiteral(
                          "MYSQL_OPT_CONNECT_TIMEOUT=%1;MYSQL_OPT_READ_TIMEOUT=%2;"
                          "MYSQL_OPT_WRITE_TIMEOUT=%2")
                          .arg(connectTimeoutS)
                          .arg(readWriteTimeoutS);
    if (url.tls)
        options += QStringLiteral(";SSL_CA=") +
                   QString::fromStdString(url.caFile.empty() ? "/etc/ssl/certs/ca-certificates.crt"
                                                             : url.caFile);
    db.setConnectOptions(options);
}

// One folder for every front end, whatever its application and organisation names (the console's
// "Stampede/Stampede" and the CLI's "stampede" gave two stores, so the CLI never saw the
// console's dead letters): <generic data folder>/stampede, e.g. ~/.local/share/stampede.
QString defaultDataFolder() {
    return QDir(QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation))
        .filePath(QStringLiteral("stampede"));
}

StoreUrl defaultStoreUrl() {
    StoreUrl url;
    url.path = QDir(defaultDataFolder()).filePath(QStringLiteral("stampede.db")).toStdString();
    return url;
}

}  // namespace stampede::store
