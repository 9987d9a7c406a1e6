#include "capture/gor_reader.h"

#include <charconv>

#include "capture/http_request.h"
#include "capture/request_mapping.h"

namespace stampede::capture {
namespace {

struct PayloadHeader {
    int type = 0;
    std::string id;
    std::int64_t timestampNs = 0;
};

bool parsePayloadHeader(std::string_view line, PayloadHeader& h) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.size() < 5 || (line[0] != '1' && line[0] != '2' && line[0] != '3') || line[1] != ' ')
        return false;
    h.type = line[0] - '0';
    line.remove_prefix(2);
    const std::size_t space = line.find(' ');
    if (space == 0 || space == std::string_view::npos) return false;
    h.id.assign(line.substr(0, space));
    line.remove_prefix(space + 1);
    const std::string_view ts = line.substr(0, line.find(' '));  // the latency may follow
    const auto [p, ec] = std::from_chars(ts.data(), ts.data() + ts.size(), h.timestampNs);
    return !ts.empty() && ec == std::errc() && p == ts.data() + ts.size() && h.timestampNs >= 0;
}

class GorReader final : public CaptureReader {
public:
    GorReader(std::unique_ptr<ByteSource> source, std::string file, const ReaderOptions& o)
        : m_source(std::move(source)), m_options(o), m_file(std::move(file)) {
        m_stats.gzip = m_source->gzip();
        m_stats.zstd = m_source->zstd();
    }

    bool next(CaptureRecord& record) override {
        while (m_error.empty()) {
            std::string_view line;
            std::int64_t offset = 0;
            bool terminated = false;
            // Blank lines between payloads are tolerated.
            do {
                if (!m_source->nextLine(line, offset, terminated)) return atEnd();
            } while (line.empty() || line == "\r");
            PayloadHeader h;
            if (!parsePayloadHeader(line, h)) {
                if (!bad(offset,
                         "expected a GoReplay payload header 'TYPE ID TIMESTAMP_NS "
                         "LATENCY', got '" +
                             std::string(line.substr(0, 40)) + "'"))
                    return false;
                continue;
            }
            std::string error;
            std::int64_t errorAt = offset;
            if (!readHttpMessage(*m_source, m_message, error, errorAt)) {
                if (!m_source->error().empty()) return fail(errorAt, m_source->error());
                if (!bad(errorAt, error)) return false;
                continue;
            }
            // Whatever follows the message up to the separator belongs to this payload.
            if (!skipToSeparator()) {
                if (!m_source->error().empty())
                    return fail(m_source->position(), m_source->error());
                m_stats.truncated = true;  // the last payload lacks its separator
            }
            if (h.type != 1) {
                ++m_stats.responses;
                continue;
            }
            if (!mapRequest(m_message, m_options, record)) {
                ++m_stats.unmatched;
                continue;
            }
            if (!m_haveFirst) {
                m_firstNs = h.timestampNs;
                m_haveFirst = true;
            }
            record.atUs = (h.timestampNs - m_firstNs) / 1000;
            record.requestId = h.id;
            record.source = "gor";
            record.verified = true;
            record.headers.clear();
            ++m_stats.records;
            return true;
        }
        return false;
    }
    const CaptureError& error() const override { return m_error; }
    const ReadStats& stats() const override { return m_stats; }
    CaptureFormat format() const override { return CaptureFormat::Gor; }
    const CaptureHeader& header() const override { return m_header; }

private:
    bool skipToSeparator() {
        std::string_view line;
        std::int64_t offset = 0;
        bool terminated = false;
        while (m_source->nextLine(line, offset, terminated)) {
            if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
            if (line == kGorSeparator) return true;
        }
        return false;
    }
    bool atEnd() {
        if (!m_source->error().empty()) return fail(m_source->position(), m_source->error());
        if (m_source->truncated()) m_stats.truncated = true;
        return false;
    }
    bool fail(std::int64_t offset, std::string message) {
        m_error = {m_file, 0, offset, std::move(message)};
        return false;
    }
    // A bad payload: an error (false), or counted and skipped up to the next separator.
    bool bad(std::int64_t offset, std::string message) {
        CaptureError e{m_file, 0, offset, std::move(message)};
        if (m_options.onError == OnError::Stop) {
            m_error = std::move(e);
            return false;
        }
        if (m_stats.firstBad.empty()) m_stats.firstBad = e;
        ++m_stats.skippedBad;
        skipToSeparator();
        return true;
    }

    std::unique_ptr<ByteSource> m_source;
    ReaderOptions m_options;
    std::string m_file;
    CaptureError m_error;
    ReadStats m_stats;
    CaptureHeader m_header;
    HttpMessage m_message;
    std::int64_t m_firstNs = 0;
    bool m_haveFirst = false;
};

}  // namespace

std::unique_ptr<CaptureReader> makeGorReader(std::unique_ptr<ByteSource> source, std::string file,
                                             const ReaderOptions& options) {
    return std::make_unique<GorReader>(std::move(source), std::move(file), options);
}

}  // namespace stampede::capture
