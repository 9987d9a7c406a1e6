#pragma once
// Where a server listens, as an operator writes it: HOST:PORT, [IPv6]:PORT, or :PORT (loopback).

#include <cstdint>
#include <string>

namespace stampede::http {

// False with `error` naming `what` (the flag or field) when `text` is not an address with a port.
bool parseListenAddress(const std::string& text, const std::string& what, std::string& host,
                        std::uint16_t& port, std::string& error);

// HOST:PORT as a URL's authority ("[::1]:8080" for IPv6).
std::string authority(const std::string& host, std::uint16_t port);

}  // namespace stampede::http
