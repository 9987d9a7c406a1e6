#include "pipeline/run_control.h"

namespace stampede::pipeline {

void RunControl::pause() {
    if (ended() || m_paused.exchange(true)) return;
    m_pausedAtNs.store(m_clock.nowNs());
}

bool RunControl::resume() {
    if (!m_paused.load()) return false;
    {
        std::lock_guard lock(m_mutex);
        m_pausedTotalNs.fetch_add(m_clock.nowNs() - m_pausedAtNs.load());
        m_paused.store(false);
    }
    m_changed.notify_all();
    return true;
}

void RunControl::requestStop() {
    {
        std::lock_guard lock(m_mutex);
        m_stopRequested.store(true);
        m_paused.store(false);
    }
    m_changed.notify_all();
}

void RunControl::shutDown() {
    {
        std::lock_guard lock(m_mutex);
        m_stopRequested.store(true);
        m_paused.store(false);
        m_shutdown.store(true);
    }
    m_changed.notify_all();
}

void RunControl::abandon() {
    m_abandoned.store(true);
    requestStop();
}

std::int64_t RunControl::scenarioNowUs() const {
    std::int64_t paused = m_pausedTotalNs.load(std::memory_order_relaxed);
    if (m_paused.load(std::memory_order_relaxed))
        paused += m_clock.nowNs() - m_pausedAtNs.load(std::memory_order_relaxed);
    return (m_clock.nowNs() - paused) / 1000;
}

void RunControl::waitWhilePaused() {
    if (!m_paused.load(std::memory_order_relaxed)) return;
    std::unique_lock lock(m_mutex);
    m_changed.wait(lock, [this] { return !m_paused.load() || m_shutdown.load(); });
}

void RunControl::markEnded() {
    std::lock_guard lock(m_mutex);
    m_ended.store(true, std::memory_order_release);
}

void RunControl::markEndPublished() {
    {
        std::lock_guard lock(m_mutex);
        m_endPublished.store(true, std::memory_order_release);
    }
    m_changed.notify_all();
}

bool RunControl::waitForEnd(std::chrono::milliseconds timeout) {
    std::unique_lock lock(m_mutex);
    return m_changed.wait_for(lock, timeout, [this] { return m_endPublished.load(); });
}

}  // namespace stampede::pipeline
