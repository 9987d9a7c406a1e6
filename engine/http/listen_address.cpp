#include "stampede/http/listen_address.h"

#include <QString>

namespace stampede::http {

bool parseListenAddress(const std::string& text, const std::string& what, std::string& host,
                        std::uint16_t& port, std::string& error) {
    const auto colon = text.rfind(':');
    if (colon == std::string::npos) {
        error = what + ": '" + text + "' is not HOST:PORT";
        return false;
    }
    host = text.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    if (host.empty()) host = "127.0.0.1";  // only what the operator names is bound
    const std::string p = text.substr(colon + 1);
    bool ok = false;
    const int value = QString::fromStdString(p).toInt(&ok);
    if (!ok || value < 0 || value > 65535) {
        error = what + ": '" + p + "' is not a port (0 to 65535; 0: a free one)";
        return false;
    }
    port = std::uint16_t(value);
    return true;
}

std::string authority(const std::string& host, std::uint16_t port) {
    const std::string shown = host.find(':') != std::string::npos ? "[" + host + "]" : host;
    return shown + ":" + std::to_string(port);
}

}  // namespace stampede::http
