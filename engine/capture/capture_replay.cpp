#include "stampede/capture/capture_replay.h"

#include <absl/container/flat_hash_map.h>

#include "capture/replay_filter.h"

#include <algorithm>
#include <chrono>
#include <queue>
#include <regex>
#include <thread>

#ifdef __linux__
#include <sys/prctl.h>
#endif

namespace stampede::capture {
namespace {

using Clock = std::chrono::steady_clock;

// The records of one pass over the capture, filtered and renamed, in time order as far as the
// reorder window allows (ties keep file order).
class OrderedPass {
public:
    OrderedPass(CaptureReader& reader, const ReplayOptions& options, const std::regex* users,
                ReplayReport& report)
        : m_reader(reader), m_options(options), m_users(users), m_report(report) {}

    // The next record, or null at the end (or at an error: m_reader.error()).
    CaptureRecord* next() {
        if (m_taken != kNone) m_free.push_back(m_taken);
        m_taken = kNone;
        while (!m_readerDone && m_heap.size() < std::max<std::size_t>(1, m_options.reorderWindow))
            readOne();
        if (m_heap.empty()) return nullptr;
        const Pending p = m_heap.top();
        m_heap.pop();
        if (p.atUs < m_lastAtUs) ++m_report.lateInFile;
        m_lastAtUs = std::max(m_lastAtUs, p.atUs);
        m_taken = p.slot;
        return &m_slots[p.slot];
    }

private:
    static constexpr std::uint32_t kNone = UINT32_MAX;
    struct Pending {
        std::int64_t atUs;
        std::uint64_t seq;
        std::uint32_t slot;
        bool operator>(const Pending& o) const {
            return atUs != o.atUs ? atUs > o.atUs : seq > o.seq;
        }
    };

    void readOne() {
        if (m_free.empty()) {
            m_free.push_back(std::uint32_t(m_slots.size()));
            m_slots.emplace_back();
        }
        const std::uint32_t slot = m_free.back();
        CaptureRecord& r = m_slots[slot];
        if (!m_reader.next(r)) {
            m_readerDone = true;
            return;
        }
        if (!keep(r)) {
            ++m_report.filtered;
            return;
        }
        m_free.pop_back();
        m_heap.push({r.atUs, m_seq++, slot});
    }

    bool keep(CaptureRecord& r) const { return keepRecord(r, m_options, m_users); }

