#pragma once
// The one parser of every address Stampede is given: redis://, mysql://, sqlite:// URLs and
// Kafka bootstrap lists. Built on QUrl, so IPv6 literals ([::1]), percent-encoding and odd
// characters behave the same everywhere. Passwords are never part of a URL: one written in is
// refused, so it cannot reach a log, a window title or the process list.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace stampede::core {

struct EndpointUrl {
    std::string scheme;
    std::string user;  // percent-decoded; empty when none
    std::string host;  // percent-decoded, IPv6 without brackets; empty for sqlite:///PATH
    int port = 0;      // 0: none given
    std::string path;  // percent-decoded, with its leading '/'; empty when none
};

// Parses `text` as a URL of `scheme`. nullopt with `error` naming the URL and what is wrong
// (another scheme, a password, a port outside 1..65535, a query or fragment). `passwordHint` is
// where the password belongs instead ("set STAMPEDE_MYSQL_PASSWORD").
std::optional<EndpointUrl> parseEndpointUrl(std::string_view text, std::string_view scheme,
                                            std::string_view passwordHint, std::string& error);

struct HostPort {
    std::string host;  // IPv6 without brackets
    int port = 0;
};

// HOST:PORT[,HOST:PORT...] (IPv6 as [::1]:9092); nullopt with `error` naming the item.
std::optional<std::vector<HostPort>> parseHostList(std::string_view text, std::string& error);
// The host as it is written in a URL or a host list: IPv6 literals in brackets.
std::string hostInUrl(const std::string& host);
// HOST:PORT,… as librdkafka's bootstrap.servers takes it.
std::string joinHostList(const std::vector<HostPort>& hosts);

}  // namespace stampede::core
