#pragma once
// An HTTP request as the ingress API sees it, and the answer it gives: plain values, free of the
// server library (http_server.h parses and writes them), so the API is tested and fuzzed without
// sockets.

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

struct HttpResponse {
    int status = 200;
    std::string body;  // JSON unless contentType says otherwise
    std::string contentType = "application/json";
    std::vector<std::pair<std::string, std::string>> headers;  // besides Content-Type/-Length
    bool close = false;  // the server closes the connection after this answer
};

// {"error": REASON PHRASE, "message": message, "status": status}: every error the API gives.
HttpResponse errorResponse(int status, std::string_view message);
// The reason phrase of a status code ("Accepted"), as the server writes it.
std::string_view reasonPhrase(int status);

}  // namespace stampede::http