    CaptureReader& m_reader;
    const ReplayOptions& m_options;
    const std::regex* m_users;
    ReplayReport& m_report;
    std::vector<CaptureRecord> m_slots;
    std::vector<std::uint32_t> m_free;
    std::priority_queue<Pending, std::vector<Pending>, std::greater<>> m_heap;
    std::uint64_t m_seq = 0;
    std::uint32_t m_taken = kNone;
    bool m_readerDone = false;
    std::int64_t m_lastAtUs = INT64_MIN;
};

// Sleeps most of the way, then spins the last stretch: a sleep alone overshoots by its timer
// slack (50 us by default, set to 1 us for the replay below). The spin is short, because a
// thread that spins loses the processor to others on a busy machine, and the replay's lateness
// is then the scheduler's.
void waitUntil(Clock::time_point due, const ReplayControl& control) {
    constexpr auto kSpin = std::chrono::microseconds(30);
    constexpr auto kSlice = std::chrono::milliseconds(50);  // how often a cancel is seen
    for (auto now = Clock::now(); now < due; now = Clock::now()) {
        if (control.cancel.load(std::memory_order_relaxed)) return;
        if (due - now > kSpin)
            std::this_thread::sleep_for(std::min<Clock::duration>(due - now - kSpin, kSlice));
    }
}

}  // namespace

ReplayReport replayCapture(const std::string& path, const ReaderOptions& readerOptions,
                           const ReplayOptions& options, ReplayTarget* target,
                           ReplayControl& control, CaptureWriter* record) {
    ReplayReport report;
    std::optional<std::regex> users;
    if (!options.userPattern.empty()) {
        try {
            users.emplace(options.userPattern, std::regex::ECMAScript | std::regex::optimize);
        } catch (const std::regex_error& e) {
            report.filterError = "--user: not a regular expression: " + std::string(e.what());
            return report;
        }
    }
    const bool maxRate = options.rate && *options.rate <= 0;
    const bool fixedRate = options.rate && *options.rate > 0;
    report.timed = !maxRate;
    const double nsPerUs = 1000.0 / std::max(options.speed, 1e-9);
    const double nsPerRequest = fixedRate ? 1e9 / *options.rate : 0;

    absl::flat_hash_map<std::int64_t, std::int64_t> perSecond, perMs;
    Submission submission;
    CaptureRecord sent;
    std::int64_t firstUs = 0, spanUs = 0, count0 = 0;
    double loopOffsetNs = 0, lastDueNs = 0;
#ifdef __linux__
    // Sleeps that end within a microsecond of their time, for this thread, during the replay.
    const int slack = prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0);
    if (target) prctl(PR_SET_TIMERSLACK, 1000UL, 0, 0, 0);
    struct RestoreSlack {
        int ns;
        ~RestoreSlack() {
            if (ns > 0) prctl(PR_SET_TIMERSLACK, static_cast<unsigned long>(ns), 0, 0, 0);
        }
    } restoreSlack{target ? slack : 0};
#endif
    const Clock::time_point start = Clock::now();
    for (int loop = 0; loop < std::max(1, options.loops); ++loop) {
        auto reader = openCapture(path, readerOptions, report.error);
        if (!reader) return report;
        OrderedPass pass(*reader, options, users ? &*users : nullptr, report);
        std::int64_t inLoop = 0;
        while (CaptureRecord* r = pass.next()) {
            if (control.cancel.load(std::memory_order_relaxed)) {
                report.cancelled = true;
                break;
            }
            if (loop == 0) {
                if (count0 == 0) firstUs = r->atUs;
                spanUs = std::max(spanUs, r->atUs - firstUs);
                ++count0;
            }
            double dueNs = 0;
            if (fixedRate)
                dueNs = double(report.sent) * nsPerRequest;
            else if (!maxRate)
                dueNs = loopOffsetNs + double(r->atUs - firstUs) * nsPerUs;
            lastDueNs = std::max(lastDueNs, dueNs);
            ++inLoop;
            if (!target) {  // a dry run measures the schedule
                const auto dueUs = std::int64_t(dueNs / 1000);
                ++perSecond[dueUs / 1'000'000];
                ++perMs[dueUs / 1000];
                ++report.sent;
                continue;
            }
            const auto due = start + std::chrono::nanoseconds(std::int64_t(dueNs));
            if (!maxRate) waitUntil(due, control);
            submission.campaignId = r->campaign;
            submission.user = r->user;
            submission.verified = r->verified;
            const Clock::time_point now = Clock::now();
            const SubmitResult result = target->submit(submission);
            if (!maxRate)
                report.lateness.record(std::uint64_t(std::max<std::int64_t>(
                    0, std::chrono::duration_cast<std::chrono::nanoseconds>(now - due).count())));
            ++report.sent;
            control.sent.store(report.sent, std::memory_order_relaxed);
            switch (result.outcome) {
                case SubmitResult::Outcome::Accepted:
                    ++report.accepted;
                    break;
                case SubmitResult::Outcome::Duplicate:
                    ++report.duplicates;
                    break;
                case SubmitResult::Outcome::Refused:
                    if (report.refused++ == 0) report.firstRefusal = result.error;
                    break;
            }
            if (record) {
                sent = *r;
                sent.source = "replay";
                sent.atUs =
                    std::chrono::duration_cast<std::chrono::microseconds>(now - start).count();
                record->write(sent);
            }
        }
        report.stats = reader->stats();
        report.unmatched += report.stats.unmatched;
        if (!reader->error().empty()) {
            report.error = reader->error();
            break;
        }
        if (report.cancelled) break;
        ++report.loopsDone;
        // The next loop starts one mean gap after this one's last request.
        const double gapUs = count0 > 1 ? double(spanUs) / double(count0 - 1) : 1000.0;
        loopOffsetNs += (double(spanUs) + gapUs) * nsPerUs;
        (void)inLoop;
    }
    report.scheduledS = lastDueNs / 1e9;
    report.wallS = std::chrono::duration<double>(Clock::now() - start).count();
    for (const auto& [s, n] : perSecond) report.peakPerSecond = std::max(report.peakPerSecond, n);
    for (const auto& [ms, n] : perMs) report.peakPerMs = std::max(report.peakPerMs, n);
    return report;
}

bool parseCampaignMap(const std::string& text,
                      std::vector<std::pair<std::string, std::string>>& out, std::string& error) {
    std::size_t start = 0;
    while (start <= text.size()) {
        const std::size_t comma = std::min(text.find(',', start), text.size());
        std::string item = text.substr(start, comma - start);
        item.erase(0, item.find_first_not_of(' '));
        item.erase(item.find_last_not_of(' ') + 1);
        start = comma + 1;
        if (item.empty()) continue;
        const std::size_t eq = item.find('=');
        if (eq == 0 || eq == std::string::npos || eq + 1 == item.size()) {
            error = "expected OLD=NEW[,OLD=NEW...], got '" + item + "'";
            return false;
        }
        out.emplace_back(item.substr(0, eq), item.substr(eq + 1));
    }
    return true;
}

}  // namespace stampede::capture
