#include "cli_serve_recorder.h"

namespace stampede::cli {

void ServeRecorder::applied(const Submission& submission, std::string_view clientRequestId) {
    capture::CaptureRecord r;
    r.atUs = std::chrono::duration_cast<std::chrono::microseconds>(
                 std::chrono::steady_clock::now() - m_start)
                 .count();
    r.campaign = submission.campaignId;
    r.user = submission.user;
    r.requestId = std::string(clientRequestId);
    r.source = "http";
    r.verified = submission.verified;
    std::lock_guard lock(m_mutex);
    m_writer->write(r);  // false once capped: the file ends cleanly, the serving goes on
}

bool ServeRecorder::flush() {
    std::lock_guard lock(m_mutex);
    return m_writer->flush();
}

bool ServeRecorder::finish(const std::string& reason) {
    std::lock_guard lock(m_mutex);
    return m_writer->finish(reason);
}

std::int64_t ServeRecorder::records() const {
    std::lock_guard lock(m_mutex);
    return m_writer->records();
}

bool ServeRecorder::capped() const {
    std::lock_guard lock(m_mutex);
    return m_writer->capped();
}

std::string ServeRecorder::error() const {
    std::lock_guard lock(m_mutex);
    return m_writer->error();
}

}  // namespace stampede::cli
