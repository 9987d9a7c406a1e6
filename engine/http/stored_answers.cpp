#include "http/stored_answers.h"

#include "core/thread_name.h"

namespace stampede::http {

namespace {
HttpResponse notStoredYet(core::RequestId id, std::chrono::milliseconds within) {
    HttpResponse r = errorResponse(
        503, "request " + std::to_string(id) + " was taken but not stored by the queue within " +
                 std::to_string(within.count()) +
                 " ms: apply again (the same application answers with its first request), or "
                 "ask /api/requests/" +
                 std::to_string(id));
    r.headers.emplace_back("Retry-After", "1");
    return r;
}
}  // namespace

StoredAnswers::StoredAnswers(Engine& engine, std::chrono::milliseconds within)
    : m_engine(engine), m_within(within), m_thread([this] { watch(); }) {}

StoredAnswers::~StoredAnswers() {
    finish();
}

void StoredAnswers::finish() {
    std::vector<Waiting> left;
    {
        std::lock_guard lock(m_mutex);
        if (m_finished) return;
        m_stopping = true;
        m_finished = true;
    }
    m_wake.notify_all();
    m_thread.join();
    {
        std::lock_guard lock(m_mutex);
        left.swap(m_waiting);
    }
    for (Waiting& w : left)
        w.deferred->resolve(m_engine.stored(w.id) ? std::move(w.answer)
                                                  : notStoredYet(w.id, m_within));
}

HttpResponse StoredAnswers::whenStored(core::RequestId id, HttpResponse answer) {
    if (m_engine.stored(id)) return answer;
    {
        std::lock_guard lock(m_mutex);
        if (m_finished) return notStoredYet(id, m_within);
    }
    HttpResponse later;
    later.deferred = std::make_shared<DeferredAnswer>();
    {
        std::lock_guard lock(m_mutex);
        m_waiting.push_back(
            {id, std::move(answer), later.deferred, std::chrono::steady_clock::now() + m_within});
    }
    m_wake.notify_one();
    return later;
}

void StoredAnswers::watch() {
    core::nameThisThread("sp-http-stored");
    std::vector<Waiting> ready;
    std::unique_lock lock(m_mutex);
    while (!m_stopping) {
        if (m_waiting.empty()) {
            m_wake.wait(lock, [this] { return m_stopping || !m_waiting.empty(); });
            continue;
        }
        const auto now = std::chrono::steady_clock::now();
        // Answered outside the lock: resolving hands the answer to a connection's thread.
        for (std::size_t i = 0; i < m_waiting.size();) {
            Waiting& w = m_waiting[i];
            const bool stored = m_engine.stored(w.id);
            if (stored || now >= w.deadline) {
                if (!stored) w.answer = notStoredYet(w.id, m_within);
                ready.push_back(std::move(w));
                m_waiting[i] = std::move(m_waiting.back());
                m_waiting.pop_back();
            } else {
                ++i;
            }
        }
        lock.unlock();
        for (Waiting& w : ready) w.deferred->resolve(std::move(w.answer));
        ready.clear();
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
        lock.lock();
    }
}

}  // namespace stampede::http
