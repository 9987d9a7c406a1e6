#include "capture/http_request.h"

#include <charconv>

namespace stampede::capture {
namespace {

std::string_view trimmed(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
        s.remove_suffix(1);
    return s;
}

std::string_view withoutCr(std::string_view line) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    return line;
}

bool readChunked(ByteSource& source, std::string& body, std::string& error, std::int64_t& at) {
    body.clear();
    for (;;) {
        std::string_view line;
        bool terminated = false;
        if (!source.nextLine(line, at, terminated)) {
            error = "chunked body ends before its last chunk";
            return false;
        }
        line = withoutCr(line);
        line = line.substr(0, line.find(';'));  // chunk extensions
        line = trimmed(line);
        std::size_t size = 0;
        const auto [p, ec] = std::from_chars(line.data(), line.data() + line.size(), size, 16);
        if (line.empty() || ec != std::errc() || p != line.data() + line.size()) {
            error = "bad chunk size '" + std::string(line.substr(0, 32)) + "'";
            return false;
        }
        if (size == 0) {
            // Trailers up to the empty line.
            for (;;) {
                if (!source.nextLine(line, at, terminated)) return true;
                if (withoutCr(line).empty()) return true;
            }
        }
        if (body.size() + size > ByteSource::kMaxLine) {
            error = "chunked body larger than 16 MiB";
            return false;
        }
        const std::string_view data = source.take(size);
        if (data.size() != size) {
            error = "chunked body ends inside a chunk";
            return false;
        }
        body.append(data);
        // The chunk's CRLF.
        if (!source.nextLine(line, at, terminated) || !withoutCr(line).empty()) {
            error = "a chunk not followed by its line end";
            return false;
        }
    }
}

}  // namespace

bool equalsIgnoringCase(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z') x = char(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z') y = char(y - 'A' + 'a');
        if (x != y) return false;
    }
    return true;
}

std::string_view HttpMessage::method() const {
    const std::string_view s(startLine);
    return s.substr(0, s.find(' '));
}

std::string_view HttpMessage::target() const {
    const std::string_view s(startLine);
    const std::size_t a = s.find(' ');
    if (a == std::string_view::npos) return {};
    const std::size_t b = s.find(' ', a + 1);
    return s.substr(a + 1, b == std::string_view::npos ? std::string_view::npos : b - a - 1);
}

std::string_view HttpMessage::header(std::string_view name) const {
    for (const auto& [k, v] : headers)
        if (equalsIgnoringCase(k, name)) return v;
    return {};
}

bool readHttpMessage(ByteSource& source, HttpMessage& m, std::string& error, std::int64_t& at) {
    m.headers.clear();
    m.body.clear();
    std::string_view line;
    bool terminated = false;
    if (!source.nextLine(line, at, terminated)) {
        error = "the payload has no HTTP start line";
        return false;
    }
    m.startLine.assign(withoutCr(line));
    const bool request = m.isRequest();
    if (request && (m.method().empty() || m.target().empty() || m.target().front() != '/')) {
        // Absolute-form targets ("http://host/path") are allowed too.
        if (m.target().rfind("http", 0) != 0) {
            error = "not an HTTP request line: '" + m.startLine.substr(0, 60) + "'";
            return false;
        }
    }
    for (;;) {
        if (!source.nextLine(line, at, terminated)) {
            error = "the HTTP headers end before their empty line";
            return false;
        }
        line = withoutCr(line);
        if (line.empty()) break;
        const std::size_t colon = line.find(':');
        if (colon == std::string_view::npos || colon == 0) {
            error = "bad HTTP header line '" + std::string(line.substr(0, 60)) + "'";
            return false;
        }
        m.headers.emplace_back(std::string(trimmed(line.substr(0, colon))),
                               std::string(trimmed(line.substr(colon + 1))));
    }
    const std::string_view encoding = m.header("Transfer-Encoding");
    if (!encoding.empty() && encoding.find("chunked") != std::string_view::npos)
        return readChunked(source, m.body, error, at);
    const std::string_view length = m.header("Content-Length");
    if (!length.empty()) {
        std::size_t n = 0;
        const auto [p, ec] = std::from_chars(length.data(), length.data() + length.size(), n);
        if (ec != std::errc() || p != length.data() + length.size()) {
            error = "bad Content-Length '" + std::string(length.substr(0, 32)) + "'";
            return false;
        }
        if (n > ByteSource::kMaxLine) {
            error = "a body larger than 16 MiB";
            return false;
        }
        at = source.position();
        const std::string_view data = source.take(n);
        if (data.size() != n) {
            error = "the body is shorter than its Content-Length";
            return false;
        }
        m.body.assign(data);
    }
    return true;
}

}  // namespace stampede::capture
