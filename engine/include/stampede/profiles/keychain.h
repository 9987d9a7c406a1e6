#pragma once
// Passwords of connection profiles in the system keychain (qtkeychain: the Secret Service on
// Linux), never in a file of ours. Synchronous wrappers around qtkeychain's jobs: they run a
// local event loop, so call them from a thread with a Qt event dispatcher (the main thread of
// the console or the CLI).

#include <QString>

#include <optional>
#include <string>

#include "stampede/profiles/connection_profile.h"

namespace stampede::profiles {

// A secret of Stampede's own under `key` ("http/admin-token"), kept as the passwords are.
// readSecret: nullopt with an empty error when none is stored, with an error when the keychain
// cannot be reached.
bool storeSecret(const QString& key, const QString& value, std::string& error);
std::optional<QString> readSecret(const QString& key, std::string& error);
bool deleteSecret(const QString& key, std::string& error);

bool storePassword(const ConnectionProfile& profile, const QString& password, std::string& error);
// nullopt with an empty error: no password stored for this profile.
std::optional<QString> readPassword(const ConnectionProfile& profile, std::string& error);
bool deletePassword(const ConnectionProfile& profile, std::string& error);

}  // namespace stampede::profiles
