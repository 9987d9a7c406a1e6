#pragma once
// A replay that runs on a thread of its own once its run is gone (from the store, from a Kafka
// dead-letter topic): its progress, with the typed outcome, behind one mutex, cancel() as a flag
// the work checks between entries. A job derived from this calls launch() last in its constructor
// and joinWork() first in its destructor, so the work never outlives the object it runs in.

#include <atomic>
#include <mutex>
#include <string>
#include <thread>

#include "stampede/run_types.h"

namespace stampede::dlq {

class BackgroundReplayJob : public ReplayJob {
public:
    Progress progress() const override {
        std::lock_guard lock(m_mutex);
        return m_progress;
    }
    void cancel() override { m_cancel.store(true); }

protected:
    virtual void work() = 0;
    void launch() {
        m_thread = std::thread([this] { work(); });
    }
    void joinWork() {
        cancel();
        if (m_thread.joinable()) m_thread.join();
    }
    bool cancelled() const { return m_cancel.load(); }
    // Changes the progress and the outcome together, as readers see them.
    template <typename Change>
    void update(Change&& change) {
        std::lock_guard lock(m_mutex);
        change(m_progress, m_progress.outcome);
    }
    // The job is over; `error` becomes the outcome's error unless one was set before.
    void finish(const std::string& error = {}) {
        std::lock_guard lock(m_mutex);
        if (m_progress.outcome.error.empty()) m_progress.outcome.error = error;
        m_progress.cancelled = m_cancel.load();
        m_progress.finished = true;
    }

private:
    std::atomic<bool> m_cancel{false};
    mutable std::mutex m_mutex;
    Progress m_progress;
    std::thread m_thread;
};

}  // namespace stampede::dlq
