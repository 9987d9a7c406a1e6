#pragma once
// Writes a Stampede NDJSON capture: a header line (format version, source, creation time), one
// request per line, and a trailer saying why it ended. `.gz` in the name compresses it. Every
// flush() leaves a readable file: complete lines (gzip: a sync-flushed stream), so a capture
// cut short by a kill holds every line written before the last flush.

#include <cstdint>
#include <memory>
#include <string>

#include "stampede/capture/capture_record.h"

namespace stampede::capture {

class ByteSink;

struct WriterOptions {
    std::string source;         // the header's source ("run seed-001.json", "replay x.gor")
    std::int64_t maxBytes = 0;  // a size cap on the bytes written (0: none)
    std::string anonymiseKey;   // non-empty: users become keyed hashes (same user, same name)
};

class CaptureWriter {
public:
    ~CaptureWriter();  // finishes with "interrupted" if finish() was not called
    CaptureWriter(const CaptureWriter&) = delete;
    CaptureWriter& operator=(const CaptureWriter&) = delete;

    // Creates or truncates `path`; null with `error` when it cannot.
    static std::unique_ptr<CaptureWriter> create(const std::string& path,
                                                 const WriterOptions& options, std::string& error);

    // False once the cap is reached (the record is not written; the trailer says "cap") or the
    // file could not be written (error() says why).
    bool write(const CaptureRecord& record);
    bool flush();
    // Writes the trailer ("complete", "interrupted") unless the cap already ended the file.
    bool finish(const std::string& reason);

    std::int64_t records() const { return m_records; }
    bool capped() const { return m_capped; }
    const std::string& error() const { return m_error; }

private:
    CaptureWriter(std::unique_ptr<ByteSink> sink, WriterOptions options);
    bool append(const std::string& line);

    std::unique_ptr<ByteSink> m_sink;
    WriterOptions m_options;
    std::string m_line;
    std::int64_t m_records = 0;
    std::int64_t m_bytes = 0;
    bool m_capped = false;
    bool m_finished = false;
    std::string m_error;
};

// The anonymised name of `user` under `key`: "u" + 16 hex digits of HMAC-SHA256(key, user).
std::string anonymisedUser(const std::string& key, const std::string& user);

}  // namespace stampede::capture
