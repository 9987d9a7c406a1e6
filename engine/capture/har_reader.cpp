#include "capture/har_reader.h"

#include <QByteArray>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include "capture/http_request.h"
#include "capture/request_mapping.h"

namespace stampede::capture {
namespace {

// The source's bytes one at a time, with their offset.
class CharStream {
public:
    explicit CharStream(ByteSource& source) : m_source(source) {}
    int get() {
        if (m_i == m_chunk.size()) {
            m_chunk = m_source.take(ByteSource::kChunk);
            m_i = 0;
            if (m_chunk.empty()) return -1;
        }
        ++m_offset;
        return static_cast<unsigned char>(m_chunk[m_i++]);
    }
    std::int64_t offset() const { return m_offset; }  // of the next byte

private:
    ByteSource& m_source;
    std::string m_chunk;  // a copy: take()'s view ends at the next take()
    std::size_t m_i = 0;
    std::int64_t m_offset = 0;
};

class HarReader final : public CaptureReader {
public:
    HarReader(std::unique_ptr<ByteSource> source, std::string file, const ReaderOptions& o)
        : m_source(std::move(source)), m_chars(*m_source), m_options(o), m_file(std::move(file)) {
        m_stats.gzip = m_source->gzip();
        m_stats.zstd = m_source->zstd();
    }

