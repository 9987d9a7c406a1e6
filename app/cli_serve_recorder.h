#pragma once
// serve --record FILE: every application the HTTP API took, as a Stampede NDJSON capture (the
// captures issue's format), so a real opening served over HTTP can be replayed later. The I/O
// threads write under one lock; flush() makes what was taken readable (a kill loses at most the
// time since the last flush).

#include <chrono>
#include <memory>
#include <mutex>
#include <string>

#include "stampede/capture/capture_writer.h"
#include "stampede/http/ingress_api.h"

namespace stampede::cli {

class ServeRecorder final : public http::ApplyObserver {
public:
    explicit ServeRecorder(std::unique_ptr<capture::CaptureWriter> writer)
        : m_writer(std::move(writer)), m_start(std::chrono::steady_clock::now()) {}

    void applied(const Submission& submission, std::string_view clientRequestId) override;
    bool flush();
    bool finish(const std::string& reason);
    std::int64_t records() const;
    bool capped() const;
    std::string error() const;

private:
    mutable std::mutex m_mutex;
    std::unique_ptr<capture::CaptureWriter> m_writer;
    std::chrono::steady_clock::time_point m_start;
};

}  // namespace stampede::cli
