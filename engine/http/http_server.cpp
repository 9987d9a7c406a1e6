// Boost 1.74's Asio uses std::exchange without including <utility> under C++20.
#include <utility>

#include "stampede/http/http_server.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace stampede::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using Parser = bhttp::request_parser<bhttp::string_body>;
// A connection lives on one io_context: its concrete executor spares every operation the
// type-erased any_io_executor's copies (a few per cent of the server's time).
using Executor = asio::io_context::executor_type;
using Socket = tcp::socket::rebind_executor<Executor>::other;
using Stream = beast::basic_stream<tcp, Executor, beast::unlimited_rate_policy>;

// Beast limits the request line and the fields together; each has its own limit here, so the
// parser may take both, and the checks below tell which one a request broke.
void applyLimits(Parser& parser, const HttpLimits& limits) {
    parser.header_limit(std::uint32_t(limits.maxRequestLine + limits.maxHeaders + 4));
    parser.body_limit(std::uint64_t(limits.maxBody));
}

HttpResponse closing(HttpResponse r) {
    r.close = true;
    return r;
}

// The header was too long for the parser: the request line, if no line end came within its
// limit (nginx's 414), else the fields (431).
HttpResponse headerTooLong(std::string_view received, const HttpLimits& limits) {
    const std::string_view head = received.substr(0, limits.maxRequestLine + 2);
    if (head.find("\r\n") == std::string_view::npos && head.find('\n') == std::string_view::npos)
        return closing(errorResponse(414, "the request line is longer than " +
                                              std::to_string(limits.maxRequestLine) + " bytes"));
    return closing(errorResponse(
        431, "the header fields are longer than " + std::to_string(limits.maxHeaders) + " bytes"));
}

// What a parse error means to the client: always an answer, then the connection is closed (its
// framing can no longer be trusted).
HttpResponse parseError(const beast::error_code& ec, std::string_view received,
                        const HttpLimits& limits) {
    if (ec == bhttp::error::header_limit) return headerTooLong(received, limits);
    if (ec == bhttp::error::body_limit)
        return closing(errorResponse(
            413, "the body is longer than " + std::to_string(limits.maxBody) + " bytes"));
    if (ec == bhttp::error::bad_version)
        return closing(errorResponse(505, "only HTTP/1.0 and HTTP/1.1 are served"));
    // Conflicting or repeated Content-Length, Content-Length with Transfer-Encoding, a bad
    // chunk: refused, so no request can be smuggled past the framing.
    return closing(errorResponse(400, "malformed request: " + ec.message()));
}

// Checks of a complete header that Beast's parser does not make. nullopt: go on.
std::optional<HttpResponse> checkHeader(const Parser& parser, const HttpLimits& limits) {
    const auto& h = parser.get();
    if (h.target().size() > limits.maxRequestLine)
        return closing(errorResponse(414, "the request target is longer than " +
                                              std::to_string(limits.maxRequestLine) + " bytes"));
    std::size_t fields = 0;
    for (const auto& f : h) fields += f.name_string().size() + f.value().size() + 4;
    if (fields > limits.maxHeaders)
        return closing(errorResponse(431, "the header fields are longer than " +
                                              std::to_string(limits.maxHeaders) + " bytes"));
    if (h.version() == 11 && h.find(bhttp::field::host) == h.end())
        return closing(errorResponse(400, "an HTTP/1.1 request needs a Host header"));
    if (h.version() != 10 && h.version() != 11)
        return closing(errorResponse(505, "only HTTP/1.0 and HTTP/1.1 are served"));
    if (const auto length = parser.content_length(); length && *length > limits.maxBody)
        return closing(errorResponse(
            413, "the body is longer than " + std::to_string(limits.maxBody) + " bytes"));
    if (const auto te = h.find(bhttp::field::transfer_encoding); te != h.end() && !parser.chunked())
        return closing(errorResponse(501, "only the chunked transfer coding is understood"));
    return std::nullopt;
}

HttpRequest toRequest(bhttp::request<bhttp::string_body>&& r) {
    HttpRequest request;
    request.method = std::string(r.method_string());
    request.target = std::string(r.target());
    request.headers.reserve(8);
    for (const auto& f : r) {
        std::string name(f.name_string());
        std::transform(name.begin(), name.end(), name.begin(),
                       [](unsigned char c) { return char(std::tolower(c)); });
        request.headers.emplace_back(std::move(name), std::string(f.value()));
    }
    request.body = std::move(r.body());
    return request;
}

