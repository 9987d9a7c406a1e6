#include "stampede/profiles/keychain.h"

#include <QEventLoop>
#include <QTimer>

#include <qt6keychain/keychain.h>

namespace stampede::profiles {

namespace {
const QString kService = QStringLiteral("stampede");

QString keyOf(const ConnectionProfile& p) {
    return QString::fromStdString(std::string(toString(p.kind)) + "/" + p.name);
}

// Runs a job to its end (or 10 s, for a keychain that never answers).
bool run(QKeychain::Job& job, std::string& error) {
    job.setAutoDelete(false);
    job.setInsecureFallback(false);  // a password in clear anywhere is worse than none
    QEventLoop loop;
    QObject::connect(&job, &QKeychain::Job::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(10000, &loop, &QEventLoop::quit);
    job.start();
    loop.exec();
    if (job.error() == QKeychain::NoError) return true;
    if (job.error() == QKeychain::EntryNotFound) return false;
    error = "system keychain: " + job.errorString().toStdString() +
            (job.error() == QKeychain::NoBackendAvailable
                 ? " (no Secret Service is running: start a keyring such as gnome-keyring)"
                 : "");
    return false;
}
}  // namespace

bool storePassword(const ConnectionProfile& profile, const QString& password, std::string& error) {
    QKeychain::WritePasswordJob job(kService);
    job.setKey(keyOf(profile));
    job.setTextData(password);
    return run(job, error);
}

std::optional<QString> readPassword(const ConnectionProfile& profile, std::string& error) {
    QKeychain::ReadPasswordJob job(kService);
    job.setKey(keyOf(profile));
    if (!run(job, error)) return std::nullopt;
    return job.textData();
}

bool deletePassword(const ConnectionProfile& profile, std::string& error) {
    QKeychain::DeletePasswordJob job(kService);
    job.setKey(keyOf(profile));
    return run(job, error) || error.empty();
}

}  // namespace stampede::profiles
