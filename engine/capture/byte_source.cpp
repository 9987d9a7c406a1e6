#include "capture/byte_source.h"

#include <zlib.h>
#include <zstd.h>

#include <cerrno>
#include <cstring>

namespace stampede::capture {

struct ByteSource::Inflater {
    z_stream z{};
    bool ready = false;
    ~Inflater() {
        if (ready) inflateEnd(&z);
    }
};

struct ByteSource::ZstdReader {
    ZSTD_DStream* stream = ZSTD_createDStream();
    ~ZstdReader() { ZSTD_freeDStream(stream); }
};

ByteSource::~ByteSource() {
    if (m_file) std::fclose(m_file);
}

std::unique_ptr<ByteSource> ByteSource::open(const std::string& path, std::string& error) {
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) {
        error = std::string("cannot open: ") + std::strerror(errno);
        return nullptr;
    }
    std::unique_ptr<ByteSource> s(new ByteSource);
    s->m_file = f;
    s->m_raw.resize(kChunk);
    s->m_buffer.resize(2 * kChunk);
    if (!s->readRaw()) {
        if (!s->m_error.empty()) {
            error = s->m_error;
            return nullptr;
        }
    }
    s->m_gzip = s->m_rawEnd >= 2 && s->m_raw[0] == 0x1f && s->m_raw[1] == 0x8b;
    // zstd's frame magic, 0xFD2FB528 little-endian.
    s->m_zstd = s->m_rawEnd >= 4 && s->m_raw[0] == 0x28 && s->m_raw[1] == 0xb5 &&
                s->m_raw[2] == 0x2f && s->m_raw[3] == 0xfd;
    if (s->m_zstd) {
        s->m_zstdReader = std::make_unique<ZstdReader>();
        if (!s->m_zstdReader->stream || ZSTD_isError(ZSTD_initDStream(s->m_zstdReader->stream))) {
            error = "cannot start the zstd decoder";
            return nullptr;
        }
    }
    if (s->m_gzip) {
        s->m_inflater = std::make_unique<Inflater>();
        // 15 + 32: a gzip or zlib header, detected by zlib.
        if (inflateInit2(&s->m_inflater->z, 15 + 32) != Z_OK) {
            error = "cannot start the gzip decoder";
            return nullptr;
        }
        s->m_inflater->ready = true;
    }
    return s;
}

bool ByteSource::readRaw() {
    if (m_fileEnd) return false;
    if (m_rawBegin < m_rawEnd && m_rawBegin > 0) {
        std::memmove(m_raw.data(), m_raw.data() + m_rawBegin, m_rawEnd - m_rawBegin);
    }
    m_rawEnd -= m_rawBegin;
    m_rawBegin = 0;
    const std::size_t n = std::fread(m_raw.data() + m_rawEnd, 1, m_raw.size() - m_rawEnd, m_file);
    m_rawEnd += n;
    if (n == 0) {
        if (std::ferror(m_file)) m_error = std::string("read error: ") + std::strerror(errno);
        m_fileEnd = true;
        return false;
    }
    return true;
}

// Appends decompressed bytes after m_end (the caller made room); false when nothing more comes.
bool ByteSource::fill() {
    if (m_end == m_buffer.size()) return false;  // the caller's line is too long
    if (m_zstd) return fillZstd();
    if (!m_gzip) {
        if (m_rawBegin == m_rawEnd && !readRaw()) return false;
        const std::size_t n = std::min(m_rawEnd - m_rawBegin, m_buffer.size() - m_end);
        std::memcpy(m_buffer.data() + m_end, m_raw.data() + m_rawBegin, n);
        m_rawBegin += n;
        m_end += n;
        return true;
    }
    z_stream& z = m_inflater->z;
    for (;;) {
        if (m_streamEnd) {
            // Another gzip member may follow (concatenated files); anything else ends it.
            if (m_rawBegin == m_rawEnd && !readRaw()) return false;
            if (m_rawEnd - m_rawBegin >= 1 && m_raw[m_rawBegin] != 0x1f) return false;
            inflateReset(&z);
            m_streamEnd = false;
        }
        if (m_rawBegin == m_rawEnd && !readRaw()) {
            if (!m_error.empty()) return false;
            m_truncated = true;  // the stream stopped without its end: a killed writer
            return false;
        }
        z.next_in = m_raw.data() + m_rawBegin;
        z.avail_in = static_cast<uInt>(m_rawEnd - m_rawBegin);
        z.next_out = reinterpret_cast<Bytef*>(m_buffer.data() + m_end);
        z.avail_out = static_cast<uInt>(m_buffer.size() - m_end);
        const int rc = inflate(&z, Z_NO_FLUSH);
        const std::size_t produced = m_buffer.size() - m_end - z.avail_out;
        m_rawBegin = m_rawEnd - z.avail_in;
        m_end += produced;
        if (rc == Z_STREAM_END)
            m_streamEnd = true;
        else if (rc != Z_OK && rc != Z_BUF_ERROR) {
            m_error = std::string("gzip data is corrupt (") + (z.msg ? z.msg : "zlib error") +
                      ") near decompressed byte " + std::to_string(m_consumed + (m_end - m_begin));
            return false;
        }
        if (produced > 0) return true;
    }
}

