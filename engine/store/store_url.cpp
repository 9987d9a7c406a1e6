#include "store/store_url.h"

#include <QDir>
#include <QSqlDatabase>
#include <QStandardPaths>

#include <charconv>

namespace stampede::store {

std::string StoreUrl::toString() const {
    if (kind == Kind::Sqlite) return "sqlite://" + path;
    return "mysql://" + user + "@" + host + ":" + std::to_string(port) + "/" + database;
}

std::optional<StoreUrl> parseStoreUrl(const std::string& text, std::string& error) {
    StoreUrl url;
    if (text.rfind("sqlite://", 0) == 0) {
        url.kind = StoreUrl::Kind::Sqlite;
        url.path = text.substr(9);
        if (url.path.empty() || url.path.front() != '/') {
            error = "store URL '" + text +
                    "': sqlite needs an absolute path (sqlite:///path/to/file.db)";
            return std::nullopt;
        }
        return url;
    }
    if (text.rfind("mysql://", 0) != 0) {
        error =
            "store URL '" + text + "': expected sqlite:///PATH or mysql://USER@HOST:PORT/DATABASE";
        return std::nullopt;
    }
    url.kind = StoreUrl::Kind::MySql;
    const std::string rest = text.substr(8);
    const auto at = rest.find('@');
    const auto slash = rest.find('/', at == std::string::npos ? 0 : at);
    if (at == std::string::npos || at == 0 || slash == std::string::npos) {
        error = "store URL '" + text + "': expected mysql://USER@HOST:PORT/DATABASE";
        return std::nullopt;
    }
    url.user = rest.substr(0, at);
    if (url.user.find(':') != std::string::npos) {
        error = "store URL: a password does not belong in the URL; set STAMPEDE_MYSQL_PASSWORD";
        return std::nullopt;
    }
    std::string hostPort = rest.substr(at + 1, slash - at - 1);
    url.database = rest.substr(slash + 1);
    if (const auto colon = hostPort.rfind(':'); colon != std::string::npos) {
        const std::string port = hostPort.substr(colon + 1);
        int value = 0;
        const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
        if (ec != std::errc() || end != port.data() + port.size() || value < 1 || value > 65535) {
            error = "store URL '" + text + "': port '" + port + "' is not a number in 1..65535";
            return std::nullopt;
        }
        url.port = value;
        hostPort.resize(colon);
    }
    url.host = hostPort;
    if (url.host.empty() || url.database.empty()) {
        error = "store URL '" + text + "': host and database must not be empty";
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
    db.setPassword(qEnvironmentVariable("STAMPEDE_MYSQL_PASSWORD"));
    db.setConnectOptions(QStringLiteral("MYSQL_OPT_CONNECT_TIMEOUT=%1;MYSQL_OPT_READ_TIMEOUT=%2;"
                                        "MYSQL_OPT_WRITE_TIMEOUT=%2")
                             .arg(connectTimeoutS)
                             .arg(readWriteTimeoutS));
}

StoreUrl defaultStoreUrl() {
    StoreUrl url;
    const QString dir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    url.path = QDir(dir).filePath(QStringLiteral("stampede.db")).toStdString();
    return url;
}

}  // namespace stampede::store
