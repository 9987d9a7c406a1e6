#pragma once
// The admin endpoints' bearer token, the same for `serve` and the console: read from a file the
// operator names, or made once (48 random hex digits) and kept, readable by its owner only, in
// ~/.config/stampede/admin-token.

#include <optional>
#include <string>

namespace stampede::http {

// The default file: $XDG_CONFIG_HOME/stampede/admin-token.
std::string defaultAdminTokenPath();

// The token in `path` (made there first when `create` and it does not exist). nullopt with `error`
// naming the file: unreadable, or shorter than 16 characters.
std::optional<std::string> loadAdminToken(const std::string& path, bool create, std::string& error);

}  // namespace stampede::http
