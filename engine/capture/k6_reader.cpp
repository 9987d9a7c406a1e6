#include "capture/k6_reader.h"

#include <QByteArray>
#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>

#include <cctype>

#include "capture/http_request.h"
#include "capture/request_mapping.h"

namespace stampede::capture {

bool isoTimeUs(const std::string& text, std::int64_t& us) {
    if (text.size() < 20 || text[10] != 'T') return false;
    std::size_t i = 19;
    std::string digits;
    if (text[i] == '.')
        for (++i; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); ++i)
            digits += text[i];
    const std::string zone = text.substr(i);
    if (zone != "Z" && !(zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':'))
        return false;
    const QDateTime t =
        QDateTime::fromString(QString::fromStdString(text.substr(0, 19) + zone), Qt::ISODate);
    if (!t.isValid()) return false;
    us = t.toSecsSinceEpoch() * 1'000'000 + std::atoll((digits + "000000").substr(0, 6).c_str());
    return true;
}

namespace {

class K6Reader final : public CaptureReader {
public:
    K6Reader(std::unique_ptr<ByteSource> source, std::string file, const ReaderOptions& o)
        : m_source(std::move(source)), m_options(o), m_file(std::move(file)) {
        m_stats.gzip = m_source->gzip();
        m_stats.zstd = m_source->zstd();
    }

    bool next(CaptureRecord& record) override {
        std::string_view line;
        std::int64_t offset = 0;
        bool terminated = false;
        while (m_error.empty() && m_source->nextLine(line, offset, terminated)) {
            ++m_line;
            if (line.empty() || line == "\r") continue;
            // Cheap test first: most lines are other metrics' points.
            if (line.find("\"http_reqs\"") == std::string_view::npos) continue;
            std::string why;
            const int placed = parse(line, record, why);
            if (placed > 0) {
                ++m_stats.records;
                return true;
            }
            if (placed == 0) continue;
            if (!terminated) {
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
    CaptureFormat format() const override { return CaptureFormat::K6; }
    const CaptureHeader& header() const override { return m_header; }

private:
    // 1: a record; 0: not a request, or one no rule places (counted); -1: malformed (`why`).
    int parse(std::string_view line, CaptureRecord& record, std::string& why) {
        QJsonParseError error{};
        const QJsonObject o =
            QJsonDocument::fromJson(QByteArray::fromRawData(line.data(), qsizetype(line.size())),
                                    &error)
                .object();
        if (error.error != QJsonParseError::NoError) {
            why = "bad JSON (column " + std::to_string(error.offset + 1) +
                  "): " + error.errorString().toStdString();
            return -1;
        }
        if (o.value(QLatin1String("type")).toString() != QLatin1String("Point") ||
            o.value(QLatin1String("metric")).toString() != QLatin1String("http_reqs"))
            return 0;
        const QJsonObject data = o.value(QLatin1String("data")).toObject();
        const QJsonObject tags = data.value(QLatin1String("tags")).toObject();
        const std::string time = data.value(QLatin1String("time")).toString().toStdString();
        std::int64_t us = 0;
        if (!isoTimeUs(time, us)) {
            why =
                "an http_reqs point whose data.time is not ISO 8601: '" + time.substr(0, 40) + "'";
            return -1;
        }
        const std::string method = tags.value(QLatin1String("method")).toString().toStdString();
        const std::string url = tags.value(QLatin1String("url")).toString().toStdString();
        if (method.empty() || url.empty()) {
            why = "an http_reqs point without tags.method or tags.url";
            return -1;
        }
        m_message.startLine = method + " " + url + " HTTP/1.1";
        m_message.headers.clear();
        m_message.body.clear();
        // A custom tag naming the user stands where a header would.
        for (const char* name : {"userId", "user_id", "email"})
            if (const QString v = tags.value(QLatin1String(name)).toString(); !v.isEmpty()) {
                m_message.headers.emplace_back("X-User-Id", v.toStdString());
                break;
            }
        if (!mapRequest(m_message, m_options, record)) {
            ++m_stats.unmatched;
            return 0;
        }
        if (!m_haveFirst) {
            m_firstUs = us;
            m_haveFirst = true;
        }
        record.atUs = us - m_firstUs;
        record.requestId.clear();
        record.source = "k6";
        record.verified = true;
        record.headers.clear();
        return 1;
    }

    std::unique_ptr<ByteSource> m_source;
    ReaderOptions m_options;
    std::string m_file;
    CaptureError m_error;
    ReadStats m_stats;
    CaptureHeader m_header;
    HttpMessage m_message;
    std::int64_t m_line = 0, m_firstUs = 0;
    bool m_haveFirst = false;
};

}  // namespace

std::unique_ptr<CaptureReader> makeK6Reader(std::unique_ptr<ByteSource> source, std::string file,
                                            const ReaderOptions& options) {
    return std::make_unique<K6Reader>(std::move(source), std::move(file), options);
}

}  // namespace stampede::capture
