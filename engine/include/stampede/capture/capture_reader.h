#pragma once
// Streaming readers of captures, one record at a time: memory stays bounded by the longest
// record, whatever the file's size. Gzip is recognised by its magic bytes and read directly.
// A reader never throws; a bad record is an error naming its file, line and byte offset.

#include <cstdint>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "stampede/capture/capture_record.h"

namespace stampede::capture {

// What a reader met besides records.
struct ReadStats {
    std::int64_t records = 0;     // returned by next()
    std::int64_t unmatched = 0;   // requests no mapping rule placed (imports), skipped
    std::int64_t responses = 0;   // responses skipped (GoReplay types 2 and 3)
    std::int64_t skippedBad = 0;  // bad records skipped under OnError::Skip
    CaptureError firstBad;        // the first bad record, when skipped
    bool gzip = false;            // the file was gzip-compressed
    bool zstd = false;            // the file was zstd-compressed
    bool truncated = false;       // the file ends mid-record or mid-stream (a killed recorder)
    std::string endReason;        // a Stampede trailer's reason ("complete", "cap", "interrupted")
};

// The capture's own header (a Stampede NDJSON capture; empty for imports).
struct CaptureHeader {
    int version = 0;
    std::string source;
    std::string created;
};

class CaptureReader {
public:
    virtual ~CaptureReader() = default;
    // The next record; false at the end or at an error (then error() is set).
    virtual bool next(CaptureRecord& record) = 0;
    virtual const CaptureError& error() const = 0;
    virtual const ReadStats& stats() const = 0;
    virtual CaptureFormat format() const = 0;
    virtual const CaptureHeader& header() const = 0;
};

// Where an imported HTTP request names its campaign or its user, when the seed APIs' defaults do
// not fit (capture_reader.cpp's mapRequest has those): tried in order, the first that finds a
// non-empty value wins; a request no rule places is unmatched, never guessed.
//   path:N        the N-th segment of the path (1-based: /api/campaigns/7/apply, path:3 is 7)
//   body:FIELD    a JSON body field (a.b for a nested one)
//   header:NAME   a header (case-insensitive)
//   query:NAME    a query parameter (percent-decoded)
//   regex:RE      RE's first group, matched against the request line's target, then the body
struct MappingRule {
    enum class Kind : std::uint8_t { Path, Body, Header, Query, Regex };
    Kind kind = Kind::Body;
    std::string name;  // field, header or parameter; the expression for Regex
    int segment = 0;   // for Path
    std::shared_ptr<const std::regex> regex;
};
// "path:3", "body:user.id", …; nullopt with `error` saying what is wrong.
std::optional<MappingRule> parseMappingRule(const std::string& text, std::string& error);

struct RequestMapping {
    std::vector<MappingRule> campaign, user;  // empty: the seed APIs' defaults
};

struct ReaderOptions {
    CaptureFormat format = CaptureFormat::Auto;
    OnError onError = OnError::Stop;
    // The campaign of requests to a path that names none (`POST /api/event/apply`): the
    // scenario's only campaign. Empty: such requests are unmatched.
    std::string defaultCampaign;
    RequestMapping mapping;  // imports only; NDJSON captures name both themselves
};

// Opens `path` (any format ReaderOptions allows; Auto looks at the first bytes). Null with
// `error` when the file cannot be opened or its format is not recognised.
std::unique_ptr<CaptureReader> openCapture(const std::string& path, const ReaderOptions& options,
                                           CaptureError& error);

}  // namespace stampede::capture