// zstd, frame after frame (a file may hold several, as zstd -c a b > c makes).
bool ByteSource::fillZstd() {
    for (;;) {
        bool atEnd = false;
        if (m_rawBegin == m_rawEnd && !readRaw()) {
            if (!m_error.empty()) return false;
            // The decoder may still hold output of input it took (a block bigger than the room
            // there was): drained with no input before the stream is called cut short.
            if (!m_frameOpen) return false;
            atEnd = true;
        }
        ZSTD_inBuffer in{m_raw.data() + m_rawBegin, m_rawEnd - m_rawBegin, 0};
        ZSTD_outBuffer out{m_buffer.data() + m_end, m_buffer.size() - m_end, 0};
        const std::size_t rc = ZSTD_decompressStream(m_zstdReader->stream, &out, &in);
        m_rawBegin += in.pos;
        m_end += out.pos;
        if (ZSTD_isError(rc)) {
            m_error = std::string("zstd data is corrupt (") + ZSTD_getErrorName(rc) +
                      ") near decompressed byte " + std::to_string(m_consumed + (m_end - m_begin));
            return false;
        }
        m_frameOpen = rc != 0;  // 0: a frame ended (another may begin)
        if (out.pos > 0) return true;
        if (atEnd) {
            if (m_frameOpen) m_truncated = true;  // a frame without its end: a killed writer
            return false;
        }
    }
}

bool ByteSource::nextLine(std::string_view& line, std::int64_t& offset, bool& terminated) {
    std::size_t scanFrom = m_begin;
    for (;;) {
        if (const void* nl = std::memchr(m_buffer.data() + scanFrom, '\n', m_end - scanFrom)) {
            const std::size_t at =
                static_cast<std::size_t>(static_cast<const char*>(nl) - m_buffer.data());
            line = std::string_view(m_buffer.data() + m_begin, at - m_begin);
            offset = m_consumed;
            m_consumed += static_cast<std::int64_t>(at + 1 - m_begin);
            m_begin = at + 1;
            terminated = true;
            return true;
        }
        scanFrom = m_end;
        if (m_end - m_begin >= kMaxLine) {
            m_error = "a line longer than " + std::to_string(kMaxLine >> 20) + " MiB at byte " +
                      std::to_string(m_consumed);
            return false;
        }
        // Make room: move the partial line to the front, grow up to the line cap.
        if (m_begin > 0) {
            std::memmove(m_buffer.data(), m_buffer.data() + m_begin, m_end - m_begin);
            scanFrom -= m_begin;
            m_end -= m_begin;
            m_begin = 0;
        }
        if (m_buffer.size() - m_end < kChunk / 2)
            m_buffer.resize(std::min(m_buffer.size() * 2, kMaxLine + kChunk));
        if (!fill()) {
            if (!m_error.empty() || m_end == m_begin) return false;
            line = std::string_view(m_buffer.data() + m_begin, m_end - m_begin);
            offset = m_consumed;
            m_consumed += static_cast<std::int64_t>(m_end - m_begin);
            m_begin = m_end;
            terminated = false;
            return true;
        }
    }
}

std::string_view ByteSource::take(std::size_t n) {
    n = std::min(n, kMaxLine);
    while (m_end - m_begin < n) {
        if (m_begin > 0) {
            std::memmove(m_buffer.data(), m_buffer.data() + m_begin, m_end - m_begin);
            m_end -= m_begin;
            m_begin = 0;
        }
        if (m_buffer.size() - m_end < kChunk / 2)
            m_buffer.resize(std::min(m_buffer.size() * 2, kMaxLine + kChunk));
        if (!fill()) break;
    }
    n = std::min(n, m_end - m_begin);
    std::string_view out(m_buffer.data() + m_begin, n);
    m_begin += n;
    m_consumed += static_cast<std::int64_t>(n);
    return out;
}

