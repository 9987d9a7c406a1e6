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
    bool finished = false;
    QObject::connect(&job, &QKeychain::Job::finished, &loop, [&] {
        finished = true;
        loop.quit();
    });
    QTimer::singleShot(10000, &loop, &QEventLoop::quit);
    job.start();
    loop.exec();
    // A job that did not finish reports NoError: a keyring waiting on an unlock prompt must not
    // read as "nothing stored" (nor a write as done).
    if (!finished) {
        error = "system keychain: no answer within 10 s (is the keyring locked?)";
        return false;
    }
    if (job.error() == QKeychain::NoError) return true;
    if (job.error() == QKeychain::EntryNotFound) return false;
    error = "system keychain: " + job.errorString().toStdString() +
            (job.error() == QKeychain::NoBackendAvailable
                 ? " (no Secret Service is running: start a keyring such as gnome-keyring)"
                 : "");
    return false;
}
}  // namespace

bool storeSecret(const QString& key, const QString& value, std::string& error) {
    QKeychain::WritePasswordJob job(kService);
    job.setKey(key);
    job.setTextData(value);
    return run(job, error);
}

std::optional<QString> readSecret(const QString& key, std::string& error) {
    QKeychain::ReadPasswordJob job(kService);
    job.setKey(key);
    if (!run(job, error)) return std::nullopt;
    return job.textData();
}

bool deleteSecret(const QString& key, std::string& error) {
    QKeychain::DeletePasswordJob job(kService);
    job.setKey(key);
    return run(job, error) || error.empty();
}

bool storePassword(const ConnectionProfile& profile, const QString& password, std::string& error) {
    return storeSecret(keyOf(profile), password, error);
}

std::optional<QString> readPassword(const ConnectionProfile& profile, std::string& error) {
    return readSecret(keyOf(profile), error);
}

bool deletePassword(const ConnectionProfile& profile, std::string& error) {
    return deleteSecret(keyOf(profile), error);
}

}  // namespace stampede::profiles
