#include "capture/access_log_reader.h"

#include <QDateTime>
#include <QString>

#include <algorithm>
#include <cctype>
#include <vector>

#include "capture/http_request.h"
#include "capture/request_mapping.h"

namespace stampede::capture {
namespace {

// Splits a log line into fields: words, "quoted strings" (a backslash escapes the next byte;
// nginx writes a quote inside one as \x22) and [bracketed times]. False for an unclosed one.
bool splitFields(std::string_view line, std::vector<std::string>& fields) {
    fields.clear();
    std::size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
        if (i >= line.size()) break;
        std::string& f = fields.emplace_back();
        if (line[i] == '"' || line[i] == '[') {
            const char close = line[i] == '"' ? '"' : ']';
            ++i;
            while (i < line.size() && line[i] != close) {
                if (line[i] == '\\' && close == '"' && i + 1 < line.size()) ++i;
                f += line[i++];
            }
            if (i >= line.size()) return false;
            ++i;
        } else {
            while (i < line.size() && line[i] != ' ' && line[i] != '\t') f += line[i++];
        }
    }
    return true;
}

// nginx's $time_local: "02/Dec/2026:20:00:00 +0000" -> microseconds since the epoch.
bool nginxTime(const std::string& text, std::int64_t& us) {
    // The zone is an offset ("+0900"), applied by hand: Qt reads zone names, not offsets.
    if (text.size() != 26 || text[20] != ' ') return false;
    const QDateTime local = QDateTime::fromString(QString::fromStdString(text.substr(0, 20)),
                                                  QStringLiteral("dd/MMM/yyyy:HH:mm:ss"));
    if (!local.isValid()) return false;
    const QDateTime utc(local.date(), local.time(), Qt::UTC);
    const std::string zone = text.substr(21);
    if ((zone[0] != '+' && zone[0] != '-') ||
        !std::all_of(zone.begin() + 1, zone.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return false;
    const int hours = std::atoi(zone.substr(1, 2).c_str());
    const int minutes = std::atoi(zone.substr(3).c_str());
    const int sign = zone[0] == '-' ? -1 : 1;
    us = (utc.toMSecsSinceEpoch() - sign * (hours * 60 + minutes) * 60'000LL) * 1000;
    return true;
}

// ALB's time: ISO 8601 with microseconds, "2026-12-02T20:00:00.123456Z".
bool albTime(const std::string& text, std::int64_t& us) {
    const std::size_t dot = text.find('.');
    const QDateTime t = QDateTime::fromString(
        QString::fromStdString(text.substr(0, dot)) + QStringLiteral("Z"), Qt::ISODate);
    if (!t.isValid()) return false;
    std::int64_t fraction = 0;
    if (dot != std::string::npos) {
        std::string digits;
        for (std::size_t i = dot + 1;
             i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); ++i)
            digits += text[i];
        digits = (digits + "000000").substr(0, 6);
        fraction = std::atoll(digits.c_str());
    }
    us = t.toMSecsSinceEpoch() / 1000 * 1'000'000 + fraction;
    return true;
}

class AccessLogReader final : public CaptureReader {
public:
    AccessLogReader(std::unique_ptr<ByteSource> source, std::string file, const ReaderOptions& o,
                    CaptureFormat format)
        : m_source(std::move(source)), m_options(o), m_file(std::move(file)), m_format(format) {
        m_stats.gzip = m_source->gzip();
        m_stats.zstd = m_source->zstd();
    }

    bool next(CaptureRecord& record) override {
        std::string_view line;
        std::int64_t offset = 0;
        bool terminated = false;
        while (m_error.empty() && m_source->nextLine(line, offset, terminated)) {
            ++m_line;
            if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
            if (line.empty()) continue;
            std::string why;
            const int placed = parse(line, record, why);
            if (placed > 0) {
                ++m_stats.records;
                return true;
            }
            if (placed == 0) {
                ++m_stats.unmatched;
                continue;
            }
            if (!terminated) {  // a cut last line
                m_stats.truncated = true;
                return false;
            }
            CaptureError e{m_file, m_line, offset, why};
            if (m_options.onError == OnError::Stop) {
                m_error = std::move(e);
                return false;
            }
            if (m_stats.firstBad.empty()) m_stats.firstBad = e;
            ++m_stats.skippedBad;
        }
        if (m_error.empty() && !m_source->error().empty())
            m_error = {m_file, m_line, m_source->position(), m_source->error()};
        return false;
    }
    const CaptureError& error() const override { return m_error; }
    const ReadStats& stats() const override { return m_stats; }
    CaptureFormat format() const override { return m_format; }
    const CaptureHeader& header() const override { return m_header; }

private:
    // 1: a record; 0: a request no rule places; -1: a malformed line (`why`).
    int parse(std::string_view line, CaptureRecord& record, std::string& why) {
        if (!splitFields(line, m_fields)) {
            why = "an unclosed quote or bracket";
            return -1;
        }
        const bool alb = m_format == CaptureFormat::Alb;
        const std::size_t requestField = alb ? 12 : 4;
        if (m_fields.size() <= requestField) {
            why = alb ? "expected the ALB log format (type time elb client target ... \"request\")"
                      : "expected nginx's combined format (addr - user [time] \"request\" ...)";
            return -1;
        }
        std::int64_t us = 0;
        if (!(alb ? albTime(m_fields[1], us) : nginxTime(m_fields[3], us))) {
            why = "a time that is not " +
                  std::string(alb ? "ISO 8601" : "dd/Mon/yyyy:HH:mm:ss +zone") + ": '" +
                  (alb ? m_fields[1] : m_fields[3]).substr(0, 40) + "'";
            return -1;
        }
        const std::string& request = m_fields[requestField];
        m_message.startLine = request;
        m_message.headers.clear();
        m_message.body.clear();
        if (!alb && m_fields[2] != "-") m_message.headers.emplace_back("X-User-Id", m_fields[2]);
        if (m_message.method().empty() || m_message.target().empty()) {
            why = "a request that is not 'METHOD TARGET HTTP/x': '" + request.substr(0, 40) + "'";
            return -1;
        }
        if (!mapRequest(m_message, m_options, record)) return 0;
        if (!m_haveFirst) {
            m_firstUs = us;
            m_haveFirst = true;
        }
        record.atUs = us - m_firstUs;
        record.requestId.clear();
        record.source = alb ? "alb" : "access-log";
        record.verified = true;
        record.headers.clear();
        return 1;
    }

    std::unique_ptr<ByteSource> m_source;
    ReaderOptions m_options;
    std::string m_file;
    CaptureFormat m_format;
    CaptureError m_error;
    ReadStats m_stats;
    CaptureHeader m_header;
    HttpMessage m_message;
    std::vector<std::string> m_fields;
    std::int64_t m_line = 0, m_firstUs = 0;
    bool m_haveFirst = false;
};

}  // namespace

std::unique_ptr<CaptureReader> makeAccessLogReader(std::unique_ptr<ByteSource> source,
                                                   std::string file, const ReaderOptions& options,
                                                   CaptureFormat format) {
    return std::make_unique<AccessLogReader>(std::move(source), std::move(file), options, format);
}

}  // namespace stampede::capture
