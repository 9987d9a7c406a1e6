#include "stampede/http/admin_token.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>
#include <QStandardPaths>

namespace stampede::http {

std::string defaultAdminTokenPath() {
    const QString path = QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation) +
                         QStringLiteral("/stampede/admin-token");
    return path.toStdString();
}

std::optional<std::string> loadAdminToken(const std::string& path, bool create,
                                          std::string& error) {
    const QString file = QString::fromStdString(path);
    if (create && !QFile::exists(file)) {
        QDir().mkpath(QFileInfo(file).absolutePath());
        QFile out(file);
        // NewOnly: two processes starting at once never overwrite each other's token.
        if (out.open(QIODevice::WriteOnly | QIODevice::NewOnly)) {
            out.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
            QByteArray token;
            static const char hex[] = "0123456789abcdef";
            for (int i = 0; i < 48; ++i) token += hex[QRandomGenerator::system()->bounded(16)];
            out.write(token + '\n');
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

}  // namespace stampede::http
