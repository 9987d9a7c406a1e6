#include "stampede/compare/comparison.h"

#include "stampede/engine.h"
#include "stampede/live/start_options.h"

namespace stampede::compare {

namespace {
constexpr auto kPoll = std::chrono::milliseconds(50);
}

struct Comparison::Lane {
    LaneResult result;
    sim::Scenario scenario;
    std::unique_ptr<Engine> engine;  // while it runs
};

std::string validate(const ComparisonSpec& spec) {
    const int n = static_cast<int>(spec.lanes.size());
    if (n < kMinLanes || n > kMaxLanes)
        return "a comparison has " + std::to_string(kMinLanes) + " to " +
               std::to_string(kMaxLanes) + " lanes; these options make " + std::to_string(n);
    for (std::size_t i = 0; i < spec.lanes.size(); ++i) {
        sim::Scenario s = spec.scenario;
        std::string error;
        if (!applyLane(spec.lanes[i], s, error))
            return "lane " + std::to_string(i + 1) + " (" + laneLabel(spec.lanes[i]) +
                   "): " + error;
    }
    return {};
}

std::string_view toString(LaneStatus status) {
    switch (status) {
        case LaneStatus::Waiting:
            return "waiting";
        case LaneStatus::Running:
            return "running";
        case LaneStatus::Done:
            return "done";
        case LaneStatus::Skipped:
            return "skipped";
    }
    return "?";
}

Comparison::Comparison(ComparisonSpec spec) : m_spec(std::move(spec)) {
    const std::vector<std::string> labels = uniqueLabels(m_spec.lanes);
    for (std::size_t i = 0; i < m_spec.lanes.size(); ++i) {
        auto lane = std::make_unique<Lane>();
        lane->result.config = m_spec.lanes[i];
        lane->result.label = labels[i];
        lane->scenario = m_spec.scenario;
        std::string ignored;  // validate() said it applies
        applyLane(m_spec.lanes[i], lane->scenario, ignored);
        m_lanes.push_back(std::move(lane));
    }
}

Comparison::~Comparison() {
    stop();
    if (m_thread.joinable()) m_thread.join();
}

void Comparison::start() {
    if (m_thread.joinable()) return;
    m_thread = std::thread([this] { runAll(); });
}

void Comparison::stop() {
    std::lock_guard lock(m_mutex);
    m_stop = true;
    for (auto& lane : m_lanes)
        if (lane->engine) lane->engine->stop();
    m_changed.notify_all();
}

bool Comparison::waitForEnd(std::chrono::milliseconds timeout) {
    std::unique_lock lock(m_mutex);
    return m_changed.wait_for(lock, timeout, [this] { return m_finished; });
}

bool Comparison::finished() const {
    std::lock_guard lock(m_mutex);
    return m_finished;
}

std::vector<LaneResult> Comparison::lanes() const {
    std::lock_guard lock(m_mutex);
    std::vector<LaneResult> out;
    for (const auto& lane : m_lanes) {
        LaneResult r = lane->result;
        if (lane->engine) r.snapshot = lane->engine->snapshot();
        out.push_back(std::move(r));
    }
    return out;
}

// Starts the lane's run; false (and the lane skipped with the reason) when it cannot start: its
// live system is not configured or does not answer, or the comparison was stopped.
bool Comparison::startLane(Lane& lane) {
    {
        std::lock_guard lock(m_mutex);
        if (m_stop) {
            lane.result.status = LaneStatus::Skipped;
            lane.result.skipped = "the comparison was stopped before this lane ran";
            return false;
        }
    }
    auto engine = std::make_unique<Engine>();
    StartOptions options = live::startOptionsFor(lane.scenario.run, m_spec.systems);
    options.outageBound = m_spec.outageBound;
    const StartResult started = engine->start(lane.scenario, options);
    std::lock_guard lock(m_mutex);
    if (!started.ok()) {
        lane.result.status = LaneStatus::Skipped;
        lane.result.skipped = started.error;
        m_changed.notify_all();
        return false;
    }
    lane.result.status = LaneStatus::Running;
    lane.engine = std::move(engine);
    if (m_stop) lane.engine->stop();
    m_changed.notify_all();
    return true;
}

// Waits for the lane's run to end, keeps its final snapshot and lets its engine go (a lane's
// arena is the size of its arrivals; twelve of them need not stay).
void Comparison::finishLane(Lane& lane) {
    Engine* engine = nullptr;
    {
        std::lock_guard lock(m_mutex);
        engine = lane.engine.get();
    }
    if (!engine) return;
    while (!engine->waitForEnd(kPoll)) {
    }
    std::unique_ptr<Engine> done;
    std::lock_guard lock(m_mutex);
    lane.result.snapshot = engine->snapshot();
    lane.result.status = LaneStatus::Done;
    done = std::move(lane.engine);
    m_changed.notify_all();
}

void Comparison::runAll() {
    if (m_spec.concurrent) {
        for (auto& lane : m_lanes) startLane(*lane);
        for (auto& lane : m_lanes) finishLane(*lane);
    } else {
        for (auto& lane : m_lanes)
            if (startLane(*lane)) finishLane(*lane);
    }
    std::lock_guard lock(m_mutex);
    m_finished = true;
    m_changed.notify_all();
}

}  // namespace stampede::compare
