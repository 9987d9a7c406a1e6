#pragma once
// An HTTP request as the ingress API sees it, and the answer it gives: plain values, free of the
// server library (http_server.h parses and writes them), so the API is tested and fuzzed without
// sockets.

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace stampede::http {

struct HttpRequest {
    std::string method;  // "GET", "POST", … as sent
    std::string target;  // path and query, as sent ("/api/event/status?email=a%40b.c")
    // Field names in lower case, values as sent, in order.
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;

    // The first field of that (lower-case) name, or empty.
    std::string_view header(std::string_view lowerCaseName) const;
    std::string_view path() const;   // the target up to '?'
    std::string_view query() const;  // after '?', or empty
    // A query parameter, percent-decoded ('+' is a space); empty if absent.
    std::string queryParameter(std::string_view name) const;
};

class DeferredAnswer;

struct HttpResponse {
    int status = 200;
    std::string body;  // JSON unless contentType says otherwise
    std::string contentType = "application/json";
    std::vector<std::pair<std::string, std::string>> headers;  // besides Content-Type/-Length
    bool close = false;  // the server closes the connection after this answer
    // Non-null: the answer comes later, from another thread (everything above is unused); the
    // connection waits for it, within the server's request timeout.
    std::shared_ptr<DeferredAnswer> deferred;
};

// An answer given later, once, from any thread: the handler returns at once and no server
// thread waits for it.
class DeferredAnswer {
public:
    void resolve(HttpResponse response);
    // The server's: `then` is called once with the answer (at once if it came already), on
    // the thread that resolves it.
    void onResolved(std::function<void(HttpResponse&&)> then);
    // For callers with no event loop (answerRawRequest): the answer, or nullopt after `timeout`.
    std::optional<HttpResponse> wait(std::chrono::milliseconds timeout);

private:
    std::mutex m_mutex;
    std::condition_variable m_resolved;
    std::optional<HttpResponse> m_answer;
    std::function<void(HttpResponse&&)> m_then;
};

// {"error": REASON PHRASE, "message": message, "status": status}: every error the API gives.
HttpResponse errorResponse(int status, std::string_view message);
// The reason phrase of a status code ("Accepted"), as the server writes it.
std::string_view reasonPhrase(int status);

}  // namespace stampede::http
