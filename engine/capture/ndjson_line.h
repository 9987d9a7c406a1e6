#pragma once
// One line of a Stampede NDJSON capture, both ways: a request record, the header or the
// trailer. A hand-written scanner for flat JSON objects (strings, integers, booleans and one
// object of string headers), because the generic JSON parsers cost several times the
// million-records-a-second budget. Strict JSON: a malformed line is an error with its column.

#include <cstdint>
#include <string>
#include <string_view>

#include "stampede/capture/capture_reader.h"
#include "stampede/capture/capture_record.h"

namespace stampede::capture {

enum class LineKind : std::uint8_t { Record, Header, Trailer };

struct LineParse {
    LineKind kind = LineKind::Record;
    std::string error;       // empty: parsed
    std::size_t column = 0;  // 0-based byte in the line where it went wrong
};

// Parses `line` into `record` (kind Record), `header` (Header) or the trailer's reason and count.
// Lines laid out as appendRecordLine() writes them take a short path; the rest are scanned.
LineParse parseCaptureLine(std::string_view line, CaptureRecord& record, CaptureHeader& header,
                           std::string& trailerReason);
// The general scanner alone, for any key order, spacing and escapes (the tests check that both
// paths read a line alike).
LineParse scanCaptureLine(std::string_view line, CaptureRecord& record, CaptureHeader& header,
                          std::string& trailerReason);

// Appends the record as one JSON line (with '\n').
void appendRecordLine(std::string& out, const CaptureRecord& record);
void appendHeaderLine(std::string& out, const CaptureHeader& header);
void appendTrailerLine(std::string& out, const std::string& reason, std::int64_t records);
// Appends `text` as a JSON string literal, quotes included.
void appendJsonString(std::string& out, std::string_view text);

}  // namespace stampede::capture
