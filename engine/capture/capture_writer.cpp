#include "stampede/capture/capture_writer.h"

#include <QByteArray>
#include <QCryptographicHash>
#include <QDateTime>
#include <QMessageAuthenticationCode>

#include "capture/byte_source.h"
#include "capture/ndjson_line.h"

namespace stampede::capture {

std::string anonymisedUser(const std::string& key, const std::string& user) {
    const QByteArray mac = QMessageAuthenticationCode::hash(QByteArray::fromStdString(user),
                                                            QByteArray::fromStdString(key),
                                                            QCryptographicHash::Sha256);
    return "u" + mac.left(8).toHex().toStdString();
}

CaptureWriter::CaptureWriter(std::unique_ptr<ByteSink> sink, WriterOptions options)
    : m_sink(std::move(sink)), m_options(std::move(options)) {}

CaptureWriter::~CaptureWriter() {
    if (!m_finished) finish("interrupted");
}

std::unique_ptr<CaptureWriter> CaptureWriter::create(const std::string& path,
                                                     const WriterOptions& options,
                                                     std::string& error) {
    auto sink = ByteSink::create(path, error);
    if (!sink) return nullptr;
    std::unique_ptr<CaptureWriter> w(new CaptureWriter(std::move(sink), options));
    CaptureHeader header;
    header.version = kFormatVersion;
    header.source = options.source;
    header.created = QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs).toStdString();
    std::string line;
    appendHeaderLine(line, header);
    if (!w->append(line) || !w->flush()) {
        error = path + ": cannot write: " + w->m_error;
        return nullptr;
    }
    return w;
}

bool CaptureWriter::append(const std::string& line) {
    if (!m_sink->write(line)) {
        m_error = "write failed (disk full?)";
        return false;
    }
    m_bytes += static_cast<std::int64_t>(line.size());
    return true;
}

bool CaptureWriter::write(const CaptureRecord& record) {
    if (m_capped || m_finished || !m_error.empty()) return false;
    m_line.clear();
    if (m_options.anonymiseKey.empty()) {
        appendRecordLine(m_line, record);
    } else {
        CaptureRecord hidden = record;
        hidden.user = anonymisedUser(m_options.anonymiseKey, record.user);
        appendRecordLine(m_line, hidden);
    }
    // The cap leaves room for the trailer, so a capped file still says why it ended.
    constexpr std::int64_t kTrailerRoom = 64;
    if (m_options.maxBytes > 0 &&
        m_bytes + std::int64_t(m_line.size()) + kTrailerRoom > m_options.maxBytes) {
        m_capped = true;
        std::string trailer;
        appendTrailerLine(trailer, "cap", m_records);
        append(trailer);
        m_finished = true;
        m_sink->close();
        return false;
    }
    if (!append(m_line)) return false;
    ++m_records;
    return true;
}

bool CaptureWriter::flush() {
    if (m_finished) return m_error.empty();
    if (!m_sink->flush()) {
        m_error = "flush failed (disk full?)";
        return false;
    }
    return true;
}

bool CaptureWriter::finish(const std::string& reason) {
    if (m_finished) return m_error.empty();
    m_finished = true;
    std::string trailer;
    appendTrailerLine(trailer, reason, m_records);
    const bool ok = append(trailer);
    if (!m_sink->close() && m_error.empty()) m_error = "close failed (disk full?)";
    return ok && m_error.empty();
}

}  // namespace stampede::capture
