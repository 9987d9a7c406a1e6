#include "stampede/profiles/connection_profile.h"

#include "core/endpoint_url.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QStandardPaths>

namespace stampede::profiles {

std::string_view toString(Kind kind) {
    switch (kind) {
        case Kind::Redis:
            return "redis";
        case Kind::MySql:
            return "mysql";
        case Kind::Kafka:
            return "kafka";
    }
    return "redis";
}

std::optional<Kind> parseKind(std::string_view text) {
    for (Kind k : {Kind::Redis, Kind::MySql, Kind::Kafka})
        if (toString(k) == text) return k;
    return std::nullopt;
}

int ConnectionProfile::effectivePort() const {
    if (port > 0) return port;
    switch (kind) {
        case Kind::Redis:
            return 6379;
        case Kind::MySql:
            return 3306;
        case Kind::Kafka:
            return 9092;
    }
    return 0;
}

std::string ConnectionProfile::url() const {
    const std::string hostPort = core::hostInUrl(host) + ":" + std::to_string(effectivePort());
    switch (kind) {
        case Kind::Redis:
            return "redis://" + (user.empty() ? "" : user + "@") + hostPort +
                   (database.empty() ? "" : "/" + database);
        case Kind::MySql:
            return "mysql://" + user + "@" + hostPort + "/" + database;
        case Kind::Kafka:
            return bootstrap.empty() ? hostPort : bootstrap;
    }
    return {};
}

QString defaultProfilesPath() {
    const QString fromEnv = qEnvironmentVariable("STAMPEDE_PROFILES");
    if (!fromEnv.isEmpty()) return fromEnv;
    return QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation) +
           QStringLiteral("/stampede/profiles.json");
}

namespace {
const QStringList kKeys = {QStringLiteral("name"),      QStringLiteral("kind"),
                           QStringLiteral("host"),      QStringLiteral("port"),
                           QStringLiteral("user"),      QStringLiteral("database"),
                           QStringLiteral("tls"),       QStringLiteral("ca_file"),
                           QStringLiteral("bootstrap"), QStringLiteral("security_protocol")};
}  // namespace

std::optional<std::vector<ConnectionProfile>> loadProfiles(const QString& path,
                                                           std::string& error) {
    std::vector<ConnectionProfile> out;
    QFile file(path);
    if (!file.exists()) return out;
    const std::string where = path.toStdString();
    if (!file.open(QIODevice::ReadOnly)) {
        error = where + ": cannot read: " + file.errorString().toStdString();
        return std::nullopt;
    }
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        error = where + ": not JSON at offset " + std::to_string(parseError.offset) + ": " +
                parseError.errorString().toStdString();
        return std::nullopt;
    }
    const QJsonValue list = doc.object().value(QStringLiteral("profiles"));
    if (!doc.isObject() || !list.isArray()) {
        error = where + ": expected {\"profiles\": [...]}";
        return std::nullopt;
    }
    const QJsonArray array = list.toArray();
    for (qsizetype i = 0; i < array.size(); ++i) {
        const std::string field = "profiles[" + std::to_string(i) + "]";
        const QJsonObject o = array[i].toObject();
        auto fail = [&](const std::string& key, const std::string& why) {
            error = where + ": " + field + (key.empty() ? "" : "." + key) + ": " + why;
            return std::nullopt;
        };
        if (!array[i].isObject()) return fail("", "expected an object");
        for (auto it = o.begin(); it != o.end(); ++it) {
            if (it.key() == QStringLiteral("password"))
                return fail("password",
                            "passwords are kept in the system keychain, never in "
                            "this file (stampede-cli profiles set-password NAME)");
            if (!kKeys.contains(it.key())) return fail(it.key().toStdString(), "unknown key");
        }
        ConnectionProfile p;
        p.name = o.value(QStringLiteral("name")).toString().toStdString();
        if (p.name.empty()) return fail("name", "required, a non-empty string");
        const auto kind = parseKind(o.value(QStringLiteral("kind")).toString().toStdString());
        if (!kind) return fail("kind", "expected redis, mysql or kafka");
        p.kind = *kind;
        p.host =
            o.value(QStringLiteral("host")).toString(QStringLiteral("127.0.0.1")).toStdString();
        const QJsonValue port = o.value(QStringLiteral("port"));
        if (!port.isUndefined() && (!port.isDouble() || port.toInt(-1) < 0 || port.toInt() > 65535))
            return fail("port", "expected an integer in [0, 65535]");
        p.port = port.toInt(0);
        p.user = o.value(QStringLiteral("user")).toString().toStdString();
        p.database = o.value(QStringLiteral("database")).toString().toStdString();
        p.tls = o.value(QStringLiteral("tls")).toBool(false);
        p.caFile = o.value(QStringLiteral("ca_file")).toString().toStdString();
        p.bootstrap = o.value(QStringLiteral("bootstrap")).toString().toStdString();
        p.securityProtocol = o.value(QStringLiteral("security_protocol")).toString().toStdString();
        if (findProfile(out, p.name)) return fail("name", "'" + p.name + "' is used twice");
        out.push_back(std::move(p));
    }
    return out;
}

bool saveProfiles(const QString& path, const std::vector<ConnectionProfile>& profiles,
                  std::string& error) {
    QJsonArray array;
    const auto qs = [](const std::string& s) { return QString::fromStdString(s); };
    for (const auto& p : profiles) {
        QJsonObject o{{QStringLiteral("name"), qs(p.name)},
                      {QStringLiteral("kind"), qs(std::string(toString(p.kind)))},
                      {QStringLiteral("host"), qs(p.host)},
                      {QStringLiteral("port"), p.port},
                      {QStringLiteral("tls"), p.tls}};
        if (!p.user.empty()) o[QStringLiteral("user")] = qs(p.user);
        if (!p.database.empty()) o[QStringLiteral("database")] = qs(p.database);
        if (!p.caFile.empty()) o[QStringLiteral("ca_file")] = qs(p.caFile);
        if (!p.bootstrap.empty()) o[QStringLiteral("bootstrap")] = qs(p.bootstrap);
        if (!p.securityProtocol.empty())
            o[QStringLiteral("security_protocol")] = qs(p.securityProtocol);
        array.append(o);
    }
    QDir().mkpath(QFileInfo(path).absolutePath());
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) ||
        file.write(QJsonDocument(QJsonObject{{QStringLiteral("profiles"), array}}).toJson()) < 0 ||
        !file.commit()) {
        error = path.toStdString() + ": cannot write: " + file.errorString().toStdString();
        return false;
    }
    return true;
}

const ConnectionProfile* findProfile(const std::vector<ConnectionProfile>& profiles,
                                     const std::string& name) {
    for (const auto& p : profiles)
        if (p.name == name) return &p;
    return nullptr;
}

}  // namespace stampede::profiles
