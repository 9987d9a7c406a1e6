// Opening a capture: the file, its compression and its format (given, or told by its first line).

#include "stampede/capture/capture_reader.h"

#include "capture/access_log_reader.h"
#include "capture/byte_source.h"
#include "capture/gor_reader.h"
#include "capture/har_reader.h"
#include "capture/k6_reader.h"
#include "capture/ndjson_reader.h"

namespace stampede::capture {

std::string_view toString(CaptureFormat format) {
    switch (format) {
        case CaptureFormat::Auto:
            return "auto";
        case CaptureFormat::Ndjson:
            return "ndjson";
        case CaptureFormat::Gor:
            return "gor";
        case CaptureFormat::Har:
            return "har";
        case CaptureFormat::AccessLog:
            return "access-log";
        case CaptureFormat::Alb:
            return "alb";
        case CaptureFormat::K6:
            return "k6";
    }
    return "auto";
}

std::optional<CaptureFormat> parseCaptureFormat(std::string_view text) {
    for (CaptureFormat f :
         {CaptureFormat::Auto, CaptureFormat::Ndjson, CaptureFormat::Gor, CaptureFormat::Har,
          CaptureFormat::AccessLog, CaptureFormat::Alb, CaptureFormat::K6})
        if (toString(f) == text) return f;
    return std::nullopt;
}

std::string CaptureError::toString() const {
    if (line == 0 && byteOffset == 0) return file + ": " + message;
    if (line > 0)
        return file + ":" + std::to_string(line) + ": " + message + " (byte " +
               std::to_string(byteOffset) + ")";
    return file + ": byte " + std::to_string(byteOffset) + ": " + message;
}

namespace {

// A GoReplay file starts with a payload header "1 <id> <timestamp>..." (or 2, 3).
bool looksLikeGor(std::string_view firstLine) {
    return firstLine.size() > 2 &&
           (firstLine[0] == '1' || firstLine[0] == '2' || firstLine[0] == '3') &&
           firstLine[1] == ' ';
}

// An ALB line starts with its type and an ISO time: "https 2026-12-02T20:00:00.123456Z ...".
bool looksLikeAlb(std::string_view firstLine) {
    for (std::string_view type : {"http ", "https ", "h2 ", "grpcs ", "ws ", "wss "})
        if (firstLine.substr(0, type.size()) == type) {
            const std::string_view time = firstLine.substr(type.size(), 20);
            return time.size() == 20 && time[4] == '-' && time[10] == 'T';
        }
    return false;
}

}  // namespace

std::unique_ptr<CaptureReader> openCapture(const std::string& path, const ReaderOptions& options,
                                           CaptureError& error) {
    std::string message;
    auto source = ByteSource::open(path, message);
    if (!source) {
        error = {path, 0, 0, message};
        return nullptr;
    }
    CaptureFormat format = options.format;
    if (format == CaptureFormat::Auto) {
        // Peek at the first line through a second source: the stream cannot be rewound.
        auto peek = ByteSource::open(path, message);
        std::string_view first;
        std::int64_t offset = 0;
        bool terminated = false;
        if (!peek || !peek->nextLine(first, offset, terminated)) {
            error = {
                path, 0, 0,
                peek && !peek->error().empty() ? peek->error() : "empty file: nothing to read"};
            return nullptr;
        }
        // A Stampede capture's first line is its whole header; a HAR's starts one JSON
        // document (pretty-printed: "{" alone, or {"log": ...).
        if (!first.empty() && first.front() == '{')
            format = first.find("\"stampede_capture\"") != std::string_view::npos ||
                             first.find("\"t_us\"") != std::string_view::npos
                         ? CaptureFormat::Ndjson
                     : first.find("\"type\":\"Metric\"") != std::string_view::npos ||
                             first.find("\"type\":\"Point\"") != std::string_view::npos
                         ? CaptureFormat::K6
                         : CaptureFormat::Har;
        else if (looksLikeGor(first))
            format = CaptureFormat::Gor;
        else if (looksLikeAlb(first))
            format = CaptureFormat::Alb;
        else if (first.find(" [") != std::string_view::npos &&
                 first.find("] \"") != std::string_view::npos)
            format = CaptureFormat::AccessLog;
        else {
            error = {path, 1, 0,
                     "unknown capture format (not Stampede NDJSON, GoReplay, HAR, an nginx "
                     "combined log, an ALB log or k6 JSON); name it with --format"};
            return nullptr;
        }
    }
    if (format == CaptureFormat::Gor) return makeGorReader(std::move(source), path, options);
    if (format == CaptureFormat::Har) return makeHarReader(std::move(source), path, options);
    if (format == CaptureFormat::K6) return makeK6Reader(std::move(source), path, options);
    if (format == CaptureFormat::AccessLog || format == CaptureFormat::Alb)
        return makeAccessLogReader(std::move(source), path, options, format);
    return makeNdjsonReader(std::move(source), path, options);
}

}  // namespace stampede::capture
