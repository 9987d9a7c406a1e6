#pragma once
// The bytes of a capture file as a stream of lines, plain, gzip or zstd (recognised by their
// magic bytes; concatenated members or frames too), read in fixed-size chunks: memory is bounded
// by the chunk and the longest line allowed, never by the file. A compressed stream that stops
// early (a killed recorder) is not an error: the lines before it are delivered and truncated()
// says so.

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace stampede::capture {

class ByteSource {
public:
    static constexpr std::size_t kChunk = 1 << 16;  // small: a reader is cheap to open
    static constexpr std::size_t kMaxLine = 16 << 20;

    ~ByteSource();
    ByteSource(const ByteSource&) = delete;
    ByteSource& operator=(const ByteSource&) = delete;

    // Null with `error` when the file cannot be opened.
    static std::unique_ptr<ByteSource> open(const std::string& path, std::string& error);

    // The next line without its '\n' (a trailing '\r' is kept: the caller decides), and where it
    // starts. False at the end of the stream or on an error (error() non-empty). A last line
    // without '\n' is delivered with `terminated` false.
    bool nextLine(std::string_view& line, std::int64_t& offset, bool& terminated);
    // Up to `n` raw bytes (for bodies sized by Content-Length); fewer at the end.
    std::string_view take(std::size_t n);

    bool gzip() const { return m_gzip; }
    bool zstd() const { return m_zstd; }
    bool truncated() const { return m_truncated; }
    const std::string& error() const { return m_error; }
    std::int64_t position() const { return m_consumed; }  // decompressed bytes consumed

private:
    ByteSource() = default;
    bool fill();  // appends more decompressed bytes to m_buffer; false at the end
    bool readRaw();

    std::FILE* m_file = nullptr;
    bool m_gzip = false;
    bool m_zstd = false;
    bool m_frameOpen = false;  // zstd: a frame begun and not yet ended
    bool m_fileEnd = false;
    bool m_streamEnd = false;
    bool m_truncated = false;
    std::string m_error;
    std::vector<char> m_buffer;  // decompressed bytes; [m_begin, m_end) not consumed yet
    std::size_t m_begin = 0, m_end = 0;
    std::int64_t m_consumed = 0;
    std::vector<unsigned char> m_raw;  // compressed input
    std::size_t m_rawBegin = 0, m_rawEnd = 0;
    struct Inflater;
    std::unique_ptr<Inflater> m_inflater;
    struct ZstdReader;
    std::unique_ptr<ZstdReader> m_zstdReader;
    bool fillZstd();
};

// Where a capture is written: plain, gzip when the name ends in ".gz", zstd for ".zst".
class ByteSink {
public:
    virtual ~ByteSink() = default;
    virtual bool write(std::string_view bytes) = 0;
    // Makes everything written so far readable from the file (gzip: a sync flush; zstd: the
    // frame's blocks so far, which a streaming reader decodes before the frame ends).
    virtual bool flush() = 0;
    virtual bool close() = 0;
    static std::unique_ptr<ByteSink> create(const std::string& path, std::string& error);
};

}  // namespace stampede::capture
