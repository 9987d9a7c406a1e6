#pragma once
// The HTTP/1.1 server in front of the ingress API: keep-alive, a few I/O threads, and the limits
// nginx applies, answered the way nginx answers them (414, 431, 413, 400; a client too slow to
// send its request is cut off), so nothing a client sends reaches the API unchecked. Built on
// Boost.Beast over Asio: measured against Qt HttpServer 6.4 and libmicrohttpd on the same endpoint
// (Beast and libmicrohttpd about nginx's rate, Qt about half of it; only Beast reports why a
// request failed to parse, which the answers below need). The library stays inside http_server.cpp.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "stampede/http/http_message.h"

namespace stampede::http {

struct HttpLimits {
    std::size_t maxRequestLine = 8 * 1024;  // longer: 414
    std::size_t maxHeaders = 8 * 1024;      // the header fields together, longer: 431
    std::size_t maxBody = 64 * 1024;        // longer: 413 (chunked bodies too)
    // A request must arrive whole, and its answer be taken, within this from its first byte;
    // a slower client is disconnected (slowloris).
    std::chrono::milliseconds requestTimeout{10'000};
    // A kept-alive connection with no request for this long is closed.
    std::chrono::milliseconds idleTimeout{60'000};
    std::size_t maxConnections = 10'000;  // more are accepted and closed at once
};

// Counts since the server started; any thread may read them.
struct HttpServerStats {
    std::atomic<std::int64_t> connectionsAccepted{0};
    std::atomic<std::int64_t> connectionsOpen{0};
    std::atomic<std::int64_t> connectionsRefused{0};  // over maxConnections
    std::atomic<std::int64_t> requests{0};            // answered, whatever the status
    std::atomic<std::int64_t> clientErrors{0};        // 4xx answers
    std::atomic<std::int64_t> serverErrors{0};        // 5xx answers
    std::atomic<std::int64_t> timeouts{0};            // slow or idle connections closed
};

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

// What the server answers to the bytes of one request: the handler's response, or the error the
// limits and the parser give. The request path of the server without a socket (its fuzz target
// and the unit tests use it); `consumed` says how many bytes the request took (0: incomplete).
HttpResponse answerRawRequest(std::string_view bytes, const HttpLimits& limits,
                              const HttpHandler& handler, std::size_t* consumed = nullptr);

class HttpServer {
public:
    HttpServer(HttpHandler handler, HttpLimits limits = {});
    ~HttpServer();  // stop()
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    // Listens on address:port (port 0: a free one) with `threads` I/O threads. False with
    // `error` (address in use, bad address, …).
    bool start(const std::string& address, std::uint16_t port, int threads, std::string& error);
    // Stops accepting and closes every connection; returns when the threads have ended.
    void stop();

    std::uint16_t port() const;  // the bound port, once started
    std::string address() const;
    const HttpServerStats& stats() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace stampede::http
