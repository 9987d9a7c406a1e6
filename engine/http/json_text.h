#pragma once
// A flat JSON object written straight into a string, for the answers on the hot path (apply):
// QJsonObject and toJson() were a fifth of the server's time per apply. Keys are literals of
// this module; values are escaped as RFC 8259 asks (quote, backslash, control characters).

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace stampede::http {

class JsonText {
public:
    JsonText() { m_text.reserve(192); }

    JsonText& field(std::string_view key, std::string_view value) {
        this->key(key);
        quoted(value);
        return *this;
    }
    // Without it a literal would pick the bool overload.
    JsonText& field(std::string_view key, const char* value) {
        return field(key, std::string_view(value));
    }
    JsonText& field(std::string_view key, std::int64_t value) {
        this->key(key);
        m_text += std::to_string(value);
        return *this;
    }
    JsonText& field(std::string_view key, bool value) {
        this->key(key);
        m_text += value ? "true" : "false";
        return *this;
    }
    std::string take() {
        m_text += m_text.empty() ? "{}" : "}";
        return std::move(m_text);
    }

private:
    void key(std::string_view key) {
        m_text += m_text.empty() ? '{' : ',';
        quoted(key);
        m_text += ':';
    }
    void quoted(std::string_view s) {
        m_text += '"';
        for (const char c : s) {
            switch (c) {
                case '"':
                    m_text += "\\\"";
                    break;
                case '\\':
                    m_text += "\\\\";
                    break;
                case '\n':
                    m_text += "\\n";
                    break;
                case '\r':
                    m_text += "\\r";
                    break;
                case '\t':
                    m_text += "\\t";
                    break;
                default:
                    if (static_cast<unsigned char>(c) < 0x20) {
                        char u[8];
                        std::snprintf(u, sizeof u, "\\u%04x", unsigned(c));
                        m_text += u;
                    } else {
                        m_text += c;  // UTF-8 passes as it is
                    }
            }
        }
        m_text += '"';
    }

    std::string m_text;
};

}  // namespace stampede::http