// The handler's answer; a handler that throws is the server's fault (500), never a crash.
HttpResponse handle(const HttpHandler& handler, const HttpRequest& request) {
    try {
        return handler(request);
    } catch (const std::exception& e) {
        return errorResponse(500, std::string("internal error: ") + e.what());
    } catch (...) {
        return errorResponse(500, "internal error");
    }
}

// The answer's bytes, status line to body, in one buffer and one write: Beast's serializer
// allocated a field list per answer and walked it in a dozen small buffers, a tenth of the
// server's time on apply.
void serialise(const HttpResponse& r, unsigned version, bool keepAlive, std::string& out) {
    out.clear();
    out.reserve(160 + r.body.size());
    out += version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
    out += std::to_string(r.status);
    out += ' ';
    out += reasonPhrase(r.status);
    out += "\r\nServer: stampede\r\nContent-Type: ";
    out += r.contentType;
    out += "\r\nContent-Length: ";
    out += std::to_string(r.body.size());
    out += "\r\n";
    for (const auto& [name, value] : r.headers) {
        out += name;
        out += ": ";
        out += value;
        out += "\r\n";
    }
    // HTTP/1.1 keeps the connection by default, HTTP/1.0 closes it unless asked.
    if (!keepAlive)
        out += "Connection: close\r\n";
    else if (version == 10)
        out += "Connection: keep-alive\r\n";
    out += "\r\n";
    out += r.body;
}

void count(HttpServerStats& stats, int status) {
    stats.requests.fetch_add(1, std::memory_order_relaxed);
    if (status >= 500)
        stats.serverErrors.fetch_add(1, std::memory_order_relaxed);
    else if (status >= 400)
        stats.clientErrors.fetch_add(1, std::memory_order_relaxed);
}

struct Shared {
    HttpHandler handler;
    HttpLimits limits;
    HttpServerStats stats;
};

// One connection: wait for a request (idle limit), read its header and body (request limit),
// answer, and again while the client keeps the connection alive.
class Session : public std::enable_shared_from_this<Session> {
public:
    Session(Socket socket, Shared& shared) : m_stream(std::move(socket)), m_shared(shared) {
        m_shared.stats.connectionsOpen.fetch_add(1, std::memory_order_relaxed);
    }
    ~Session() { m_shared.stats.connectionsOpen.fetch_sub(1, std::memory_order_relaxed); }

    void start() { awaitRequest(); }
    auto executor() { return m_stream.get_executor(); }

private:
    void awaitRequest() {
        m_parser.emplace();
        applyLimits(*m_parser, m_shared.limits);
        if (m_buffer.size() > 0) return readHeader();  // pipelined: already here
        m_stream.expires_after(m_shared.limits.idleTimeout);
        m_buffer.reserve(4096);
        m_stream.async_read_some(m_buffer.prepare(4096), [self = shared_from_this()](
                                                             beast::error_code ec, std::size_t n) {
            if (ec == beast::error::timeout)
                self->m_shared.stats.timeouts.fetch_add(1, std::memory_order_relaxed);
            if (ec) return self->close();
            self->m_buffer.commit(n);
            self->readHeader();
        });
    }

    void readHeader() {
        m_stream.expires_after(m_shared.limits.requestTimeout);
        bhttp::async_read_header(
            m_stream, m_buffer, *m_parser,
            [self = shared_from_this()](beast::error_code ec, std::size_t) { self->onHeader(ec); });
    }

    void onHeader(beast::error_code ec) {
        if (ec) return failed(ec);
        if (auto refused = checkHeader(*m_parser, m_shared.limits))
            return answer(std::move(*refused), m_parser->get().version());
        const auto expect = m_parser->get()[bhttp::field::expect];
        if (beast::iequals(expect, "100-continue") && !m_parser->is_done()) {
            // curl waits a second for this before sending a body over 1 KiB.
            auto cont = std::make_shared<bhttp::response<bhttp::empty_body>>(
                bhttp::status::continue_, m_parser->get().version());
            return bhttp::async_write(
                m_stream, *cont,
                [self = shared_from_this(), cont](beast::error_code e, std::size_t) {
                    if (e) return self->close();
                    self->readBody();
                });
        }
        readBody();
    }