namespace {

class FileSink final : public ByteSink {
public:
    explicit FileSink(std::FILE* f) : m_file(f) {}
    ~FileSink() override { close(); }
    bool write(std::string_view bytes) override {
        return m_file && std::fwrite(bytes.data(), 1, bytes.size(), m_file) == bytes.size();
    }
    bool flush() override { return m_file && std::fflush(m_file) == 0; }
    bool close() override {
        if (!m_file) return true;
        const bool ok = std::fclose(m_file) == 0;
        m_file = nullptr;
        return ok;
    }

private:
    std::FILE* m_file;
};

class GzipSink final : public ByteSink {
public:
    explicit GzipSink(std::FILE* f) : m_file(f) { m_out.resize(1 << 16); }
    bool init() {
        // 15 + 16: a gzip header, so gzip(1) and zcat read it.
        m_ready = deflateInit2(&m_z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8,
                               Z_DEFAULT_STRATEGY) == Z_OK;
        return m_ready;
    }
    ~GzipSink() override { close(); }
    bool write(std::string_view bytes) override { return deflateSome(bytes, Z_NO_FLUSH); }
    bool flush() override { return deflateSome({}, Z_SYNC_FLUSH) && std::fflush(m_file) == 0; }
    bool close() override {
        if (!m_file) return true;
        bool ok = deflateSome({}, Z_FINISH);
        deflateEnd(&m_z);
        ok = std::fclose(m_file) == 0 && ok;
        m_file = nullptr;
        return ok;
    }

private:
    bool deflateSome(std::string_view bytes, int mode) {
        if (!m_file || !m_ready) return false;
        m_z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
        m_z.avail_in = static_cast<uInt>(bytes.size());
        for (;;) {
            m_z.next_out = m_out.data();
            m_z.avail_out = static_cast<uInt>(m_out.size());
            const int rc = deflate(&m_z, mode);
            if (rc == Z_STREAM_ERROR) return false;
            const std::size_t have = m_out.size() - m_z.avail_out;
            if (have && std::fwrite(m_out.data(), 1, have, m_file) != have) return false;
            if (mode == Z_FINISH ? rc == Z_STREAM_END : m_z.avail_out != 0) return true;
        }
    }

    std::FILE* m_file;
    z_stream m_z{};
    bool m_ready = false;
    std::vector<unsigned char> m_out;
};

class ZstdSink final : public ByteSink {
public:
    explicit ZstdSink(std::FILE* f) : m_file(f) { m_out.resize(ZSTD_CStreamOutSize()); }
    bool init() { return m_stream != nullptr; }
    ~ZstdSink() override {
        close();
        ZSTD_freeCCtx(m_stream);
    }
    bool write(std::string_view bytes) override { return compress(bytes, ZSTD_e_continue); }
    bool flush() override { return compress({}, ZSTD_e_flush) && std::fflush(m_file) == 0; }
    bool close() override {
        if (!m_file) return true;
        bool ok = compress({}, ZSTD_e_end);
        ok = std::fclose(m_file) == 0 && ok;
        m_file = nullptr;
        return ok;
    }

private:
    bool compress(std::string_view bytes, ZSTD_EndDirective mode) {
        if (!m_file || !m_stream) return false;
        ZSTD_inBuffer in{bytes.data(), bytes.size(), 0};
        for (;;) {
            ZSTD_outBuffer out{m_out.data(), m_out.size(), 0};
            const std::size_t left = ZSTD_compressStream2(m_stream, &out, &in, mode);
            if (ZSTD_isError(left)) return false;
            if (out.pos && std::fwrite(m_out.data(), 1, out.pos, m_file) != out.pos) return false;
            // Done when the input is taken and (flush, end) nothing is left to write.
            if (mode == ZSTD_e_continue ? in.pos == in.size : left == 0) return true;
        }
    }

    std::FILE* m_file;
    ZSTD_CCtx* m_stream = ZSTD_createCCtx();
    std::vector<char> m_out;
};

}  // namespace

std::unique_ptr<ByteSink> ByteSink::create(const std::string& path, std::string& error) {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (!f) {
        error = path + ": cannot create: " + std::strerror(errno);
        return nullptr;
    }
    if (path.size() > 3 && path.compare(path.size() - 3, 3, ".gz") == 0) {
        auto sink = std::make_unique<GzipSink>(f);
        if (!sink->init()) {
            error = path + ": cannot start the gzip encoder";
            return nullptr;
        }
        return sink;
    }
    if (path.size() > 4 && path.compare(path.size() - 4, 4, ".zst") == 0) {
        auto sink = std::make_unique<ZstdSink>(f);
        if (!sink->init()) {  // the sink closes the file
            error = path + ": cannot start the zstd encoder";
            return nullptr;
        }
        return sink;
    }
    return std::make_unique<FileSink>(f);
}

}  // namespace stampede::capture
