#pragma once
// One HTTP/1.x message read from a capture's byte stream: the start line, the headers and the
// body, sized by Content-Length or chunked (as the wire had it). CRLF and bare LF both end a
// line. Bounded: a body larger than ByteSource::kMaxLine is an error, never an allocation.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "capture/byte_source.h"

namespace stampede::capture {

struct HttpMessage {
    std::string startLine;  // "POST /api/... HTTP/1.1" or "HTTP/1.1 200 OK"
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;

    bool isRequest() const { return startLine.rfind("HTTP/", 0) != 0; }
    std::string_view method() const;
    std::string_view target() const;  // path and query
    // The first header of that name (ASCII case-insensitive), or empty.
    std::string_view header(std::string_view name) const;
};

// Reads the message that starts at the source's position. False with `error` (and the byte
// offset where it went wrong in `errorAt`) for a malformed message.
bool readHttpMessage(ByteSource& source, HttpMessage& message, std::string& error,
                     std::int64_t& errorAt);

bool equalsIgnoringCase(std::string_view a, std::string_view b);

}  // namespace stampede::capture