    void readBody() {
        if (m_parser->is_done()) return onRequest();
        bhttp::async_read(m_stream, m_buffer, *m_parser,
                          [self = shared_from_this()](beast::error_code ec, std::size_t) {
                              if (ec) return self->failed(ec);
                              self->onRequest();
                          });
    }

    void onRequest() {
        const unsigned version = m_parser->get().version();
        const bool keepAlive = m_parser->get().keep_alive();
        HttpRequest request = toRequest(m_parser->release());
        HttpResponse response = handle(m_shared.handler, request);
        if (response.deferred) {
            // Answered later from another thread: back on this connection's own thread then.
            return response.deferred->onResolved([self = shared_from_this(), version,
                                                  keepAlive](HttpResponse&& later) {
                asio::post(self->executor(),
                           [self, version, keepAlive, later = std::move(later)]() mutable {
                               if (!keepAlive) later.close = true;
                               // The wait was the server's, not the client's: the answer
                               // gets the whole timeout to be taken.
                               self->m_stream.expires_after(self->m_shared.limits.requestTimeout);
                               self->answer(std::move(later), version);
                           });
            });
        }
        if (!keepAlive) response.close = true;
        answer(std::move(response), version);
    }

    void failed(beast::error_code ec) {
        if (ec == beast::error::timeout) {
            // As nginx does with a client too slow to send its request: the connection is
            // closed (the stream has closed the socket already), nothing is answered.
            m_shared.stats.timeouts.fetch_add(1, std::memory_order_relaxed);
            return close();
        }
        if (ec == bhttp::error::end_of_stream || ec == asio::error::eof ||
            ec == asio::error::connection_reset || ec == bhttp::error::partial_message)
            return close();  // the client went away
        const auto data = m_buffer.cdata();
        answer(parseError(ec, std::string_view(static_cast<const char*>(data.data()), data.size()),
                          m_shared.limits),
               11);
    }

    void answer(HttpResponse&& response, unsigned version) {
        count(m_shared.stats, response.status);
        m_closeAfter = response.close;
        serialise(response, version, !m_closeAfter, m_out);
        // The request's deadline still holds: a client that does not read its answer is cut
        // off with it (each re-arming of the timer costs a system call).
        asio::async_write(m_stream, asio::buffer(m_out),
                          [self = shared_from_this()](beast::error_code ec, std::size_t) {
                              if (ec || self->m_closeAfter) return self->close();
                              self->awaitRequest();
                          });
    }

    void close() {
        beast::error_code ignored;
        m_stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
        m_stream.close();
    }

    Stream m_stream;
    Shared& m_shared;
    beast::flat_buffer m_buffer;
    std::optional<Parser> m_parser;
    std::string m_out;  // the answer being written
    bool m_closeAfter = false;
};

}  // namespace

HttpResponse answerRawRequest(std::string_view bytes, const HttpLimits& limits,
                              const HttpHandler& handler, std::size_t* consumed) {
    if (consumed) *consumed = 0;
    Parser parser;
    applyLimits(parser, limits);
    parser.eager(true);
    beast::error_code ec;
    std::size_t used = 0;
    bool headerChecked = false;
    while (!parser.is_done()) {
        used += parser.put(asio::buffer(bytes.data() + used, bytes.size() - used), ec);
        if (ec == bhttp::error::need_more) {
            if (used < bytes.size() && !ec) continue;
            // All bytes given and still incomplete: as a server would, wait (here: say so).
            if (!parser.is_header_done() &&
                bytes.size() > limits.maxRequestLine + limits.maxHeaders + 4)
                return headerTooLong(bytes, limits);
            return closing(errorResponse(408, "the request is incomplete"));
        }
        if (ec) return parseError(ec, bytes, limits);
        if (parser.is_header_done() && !headerChecked) {
            headerChecked = true;
            if (auto refused = checkHeader(parser, limits)) return std::move(*refused);
        }
        if (used >= bytes.size() && !parser.is_done()) {
            if (parser.need_eof()) {
                parser.put_eof(ec);
                if (ec) return parseError(ec, bytes, limits);
                break;
            }
            return closing(errorResponse(408, "the request is incomplete"));
        }
    }
    if (consumed) *consumed = used;
    const bool keepAlive = parser.get().keep_alive();
    HttpResponse response = handle(handler, toRequest(parser.release()));
    if (response.deferred) {
        const auto later = response.deferred->wait(limits.requestTimeout);
        response = later ? *later : errorResponse(504, "no answer within the request timeout");
    }
    if (!keepAlive) response.close = true;
    return response;
}

