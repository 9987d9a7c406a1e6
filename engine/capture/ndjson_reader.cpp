#include "capture/ndjson_reader.h"

#include "capture/ndjson_line.h"

namespace stampede::capture {
namespace {

class NdjsonReader final : public CaptureReader {
public:
    NdjsonReader(std::unique_ptr<ByteSource> source, std::string file, const ReaderOptions& o)
        : m_source(std::move(source)), m_options(o) {
        m_stats.gzip = m_source->gzip();
        m_stats.zstd = m_source->zstd();
        m_error.file = file;
        m_file = std::move(file);
    }

    bool next(CaptureRecord& record) override {
        if (!m_error.empty() || m_ended) return false;
        std::string_view line;
        std::int64_t offset = 0;
        bool terminated = true;
        while (m_source->nextLine(line, offset, terminated)) {
            ++m_line;
            if (line.empty() || line == "\r") continue;
            std::string reason;
            const LineParse p = parseCaptureLine(line, record, m_header, reason);
            if (!p.error.empty()) {
                // A killed recorder leaves at most one partial last line: every complete line
                // before it stands.
                if (!terminated) {
                    m_stats.truncated = true;
                    return false;
                }
                CaptureError e{m_file, m_line, offset + std::int64_t(p.column),
                               p.error + " (column " + std::to_string(p.column + 1) + ")"};
                if (m_options.onError == OnError::Skip) {
                    if (m_stats.firstBad.empty()) m_stats.firstBad = e;
                    ++m_stats.skippedBad;
                    continue;
                }
                m_error = std::move(e);
                return false;
            }
            if (p.kind == LineKind::Header) {
                if (m_line != 1) return fail(offset, "a capture header after the first line");
                continue;
            }
            if (m_line == 1)
                return fail(offset,
                            "not a Stampede capture: the first line must be its header "
                            "{\"stampede_capture\":1,...}");
            if (p.kind == LineKind::Trailer) {
                m_stats.endReason = reason;
                m_ended = true;
                return false;
            }
            ++m_stats.records;
            return true;
        }
        if (!m_source->error().empty()) return fail(m_source->position(), m_source->error());
        if (m_source->truncated()) m_stats.truncated = true;
        if (m_line == 0) return fail(0, "empty file: not a Stampede capture");
        // No trailer: the recorder was killed, or the file was cut.
        if (m_stats.endReason.empty()) m_stats.truncated = true;
        return false;
    }
    const CaptureError& error() const override { return m_error; }
    const ReadStats& stats() const override { return m_stats; }
    CaptureFormat format() const override { return CaptureFormat::Ndjson; }
    const CaptureHeader& header() const override { return m_header; }

private:
    bool fail(std::int64_t offset, std::string message) {
        m_error = {m_file, m_line, offset, std::move(message)};
        return false;
    }

    std::unique_ptr<ByteSource> m_source;
    ReaderOptions m_options;
    std::string m_file;
    CaptureError m_error;
    ReadStats m_stats;
    CaptureHeader m_header;
    std::int64_t m_line = 0;
    bool m_ended = false;
};

}  // namespace

std::unique_ptr<CaptureReader> makeNdjsonReader(std::unique_ptr<ByteSource> source,
                                                std::string file, const ReaderOptions& options) {
    return std::make_unique<NdjsonReader>(std::move(source), std::move(file), options);
}

}  // namespace stampede::capture
