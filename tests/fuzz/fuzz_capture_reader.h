#pragma once
// The body of the capture fuzz targets: any bytes, read as a capture file of one format, plain
// or gzip. A reader may refuse them, but never crash, hang or grow without bound; a refusal
// names a place inside the input; an accepted record has a campaign and a user; and what the
// NDJSON writer makes of the records reads back to the same records.

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "stampede/capture/capture_reader.h"
#include "stampede/capture/capture_writer.h"

namespace fuzz_capture {

[[noreturn]] inline void fail(const char* what, const std::string& detail) {
    std::fprintf(stderr, "fuzz_capture: %s\n%s\n", what, detail.c_str());
    std::abort();
}

inline std::string scratch(const char* name) {
    const char* dir = std::getenv("TMPDIR");
    return std::string(dir && *dir ? dir : "/tmp") + "/" + name + "." + std::to_string(getpid());
}

inline int readAsCapture(const std::uint8_t* data, std::size_t size,
                         stampede::capture::CaptureFormat format, const char* name) {
    using namespace stampede::capture;
    const std::string in = scratch(name), out = in + ".ndjson";
    if (std::FILE* f = std::fopen(in.c_str(), "wb")) {
        std::fwrite(data, 1, size, f);
        std::fclose(f);
    } else {
        return 0;
    }
    for (OnError mode : {OnError::Stop, OnError::Skip}) {
        ReaderOptions options;
        options.format = format;
        options.onError = mode;
        options.defaultCampaign = "only";
        CaptureError error;
        auto reader = openCapture(in, options, error);
        if (!reader) continue;
        std::string werror;
        auto writer = CaptureWriter::create(out, {"fuzz", 0, ""}, werror);
        if (!writer) fail("cannot write the scratch file", werror);
        std::vector<CaptureRecord> records;
        CaptureRecord r;
        while (reader->next(r)) {
            if (r.campaign.empty() || r.user.empty()) fail("a record without campaign or user", "");
            if (records.size() < 1000) records.push_back(r);
            writer->write(r);
            if (reader->stats().records > std::int64_t(size) + 1)
                fail("more records than bytes", "");
        }
        const CaptureError& e = reader->error();
        if (!e.empty() && (e.byteOffset < 0 || e.message.empty()))
            fail("a refusal without its place", e.toString());
        writer->finish("complete");
        // What was written reads back to the same records.
        auto again = openCapture(out, {}, error);
        if (!again) fail("the written capture does not open", error.toString());
        std::size_t i = 0;
        while (again->next(r) && i < records.size()) {
            const CaptureRecord& w = records[i++];
            if (r.atUs != w.atUs || r.campaign != w.campaign || r.user != w.user ||
                r.requestId != w.requestId || r.verified != w.verified || r.headers != w.headers)
                fail("a record changed through the writer", w.campaign + " / " + w.user);
        }
        if (!again->error().empty())
            fail("the written capture is refused", again->error().toString());
        if (i != records.size()) fail("records lost through the writer", "");
    }
    std::remove(in.c_str());
    std::remove(out.c_str());
    return 0;
}

}  // namespace fuzz_capture
