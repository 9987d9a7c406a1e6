#pragma once
// `run --record FILE`: the arrivals of a simulated run as a capture, written while the run
// feeds them. The CLI (or the console) calls recordUpTo() with the snapshot's arrivalsFed as
// the run goes, so a killed run leaves the arrivals taken until its last poll, and finish() at
// the end. The records are exactly what the engine plays: the scenario's arrival list.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "stampede/capture/capture_writer.h"
#include "stampede/sim/scenario.h"

namespace stampede::capture {

class RunRecorder {
public:
    ~RunRecorder();
    // Null with `error` when the file cannot be created.
    static std::unique_ptr<RunRecorder> create(const std::string& path,
                                               const sim::Scenario& scenario,
                                               const WriterOptions& options, std::string& error);

    // Writes arrivals [written, fed) and flushes. False when the file could not be written
    // (the cap is not a failure: capped() says it).
    bool recordUpTo(std::int64_t fed);
    bool finish(const std::string& reason);

    std::int64_t records() const { return m_writer->records(); }
    bool capped() const { return m_writer->capped(); }
    const std::string& error() const { return m_writer->error(); }

private:
    RunRecorder() = default;
    struct Arrivals;
    std::unique_ptr<CaptureWriter> m_writer;
    std::unique_ptr<Arrivals> m_arrivals;
    std::vector<std::string> m_campaignIds;
    std::int64_t m_written = 0;
};

}  // namespace stampede::capture
