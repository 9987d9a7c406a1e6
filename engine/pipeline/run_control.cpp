#include "pipeline/run_control.h"

namespace stampede::pipeline {

void RunControl::pause() {
    if (ended() || (m_flags.fetch_or(kPaused) & kPaused)) return;
    m_pausedAtNs.store(m_clock.nowNs());
}

bool RunControl::resume() {
    if (!paused()) return false;
    {
        std::lock_guard lock(m_mutex);
        m_pausedTotalNs.fetch_add(m_clock.nowNs() - m_pausedAtNs.load());
        m_flags.fetch_and(static_cast<std::uint8_t>(~kPaused));
    }
    m_changed.notify_all();
    return true;
}

void RunControl::requestStop() {
    {
        std::lock_guard lock(m_mutex);
        m_flags.fetch_or(kStopRequested);
        m_flags.fetch_and(static_cast<std::uint8_t>(~kPaused));
    }
    m_changed.notify_all();
}

void RunControl::shutDown() {
    {
        std::lock_guard lock(m_mutex);
        m_flags.fetch_or(kStopRequested | kShutdown);
        m_flags.fetch_and(static_cast<std::uint8_t>(~kPaused));
    }
    m_changed.notify_all();
}

void RunControl::abandon() {
    m_flags.fetch_or(kAbandoned);
    requestStop();
}

std::int64_t RunControl::scenarioNowUs() const {
    std::int64_t paused = m_pausedTotalNs.load(std::memory_order_relaxed);
    if (has(kPaused)) paused += m_clock.nowNs() - m_pausedAtNs.load(std::memory_order_relaxed);
    return (m_clock.nowNs() - paused) / 1000;
}

void RunControl::waitWhilePaused() {
    if (!paused()) return;
    std::unique_lock lock(m_mutex);
    m_changed.wait(lock, [this] { return !paused() || shuttingDown(); });
}

void RunControl::markEnded() {
    std::lock_guard lock(m_mutex);
    m_flags.fetch_or(kEnded, std::memory_order_release);
}

void RunControl::markEndPublished() {
    {
        std::lock_guard lock(m_mutex);
        m_flags.fetch_or(kEndPublished, std::memory_order_release);
    }
    m_changed.notify_all();
}

bool RunControl::waitForEnd(std::chrono::milliseconds timeout) {
    std::unique_lock lock(m_mutex);
    return m_changed.wait_for(
        lock, timeout, [this] { return m_flags.load(std::memory_order_acquire) & kEndPublished; });
}

}  // namespace stampede::pipeline
