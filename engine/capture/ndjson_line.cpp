#include "capture/ndjson_line.h"

#include <charconv>
#include <cstring>

namespace stampede::capture {
namespace {

// A cursor over one line; every failure records the first error and its column.
struct Scanner {
    std::string_view s;
    std::size_t i = 0;
    std::string error;
    std::size_t errorAt = 0;

    bool fail(std::string message) {
        if (error.empty()) {
            error = std::move(message);
            errorAt = i;
        }
        return false;
    }
    void ws() {
        while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r')) ++i;
    }
    bool expect(char c) {
        ws();
        if (i < s.size() && s[i] == c) {
            ++i;
            return true;
        }
        return fail(std::string("expected '") + c + "'");
    }
    bool peek(char c) {
        ws();
        return i < s.size() && s[i] == c;
    }

    static int hex(char c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    }
    static void appendUtf8(std::string& out, std::uint32_t cp) {
        if (cp < 0x80) {
            out += static_cast<char>(cp);
        } else if (cp < 0x800) {
            out += static_cast<char>(0xC0 | (cp >> 6));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            out += static_cast<char>(0xE0 | (cp >> 12));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        } else {
            out += static_cast<char>(0xF0 | (cp >> 18));
            out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        }
    }
    bool hex4(std::uint32_t& v) {
        if (i + 4 > s.size()) return fail("incomplete \\u escape");
        v = 0;
        for (int k = 0; k < 4; ++k) {
            const int h = hex(s[i + std::size_t(k)]);
            if (h < 0) return fail("bad \\u escape");
            v = v * 16 + std::uint32_t(h);
        }
        i += 4;
        return true;
    }
    // A string literal into `out` (replaced).
    bool string(std::string& out) {
        ws();
        if (i >= s.size() || s[i] != '"') return fail("expected a string");
        ++i;
        out.clear();
        for (;;) {
            const std::size_t start = i;
            while (i < s.size() && s[i] != '"' && s[i] != '\\' &&
                   static_cast<unsigned char>(s[i]) >= 0x20)
                ++i;
            out.append(s.data() + start, i - start);
            if (i >= s.size()) return fail("unterminated string");
            const char c = s[i];
            if (c == '"') {
                ++i;
                return true;
            }
            if (c != '\\') return fail("control character in a string");
            if (++i >= s.size()) return fail("unterminated string");
            const char e = s[i++];
            switch (e) {
                case '"':
                    out += '"';
                    break;
                case '\\':
                    out += '\\';
                    break;
                case '/':
                    out += '/';
                    break;
                case 'b':
                    out += '\b';
                    break;
                case 'f':
                    out += '\f';
                    break;
                case 'n':
                    out += '\n';
                    break;
                case 'r':
                    out += '\r';
                    break;
                case 't':
                    out += '\t';
                    break;
                case 'u': {
                    std::uint32_t cp = 0;
                    if (!hex4(cp)) return false;
                    if (cp >= 0xD800 && cp < 0xDC00) {
                        std::uint32_t low = 0;
                        if (i + 2 > s.size() || s[i] != '\\' || s[i + 1] != 'u')
                            return fail("unpaired surrogate");
                        i += 2;
                        if (!hex4(low) || low < 0xDC00 || low > 0xDFFF)
                            return fail("unpaired surrogate");
                        cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                    } else if (cp >= 0xDC00 && cp < 0xE000) {
                        return fail("unpaired surrogate");
                    }
                    appendUtf8(out, cp);
                    break;
                }
                default:
                    --i;
                    return fail("bad escape");
            }
        }
    }
    bool integer(std::int64_t& v) {
        ws();
        const char* b = s.data() + i;
        const auto [p, ec] = std::from_chars(b, s.data() + s.size(), v);
        if (ec != std::errc() || p == b) return fail("expected an integer");
        i += static_cast<std::size_t>(p - b);
        if (i < s.size() && (s[i] == '.' || s[i] == 'e' || s[i] == 'E'))
            return fail("expected an integer");
        return true;
    }
    bool boolean(bool& v) {
        ws();
        if (s.substr(i, 4) == "true") {
            v = true;
            i += 4;
            return true;
        }
        if (s.substr(i, 5) == "false") {
            v = false;
            i += 5;
            return true;
        }
        return fail("expected true or false");
    }
    // Skips any scalar value (for keys a later version may add).
    bool skipScalar() {
        ws();
        if (peek('"')) {
            std::string ignored;
            return string(ignored);
        }
        const std::size_t start = i;
        while (i < s.size() && s[i] != ',' && s[i] != '}' && s[i] != ' ') ++i;
        const std::string_view v = s.substr(start, i - start);
        if (v == "true" || v == "false" || v == "null") return true;
        double d = 0;
        const auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), d);
        if (v.empty() || ec != std::errc() || p != v.data() + v.size()) {
            i = start;
            return fail("expected a value");
        }
        return true;
    }
};