    bool next(CaptureRecord& record) override {
        if (!m_error.empty() || m_done) return false;
        if (!m_inEntries && !findEntries()) return false;
        for (;;) {
            int c = skipSpace();
            if (c == ',') c = skipSpace();
            if (c == ']') {
                m_done = true;
                return false;
            }
            if (c != '{')
                return fail(m_chars.offset() - 1, "expected an entry object in log.entries");
            const std::int64_t at = m_chars.offset() - 1;
            if (!readObject()) return false;
            QJsonParseError parseError{};
            const QJsonObject entry =
                QJsonDocument::fromJson(
                    QByteArray::fromRawData(m_entry.data(), qsizetype(m_entry.size())), &parseError)
                    .object();
            if (parseError.error != QJsonParseError::NoError) {
                if (!bad(at + parseError.offset,
                         "bad JSON in an entry: " + parseError.errorString().toStdString()))
                    return false;
                continue;
            }
            std::string why;
            if (!toRecord(entry, record, why)) {
                if (why.empty()) {
                    ++m_stats.unmatched;
                    continue;
                }
                if (!bad(at, why)) return false;
                continue;
            }
            ++m_stats.records;
            return true;
        }
    }
    const CaptureError& error() const override { return m_error; }
    const ReadStats& stats() const override { return m_stats; }
    CaptureFormat format() const override { return CaptureFormat::Har; }
    const CaptureHeader& header() const override { return m_header; }

private:
    int skipSpace() {
        int c = m_chars.get();
        while (c == ' ' || c == '\n' || c == '\r' || c == '\t') c = m_chars.get();
        return c;
    }
    // Reads a string's body (after its opening quote) into `out` if given; false at the end.
    bool skipString(std::string* out) {
        for (;;) {
            const int c = m_chars.get();
            if (c < 0) return false;
            if (out) out->push_back(char(c));
            if (c == '"') return true;
            if (c == '\\') {
                const int e = m_chars.get();
                if (e < 0) return false;
                if (out) out->push_back(char(e));
            }
        }
    }
    // Finds the key "entries" and the '[' after it, wherever it is (HAR: log.entries).
    bool findEntries() {
        std::string token;
        for (int c = m_chars.get(); c >= 0; c = m_chars.get()) {
            if (c != '"') continue;
            token.clear();
            if (!skipString(&token)) break;
            if (token != "entries\"") continue;
            int d = skipSpace();
            if (d != ':') continue;
            d = skipSpace();
            if (d == '[') {
                m_inEntries = true;
                return true;
            }
        }
        if (!m_source->error().empty()) return fail(m_chars.offset(), m_source->error());
        return fail(m_chars.offset(), "not a HAR file: no log.entries array");
    }
    // The rest of an object whose '{' was read, into m_entry; bounded.
    bool readObject() {
        m_entry.assign(1, '{');
        int depth = 1;
        while (depth > 0) {
            const int c = m_chars.get();
            if (c < 0) return fail(m_chars.offset(), "the file ends inside an entry");
            m_entry.push_back(char(c));
            if (c == '"') {
                std::string s;
                if (!skipString(&s)) return fail(m_chars.offset(), "the file ends inside a string");
                m_entry += s;
            } else if (c == '{' || c == '[') {
                ++depth;
            } else if (c == '}' || c == ']') {
                --depth;
            }
            if (m_entry.size() > ByteSource::kMaxLine)
                return fail(m_chars.offset(), "an entry larger than 16 MiB");
        }
        return true;
    }
    // False with `why` empty: unmatched; with `why`: a malformed entry.
    bool toRecord(const QJsonObject& entry, CaptureRecord& record, std::string& why) {
        const QJsonObject request = entry.value(QLatin1String("request")).toObject();
        const QString method = request.value(QLatin1String("method")).toString();
        const QString url = request.value(QLatin1String("url")).toString();
        const QString started = entry.value(QLatin1String("startedDateTime")).toString();
        if (method.isEmpty() || url.isEmpty()) {
            why = "an entry without request.method or request.url";
            return false;
        }
        const QDateTime when = QDateTime::fromString(started, Qt::ISODateWithMs);
        if (!when.isValid()) {
            why = "an entry whose startedDateTime is not ISO 8601: '" +
                  started.left(40).toStdString() + "'";
            return false;
        }
        m_message.startLine = method.toStdString() + " " + url.toStdString() + " HTTP/1.1";
        m_message.headers.clear();
        for (const QJsonValue h : request.value(QLatin1String("headers")).toArray()) {
            const QJsonObject o = h.toObject();
            m_message.headers.emplace_back(
                o.value(QLatin1String("name")).toString().toStdString(),
                o.value(QLatin1String("value")).toString().toStdString());
        }
        // postData is optional (GET requests, and exports that leave bodies out).
        m_message.body = request.value(QLatin1String("postData"))
                             .toObject()
                             .value(QLatin1String("text"))
                             .toString()
                             .toStdString();
        if (!mapRequest(m_message, m_options, record)) return false;
        const std::int64_t us = when.toMSecsSinceEpoch() * 1000;
        if (!m_haveFirst) {
            m_firstUs = us;
            m_haveFirst = true;
        }
        record.atUs = us - m_firstUs;
        record.requestId.clear();
        record.source = "har";
        record.verified = true;
        record.headers.clear();
        return true;
    }
    bool fail(std::int64_t offset, std::string message) {
        m_error = {m_file, 0, offset, std::move(message)};
        return false;
    }
    bool bad(std::int64_t offset, std::string message) {
        CaptureError e{m_file, 0, offset, std::move(message)};
        if (m_options.onError == OnError::Stop) {
            m_error = std::move(e);
            return false;
        }
        if (m_stats.firstBad.empty()) m_stats.firstBad = e;
        ++m_stats.skippedBad;
        return true;
    }

    std::unique_ptr<ByteSource> m_source;
    CharStream m_chars;
    ReaderOptions m_options;
    std::string m_file;
    CaptureError m_error;
    ReadStats m_stats;
    CaptureHeader m_header;
    HttpMessage m_message;
    std::string m_entry;
    bool m_inEntries = false, m_done = false, m_haveFirst = false;
    std::int64_t m_firstUs = 0;
};

}  // namespace

std::unique_ptr<CaptureReader> makeHarReader(std::unique_ptr<ByteSource> source, std::string file,
                                             const ReaderOptions& options) {
    return std::make_unique<HarReader>(std::move(source), std::move(file), options);
}

}  // namespace stampede::capture
