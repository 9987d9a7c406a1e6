#include "stampede/http/admin_token.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>
#include <QStandardPaths>

#include "stampede/profiles/keychain.h"

namespace stampede::http {

std::string defaultAdminTokenPath() {
    const QString path = QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation) +
                         QStringLiteral("/stampede/admin-token");
    return path.toStdString();
}

namespace {

QByteArray newToken() {
    QByteArray token;
    static const char hex[] = "0123456789abcdef";
    for (int i = 0; i < 48; ++i) token += hex[QRandomGenerator::system()->bounded(16)];
    return token;
}

}  // namespace

std::optional<std::string> loadAdminToken(const std::string& path, bool create,
                                          std::string& error) {
    const QString file = QString::fromStdString(path);
    if (create && !QFile::exists(file)) {
        QDir().mkpath(QFileInfo(file).absolutePath());
        QFile out(file);
        // NewOnly: two processes starting at once never overwrite each other's token.
        if (out.open(QIODevice::WriteOnly | QIODevice::NewOnly)) {
            out.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
            out.write(newToken() + '\n');
        } else if (!QFile::exists(file)) {
            error = path + ": cannot create: " + out.errorString().toStdString();
            return std::nullopt;
        }
    }
    QFile in(file);
    if (!in.open(QIODevice::ReadOnly)) {
        error = path + ": cannot read the admin token: " + in.errorString().toStdString();
        return std::nullopt;
    }
    const std::string token = in.read(4096).trimmed().toStdString();
    if (token.size() < 16) {
        error = path + ": an admin token needs at least 16 characters";
        return std::nullopt;
    }
    return token;
}

std::optional<KeptAdminToken> keptAdminToken(std::string& error) {
    const QString key = QString::fromLatin1(kAdminTokenKey);
    const std::string file = defaultAdminTokenPath();
    KeptAdminToken kept;
    kept.where = "the system keychain";
    std::string keychainError;
    if (const auto stored = profiles::readSecret(key, keychainError);
        stored && stored->size() >= 16) {
        kept.token = stored->toStdString();
        return kept;
    }
    if (keychainError.empty()) {  // the keychain answers and has none: the old file's, or new
        QByteArray token = newToken();
        const bool fromFile = QFile::exists(QString::fromStdString(file));
        if (fromFile) {
            const auto old = loadAdminToken(file, false, error);
            if (!old) return std::nullopt;
            token = QByteArray::fromStdString(*old);
        }
        // Kept only once it reads back (then a file's token may go): two starting at once
        // both store, and both serve what the keychain holds in the end.
        if (profiles::storeSecret(key, QString::fromLatin1(token), keychainError)) {
            const auto stored = profiles::readSecret(key, keychainError);
            if (!stored || stored->size() < 16) {
                error = "the system keychain did not keep the admin token" +
                        (keychainError.empty() ? std::string() : ": " + keychainError);
                return std::nullopt;
            }
            token = stored->toLatin1();
            if (fromFile) {
                QFile::remove(QString::fromStdString(file));
                kept.note = "the admin token moved from " + file + " into the system keychain";
            }
            kept.token = token.toStdString();
            return kept;
        }
    }
    // No keychain here: the owner-only file, as before, and the operator is told.
    const auto fallback = loadAdminToken(file, true, error);
    if (!fallback) return std::nullopt;
    kept.token = *fallback;
    kept.where = file;
    kept.note = "no system keychain (" + keychainError + "): the admin token is kept in " + file +
                ", readable by you only";
    return kept;
}

}  // namespace stampede::http