bool parseHeaders(Scanner& sc, CaptureRecord& record) {
    if (!sc.expect('{')) return false;
    record.headers.clear();
    if (sc.peek('}')) {
        ++sc.i;
        return true;
    }
    for (;;) {
        auto& h = record.headers.emplace_back();
        if (!sc.string(h.first) || !sc.expect(':') || !sc.string(h.second)) return false;
        if (sc.peek(',')) {
            ++sc.i;
            continue;
        }
        return sc.expect('}');
    }
}

// A line exactly as appendRecordLine() writes it, with no escapes in its strings and no
// headers: {"t_us":N,"campaign":"…","user":"…"[,"request_id":"…"][,"source":"…"],"verified":B}.
// Nearly every line of a recorded capture; parsed here in one pass with no key lookups. False
// (nothing promised about `record`) for anything else, which the general scanner then reads.
class WrittenLayout {
public:
    explicit WrittenLayout(std::string_view line)
        : m_p(line.data()), m_end(line.data() + line.size()) {
        if (m_end > m_p && m_end[-1] == '\r') --m_end;
    }

    bool parse(CaptureRecord& r) {
        if (!literal("{\"t_us\":") || !integer(r.atUs) || !literal(",\"campaign\":") ||
            !plainString(r.campaign) || r.campaign.empty() || !literal(",\"user\":") ||
            !plainString(r.user) || r.user.empty())
            return false;
        r.requestId.clear();
        r.source.clear();
        if (literal(",\"request_id\":") && !plainString(r.requestId)) return false;
        if (literal(",\"source\":") && !plainString(r.source)) return false;
        if (literal(",\"verified\":true}"))
            r.verified = true;
        else if (literal(",\"verified\":false}"))
            r.verified = false;
        else
            return false;
        r.headers.clear();
        return m_p == m_end;
    }

private:
    template <std::size_t N>
    bool literal(const char (&text)[N]) {
        constexpr std::size_t n = N - 1;
        if (std::size_t(m_end - m_p) < n || std::memcmp(m_p, text, n) != 0) return false;
        m_p += n;
        return true;
    }
    bool integer(std::int64_t& v) {
        const auto [p, ec] = std::from_chars(m_p, m_end, v);
        if (ec != std::errc() || p == m_p || (p < m_end && (*p == '.' || *p == 'e' || *p == 'E')))
            return false;
        m_p = p;
        return true;
    }
    // A string with nothing to unescape: what is between its quotes is the value.
    bool plainString(std::string& out) {
        if (m_p >= m_end || *m_p != '"') return false;
        const char* start = ++m_p;
        while (m_p < m_end && *m_p != '"') {
            if (*m_p == '\\' || static_cast<unsigned char>(*m_p) < 0x20) return false;
            ++m_p;
        }
        if (m_p >= m_end) return false;
        out.assign(start, std::size_t(m_p - start));
        ++m_p;
        return true;
    }

    const char* m_p;
    const char* m_end;
};

}  // namespace

LineParse parseCaptureLine(std::string_view line, CaptureRecord& record, CaptureHeader& header,
                           std::string& trailerReason) {
    if (WrittenLayout(line).parse(record)) return {};
    return scanCaptureLine(line, record, header, trailerReason);
}

