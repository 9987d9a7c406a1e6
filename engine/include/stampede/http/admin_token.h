#pragma once
// The admin endpoints' bearer token, the same for `serve` and the console: read from a file the
// operator names, or made once (48 random hex digits) and kept in the system keychain (service
// "stampede", key "http/admin-token"). Where there is no keychain (a server with no Secret
// Service) it is kept, readable by its owner only, in ~/.config/stampede/admin-token, and said so.

#include <optional>
#include <string>

namespace stampede::http {

// The default file: $XDG_CONFIG_HOME/stampede/admin-token.
std::string defaultAdminTokenPath();

// The token in `path` (made there first when `create` and it does not exist). nullopt with `error`
// naming the file: unreadable, or shorter than 16 characters.
std::optional<std::string> loadAdminToken(const std::string& path, bool create, std::string& error);

struct KeptAdminToken {
    std::string token;
    std::string where;  // "the system keychain", or the file
    std::string note;   // for the operator: a fallback to the file, or a token moved out of one
};
// The token kept for this user: the keychain's; a token found in the old file moves into the
// keychain (the file is then deleted); else a new one. No keychain: the file, with a note.
// Call from a thread with a Qt event loop (the keychain's jobs run one). nullopt with `error`.
std::optional<KeptAdminToken> keptAdminToken(std::string& error);
// The key under which the keychain keeps it.
inline constexpr const char* kAdminTokenKey = "http/admin-token";

}  // namespace stampede::http
