#include "stampede/capture/run_recorder.h"

#include "sim/arrivals.h"

namespace stampede::capture {

struct RunRecorder::Arrivals {
    std::vector<sim::Arrival> list;
};

RunRecorder::~RunRecorder() = default;

std::unique_ptr<RunRecorder> RunRecorder::create(const std::string& path,
                                                 const sim::Scenario& scenario,
                                                 const WriterOptions& options, std::string& error) {
    std::unique_ptr<RunRecorder> r(new RunRecorder);
    r->m_writer = CaptureWriter::create(path, options, error);
    if (!r->m_writer) return nullptr;
    // The same list the run's plan makes (RunPlan::make): deterministic for a scenario.
    r->m_arrivals = std::make_unique<Arrivals>(Arrivals{sim::generateArrivals(scenario)});
    for (const auto& c : scenario.campaigns) r->m_campaignIds.push_back(c.id);
    return r;
}

bool RunRecorder::recordUpTo(std::int64_t fed) {
    const auto& list = m_arrivals->list;
    fed = std::min<std::int64_t>(fed, std::int64_t(list.size()));
    CaptureRecord record;
    record.source = "sim";
    for (; m_written < fed; ++m_written) {
        const sim::Arrival& a = list[std::size_t(m_written)];
        record.atUs = a.atUs;
        record.campaign = m_campaignIds[a.campaign];
        record.user = std::to_string(a.user);
        record.verified = a.verified();
        if (!m_writer->write(record)) return m_writer->capped();
    }
    return m_writer->flush();
}

bool RunRecorder::finish(const std::string& reason) {
    return m_writer->finish(reason);
}

}  // namespace stampede::capture