LineParse scanCaptureLine(std::string_view line, CaptureRecord& record, CaptureHeader& header,
                          std::string& trailerReason) {
    Scanner sc;
    sc.s = line;
    LineParse result;
    thread_local std::string key;
    bool hasTime = false, hasCampaign = false, hasUser = false;
    std::int64_t version = 0;
    record.requestId.clear();
    record.source.clear();
    record.headers.clear();
    record.verified = true;
    const auto done = [&](bool ok) {
        if (!ok) {
            result.error = sc.error.empty() ? "malformed line" : sc.error;
            result.column = sc.errorAt;
        }
        return result;
    };
    if (!sc.expect('{')) return done(false);
    if (sc.peek('}')) return done(sc.fail("an empty object is not a capture line"));
    for (;;) {
        if (!sc.string(key) || !sc.expect(':')) return done(false);
        bool ok = true;
        if (key == "t_us") {
            ok = sc.integer(record.atUs);  // may be < 0: imports measure from their first
            hasTime = true;
        } else if (key == "campaign") {
            ok = sc.string(record.campaign);
            hasCampaign = true;
        } else if (key == "user") {
            ok = sc.string(record.user);
            hasUser = true;
        } else if (key == "request_id") {
            ok = sc.string(record.requestId);
        } else if (key == "source") {
            ok = sc.string(record.source);  // the header's source too, below
        } else if (key == "verified") {
            ok = sc.boolean(record.verified);
        } else if (key == "headers") {
            ok = parseHeaders(sc, record);
        } else if (key == "stampede_capture") {
            ok = sc.integer(version);
            result.kind = LineKind::Header;
        } else if (key == "created") {
            ok = sc.string(header.created);
        } else if (key == "end") {
            ok = sc.string(trailerReason);
            result.kind = LineKind::Trailer;
        } else {
            ok = sc.skipScalar();
        }
        if (!ok) return done(false);
        if (sc.peek(',')) {
            ++sc.i;
            continue;
        }
        if (!sc.expect('}')) return done(false);
        break;
    }
    sc.ws();
    if (sc.i != line.size()) return done(sc.fail("text after the object"));
    if (result.kind == LineKind::Header) {
        header.version = static_cast<int>(version);
        header.source = record.source;
        if (version < 1 || version > kFormatVersion)
            return done(sc.fail("unsupported capture format version " + std::to_string(version) +
                                " (this build reads up to " + std::to_string(kFormatVersion) +
                                ")"));
        return result;
    }
    if (result.kind == LineKind::Trailer) return result;
    sc.i = 0;
    if (!hasTime) return done(sc.fail("missing t_us"));
    if (!hasCampaign || record.campaign.empty()) return done(sc.fail("missing campaign"));
    if (!hasUser || record.user.empty()) return done(sc.fail("missing user"));
    return result;
}

void appendJsonString(std::string& out, std::string_view text) {
    static constexpr char kHex[] = "0123456789abcdef";
    out += '"';
    std::size_t start = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c >= 0x20 && c != '"' && c != '\\') continue;
        out.append(text.data() + start, i - start);
        start = i + 1;
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            default:
                out += "\\u00";
                out += kHex[c >> 4];
                out += kHex[c & 15];
        }
    }
    out.append(text.data() + start, text.size() - start);
    out += '"';
}

void appendRecordLine(std::string& out, const CaptureRecord& r) {
    char digits[24];
    const auto [end, ec] = std::to_chars(digits, digits + sizeof digits, r.atUs);
    (void)ec;
    out += "{\"t_us\":";
    out.append(digits, end);
    out += ",\"campaign\":";
    appendJsonString(out, r.campaign);
    out += ",\"user\":";
    appendJsonString(out, r.user);
    if (!r.requestId.empty()) {
        out += ",\"request_id\":";
        appendJsonString(out, r.requestId);
    }
    if (!r.source.empty()) {
        out += ",\"source\":";
        appendJsonString(out, r.source);
    }
    out += r.verified ? ",\"verified\":true" : ",\"verified\":false";
    if (!r.headers.empty()) {
        out += ",\"headers\":{";
        for (std::size_t k = 0; k < r.headers.size(); ++k) {
            if (k) out += ',';
            appendJsonString(out, r.headers[k].first);
            out += ':';
            appendJsonString(out, r.headers[k].second);
        }
        out += '}';
    }
    out += "}\n";
}

void appendHeaderLine(std::string& out, const CaptureHeader& h) {
    out += "{\"stampede_capture\":" + std::to_string(kFormatVersion) + ",\"source\":";
    appendJsonString(out, h.source);
    out += ",\"created\":";
    appendJsonString(out, h.created);
    out += "}\n";
}

void appendTrailerLine(std::string& out, const std::string& reason, std::int64_t records) {
    out += "{\"end\":";
    appendJsonString(out, reason);
    out += ",\"records\":" + std::to_string(records) + "}\n";
}

}  // namespace stampede::capture
