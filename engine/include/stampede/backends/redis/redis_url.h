#pragma once
// Where a Redis is: redis://[USER@]HOST:PORT[/DB]. The password travels beside the URL, never in
// it, so the URL can be printed; whoever builds the value (the wiring layer, live/) says where
// the password came from.

#include <optional>
#include <string>

namespace stampede::backends::redis {

struct RedisUrl {
    std::string host = "127.0.0.1";
    int port = 6379;
    int db = 0;
    std::string user;      // Redis 6 ACL user; empty: the default user
    std::string password;  // never from the URL itself
    bool tls = false;      // asked for by a profile; this build's hiredis has no TLS

    // The URL, safe to print (no password).
    std::string toString() const;
};

// redis://[USER@]HOST[:PORT][/DB] (IPv6 as [::1]); nullopt with `error` naming what is wrong (a
// password written into the URL is refused). The password is left empty.
std::optional<RedisUrl> parseRedisUrl(const std::string& text, std::string& error);

}  // namespace stampede::backends::redis
