#pragma once
// A capture is a stream of requests as they arrived: what `--record` writes and what the
// importers (Stampede NDJSON, GoReplay .gor) read. Plain values shared by the readers, the
// writer, `capture info` and the replayer; nothing here touches a file or the engine.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace stampede::capture {

inline constexpr int kFormatVersion = 1;

// One request of a capture.
struct CaptureRecord {
    std::int64_t atUs = 0;  // offset from the capture's start, microseconds
    std::string campaign;
    std::string user;
    std::string requestId;  // the client's request id; may be empty
    std::string source;     // who sent it ("sim", "replay", "gor", ...); may be empty
    bool verified = true;
    std::vector<std::pair<std::string, std::string>> headers;  // optional
};

enum class CaptureFormat : std::uint8_t { Auto, Ndjson, Gor, Har, AccessLog, Alb, K6 };
// "auto" | "ndjson" | "gor" | "har" | "access-log" (nginx combined) | "alb" | "k6"
std::string_view toString(CaptureFormat format);
std::optional<CaptureFormat> parseCaptureFormat(std::string_view text);

// Where a capture was refused: the file, the 1-based line (0: not line-based) and the byte
// offset of the record's start in the decompressed stream.
struct CaptureError {
    std::string file;
    std::int64_t line = 0;
    std::int64_t byteOffset = 0;
    std::string message;

    bool empty() const { return message.empty(); }
    // "file:line: message (byte N)" or "file: byte N: message"
    std::string toString() const;
};

// What to do with a bad record: stop at the first (the default), or count it and go on.
enum class OnError : std::uint8_t { Stop, Skip };

}  // namespace stampede::capture
