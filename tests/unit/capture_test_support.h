#pragma once
// Capture files for the capture tests, written byte for byte as the tools write them, and a
// reader's whole output.

#include <QTemporaryDir>

#include <cstdio>
#include <string>
#include <vector>

#include "capture/byte_source.h"
#include "stampede/capture/capture_reader.h"

namespace capture_test {

inline std::string write(const QTemporaryDir& dir, const char* name, const std::string& bytes,
                         bool gzip = false) {
    const std::string path =
        dir.filePath(QString::fromLatin1(name)).toStdString() + (gzip ? ".gz" : "");
    std::string error;
    auto sink = stampede::capture::ByteSink::create(path, error);
    if (!sink || !sink->write(bytes) || !sink->close()) return {};
    return path;
}

struct ReadAll {
    std::vector<stampede::capture::CaptureRecord> records;
    stampede::capture::CaptureError error;
    stampede::capture::ReadStats stats;
    stampede::capture::CaptureFormat format = stampede::capture::CaptureFormat::Auto;
    bool opened = false;
};

inline ReadAll readAll(const std::string& path, stampede::capture::ReaderOptions options = {}) {
    ReadAll out;
    auto reader = stampede::capture::openCapture(path, options, out.error);
    if (!reader) return out;
    out.opened = true;
    out.format = reader->format();
    stampede::capture::CaptureRecord r;
    while (reader->next(r)) out.records.push_back(r);
    out.error = reader->error();
    out.stats = reader->stats();
    return out;
}

}  // namespace capture_test
