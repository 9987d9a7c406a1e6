#pragma once
// A run's persistence, for every front end: the run begun in the store with its campaigns, the
// write-behind sink that stores its coupons, events and dead letters behind the decision path,
// and the run closed with its summary. A run never finished here (the process was killed) stays
// "running" in the store until the next open marks it interrupted.

#include <QJsonObject>

#include <cstdint>
#include <memory>
#include <string>

#include "stampede/engine.h"
#include "stampede/store/store_url.h"
#include "stampede/store/write_behind_sink.h"

namespace stampede::live {

// Opens the store once to check it (reachable, password, schema): false with `error` naming
// what and where. Nothing is written.
bool checkStore(const store::StoreUrl& url, std::string& error);

class RunPersistence {
public:
    // Begins a run of `scenario` in the store at `url` and starts storing what `engine` decides
    // (`eventSampling`: the share of the request event log kept). Null with `error` on failure.
    // Opens its own connection, so any thread may call it.
    static std::unique_ptr<RunPersistence> begin(Engine& engine, const store::StoreUrl& url,
                                                 const sim::Scenario& scenario,
                                                 double eventSampling, std::string& error);
    ~RunPersistence();  // stops the sink; the run is left for the next open to mark

    std::int64_t runId() const { return m_runId; }
    const store::StoreUrl& url() const { return m_url; }
    std::int64_t rowsWritten() const { return m_sink->rowsWritten(); }

    struct Outcome {
        store::SinkStats stats;
        bool complete = false;  // every issued coupon reached the store
        std::string error;      // why not, or why the run could not be closed
    };
    // Drains the sink, adds the "persistence" section to `summary` and closes the run with it
    // (completed or stopped, as `snapshot` says). Opens its own connection on the calling thread.
    Outcome finish(const Snapshot& snapshot, QJsonObject& summary);

private:
    RunPersistence(store::StoreUrl url, std::int64_t runId,
                   std::unique_ptr<store::WriteBehindSink> sink);

    store::StoreUrl m_url;
    std::int64_t m_runId = 0;
    std::unique_ptr<store::WriteBehindSink> m_sink;
};

}  // namespace stampede::live