// One io_context per I/O thread, each run by its thread alone: a connection lives on one of them
// for its whole life, so nothing needs a strand and no handler wakes another thread (one shared
// io_context served at less than half the rate, in futex wake-ups and context switches).
struct HttpServer::Impl {
    Shared shared;
    // Declared after `shared`: destroyed first, so sessions they still hold can count their end.
    std::vector<std::unique_ptr<asio::io_context>> contexts;
    std::optional<tcp::acceptor> acceptor;
    std::vector<std::thread> threads;
    std::size_t next = 0;  // the context the next connection goes to (the acceptor's thread)
    std::uint16_t port = 0;
    std::string address;
    std::once_flag stopped;

    void accept() {
        asio::io_context& target = *contexts[next++ % contexts.size()];
        acceptor->async_accept(target.get_executor(), [this](beast::error_code ec, Socket socket) {
            if (ec == asio::error::operation_aborted) return;  // stopping
            if (!ec) {
                shared.stats.connectionsAccepted.fetch_add(1, std::memory_order_relaxed);
                if (std::size_t(shared.stats.connectionsOpen.load(std::memory_order_relaxed)) >=
                    shared.limits.maxConnections) {
                    shared.stats.connectionsRefused.fetch_add(1, std::memory_order_relaxed);
                    beast::error_code ignored;
                    socket.close(ignored);
                } else {
                    socket.set_option(tcp::no_delay(true), ec);
                    // Started on the socket's own context, by its thread.
                    auto session = std::make_shared<Session>(std::move(socket), shared);
                    asio::post(session->executor(), [session] { session->start(); });
                }
            }
            accept();  // an accept error (out of descriptors) must not stop the server
        });
    }
};

HttpServer::HttpServer(HttpHandler handler, HttpLimits limits) : m_impl(std::make_unique<Impl>()) {
    m_impl->shared.handler = std::move(handler);
    m_impl->shared.limits = limits;
}

HttpServer::~HttpServer() {
    stop();
}

bool HttpServer::start(const std::string& address, std::uint16_t port, int threads,
                       std::string& error) {
    beast::error_code ec;
    const auto ip = asio::ip::make_address(address, ec);
    if (ec) {
        error = "'" + address + "' is not an IP address";
        return false;
    }
    const int n = std::max(1, threads);
    for (int i = 0; i < n; ++i) m_impl->contexts.push_back(std::make_unique<asio::io_context>(1));
    tcp::acceptor acceptor(*m_impl->contexts.front());
    const tcp::endpoint endpoint(ip, port);
    acceptor.open(endpoint.protocol(), ec);
    if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor.bind(endpoint, ec);
    if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
        error = "cannot listen on " + address + ":" + std::to_string(port) + ": " + ec.message();
        return false;
    }
    m_impl->port = acceptor.local_endpoint().port();
    m_impl->address = address;
    m_impl->acceptor.emplace(std::move(acceptor));
    m_impl->accept();
    for (auto& context : m_impl->contexts)
        m_impl->threads.emplace_back([&io = *context] {
            // Runs until stop(), with or without connections.
            auto work = asio::make_work_guard(io);
            io.run();
        });
    return true;
}

void HttpServer::stop() {
    if (m_impl->threads.empty()) return;
    std::call_once(m_impl->stopped, [this] {
        for (auto& context : m_impl->contexts) context->stop();
        for (auto& t : m_impl->threads) t.join();
    });
}

std::uint16_t HttpServer::port() const {
    return m_impl->port;
}

std::string HttpServer::address() const {
    return m_impl->address;
}

const HttpServerStats& HttpServer::stats() const {
    return m_impl->shared.stats;
}

}  // namespace stampede::http
