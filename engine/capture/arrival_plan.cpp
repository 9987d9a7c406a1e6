// The replay as the run's own arrival list (capture_replay.h's plannedArrivals): one pass over the
// capture, then the loops laid one after another. A large plain NDJSON capture is read in parts on
// every core at once (its lines stand alone); anything else, and any part that meets a line only
// the streaming reader can report exactly (a bad line, a second header), takes the reader.

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cstring>
#include <thread>

#include "capture/byte_source.h"
#include "capture/ndjson_line.h"
#include "capture/replay_filter.h"
#include "stampede/capture/capture_replay.h"

namespace stampede::capture {
namespace {

using Clock = std::chrono::steady_clock;

// Below this a second thread costs more than it saves.
constexpr std::int64_t kParallelFromBytes = 4 << 20;
constexpr unsigned kMaxParts = 4;

// The scenario user number a name stands for (as the engine's user directory reads it), or 0.
std::uint32_t userNumber(const std::string& name) {
    std::uint32_t n = 0;
    const auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), n);
    if (ec != std::errc() || end != name.data() + name.size() || name.front() == '0') return 0;
    return n;
}

// Records into arrivals, with their capture offsets still (the loops are laid out afterwards).
class Placer {
public:
    enum class Placed : std::uint8_t { Kept, Filtered, Unplaceable };

    Placer(const ReplayOptions& options, const std::vector<std::string>& campaignIds)
        : m_options(options), m_ids(campaignIds) {}

    Placed place(CaptureRecord& r, GivenArrival& out) {
        if (!keepRecord(r, m_options, nullptr)) return Placed::Filtered;
        if (!m_known || r.campaign != m_lastCampaign) {
            const auto it = std::find(m_ids.begin(), m_ids.end(), r.campaign);
            if (it == m_ids.end()) return Placed::Unplaceable;
            m_lastIndex = static_cast<std::uint16_t>(it - m_ids.begin());
            m_lastCampaign = r.campaign;
            m_known = true;
        }
        const std::uint32_t user = userNumber(r.user);
        if (user == 0) return Placed::Unplaceable;
        out = {r.atUs, user, m_lastIndex, r.verified};
        return Placed::Kept;
    }

private:
    const ReplayOptions& m_options;
    const std::vector<std::string>& m_ids;
    std::string m_lastCampaign;
    std::uint16_t m_lastIndex = 0;
    bool m_known = false;
};

// One pass over the capture: its kept records in file order.
struct Pass {
    std::vector<GivenArrival> list;
    std::int64_t filtered = 0;
    ReadStats stats;
    CaptureError error;
    bool placeable = true;
};

Pass readPass(const std::string& path, const ReaderOptions& readerOptions,
              const ReplayOptions& options, const std::vector<std::string>& ids,
              std::size_t limit) {
    Pass pass;
    auto reader = openCapture(path, readerOptions, pass.error);
    if (!reader) return pass;
    Placer placer(options, ids);
    CaptureRecord record;
    GivenArrival arrival;
    while (reader->next(record)) {
        switch (placer.place(record, arrival)) {
            case Placer::Placed::Filtered:
                ++pass.filtered;
                continue;
            case Placer::Placed::Unplaceable:
                pass.placeable = false;
                return pass;
            case Placer::Placed::Kept:
                break;
        }
        if (pass.list.size() >= limit) {
            pass.placeable = false;
            return pass;
        }
        pass.list.push_back(arrival);
    }
    pass.stats = reader->stats();
    pass.error = reader->error();
    return pass;
}

// A read-only map of a whole file; empty when it cannot be mapped. The capture must not shrink
// while it is read (a file that grows, as one being recorded does, is read to where it was).
class MappedFile {
public:
    explicit MappedFile(const std::string& path) {
        const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) return;
        struct stat st {};
        if (::fstat(fd, &st) == 0 && st.st_size > 0) {
            void* p = ::mmap(nullptr, std::size_t(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
            if (p != MAP_FAILED) {
                m_data = static_cast<const char*>(p);
                m_size = std::size_t(st.st_size);
                ::madvise(p, m_size, MADV_SEQUENTIAL);
            }
        }
        ::close(fd);
    }
    ~MappedFile() {
        if (m_data) ::munmap(const_cast<char*>(m_data), m_size);
    }
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;
    const char* data() const { return m_data; }
    std::size_t size() const { return m_size; }

private:
    const char* m_data = nullptr;
    std::size_t m_size = 0;
};

// What one part of the file held.
struct Part {
    std::vector<GivenArrival> list;
    std::int64_t records = 0, filtered = 0;
    bool needsReader = false;  // a line the streaming reader must report, or the pass was aborted
    bool unplaceable = false;
    bool trailer = false;  // the capture's end: nothing after it counts
    bool truncated = false;
    std::string endReason;
};

void readPart(const char* begin, const char* end, bool last, const ReplayOptions& options,
              const std::vector<std::string>& ids, std::atomic<bool>& abort,
              std::atomic<std::size_t>& kept, std::size_t limit, Part& part) {
    Placer placer(options, ids);
    CaptureRecord record;
    CaptureHeader header;
    GivenArrival arrival;
    part.list.reserve(std::size_t(end - begin) / 64 + 16);
    for (const char* p = begin; p < end;) {
        if ((part.records & 4095) == 0 && abort.load(std::memory_order_relaxed)) {
            part.needsReader = true;
            return;
        }
        const auto* nl = static_cast<const char*>(std::memchr(p, '\n', std::size_t(end - p)));
        const std::string_view line(p, std::size_t((nl ? nl : end) - p));
        p = nl ? nl + 1 : end;
        if (line.empty() || line == "\r") continue;
        if (line.size() > ByteSource::kMaxLine) {  // the reader's limit, and its error
            part.needsReader = true;
            return;
        }
        std::string reason;
        const LineParse parsed = parseCaptureLine(line, record, header, reason);
        if (!parsed.error.empty()) {
            // A killed recorder's half line ends the capture; any other bad line is the
            // reader's to report with its line number.
            if (last && !nl)
                part.truncated = true;
            else
                part.needsReader = true;
            return;
        }
        if (parsed.kind == LineKind::Header) {
            part.needsReader = true;
            return;
        }
        if (parsed.kind == LineKind::Trailer) {
            part.trailer = true;
            part.endReason = reason;
            return;
        }
        ++part.records;
        switch (placer.place(record, arrival)) {
            case Placer::Placed::Filtered:
                ++part.filtered;
                break;
            case Placer::Placed::Unplaceable:
                part.unplaceable = true;
                return;
            case Placer::Placed::Kept:
                // Past the limit the list is not built at all (the caller's general path
                // places such a capture), however many parts are still reading.
                if ((part.list.size() & 4095) == 0 && kept.fetch_add(4096) > limit) {
                    part.unplaceable = true;
                    abort.store(true);
                    return;
                }
                part.list.push_back(arrival);
                break;
        }
    }
}

// The pass over a plain NDJSON capture in parts; nullopt when the reader must take it.
std::optional<Pass> readPassInParts(const std::string& path, const ReaderOptions& readerOptions,
                                    const ReplayOptions& options,
                                    const std::vector<std::string>& ids, std::size_t limit) {
    const unsigned parts = std::min(kMaxParts, std::thread::hardware_concurrency());
    if (parts < 2) return std::nullopt;
    {
        CaptureError error;
        const auto reader = openCapture(path, readerOptions, error);
        if (!reader || reader->format() != CaptureFormat::Ndjson || reader->stats().gzip ||
            reader->stats().zstd)
            return std::nullopt;
    }
    const MappedFile file(path);
    if (!file.data() || std::int64_t(file.size()) < kParallelFromBytes) return std::nullopt;
    const char* const begin = file.data();
    const char* const end = begin + file.size();
    const auto* headerEnd = static_cast<const char*>(std::memchr(begin, '\n', file.size()));
    if (!headerEnd) return std::nullopt;
    {
        CaptureRecord record;
        CaptureHeader header;
        std::string reason;
        const LineParse parsed =
            parseCaptureLine({begin, std::size_t(headerEnd - begin)}, record, header, reason);
        if (!parsed.error.empty() || parsed.kind != LineKind::Header) return std::nullopt;
    }
    // Cut points just after a newline, so that every line is one part's.
    std::vector<const char*> cuts{headerEnd + 1};
    for (unsigned k = 1; k < parts; ++k) {
        const char* at = headerEnd + 1 + std::size_t(end - headerEnd - 1) * k / parts;
        at = std::max(at, cuts.back());
        const auto* nl = static_cast<const char*>(std::memchr(at, '\n', std::size_t(end - at)));
        cuts.push_back(nl ? nl + 1 : end);
    }
    cuts.push_back(end);
    std::vector<Part> found(parts);
    std::atomic<bool> abort{false};
    std::atomic<std::size_t> kept{0};  // in steps of 4,096, over every part
    std::vector<std::thread> threads;
    for (unsigned k = 0; k < parts; ++k)
        threads.emplace_back([&, k] {
            readPart(cuts[k], cuts[k + 1], k + 1 == parts, options, ids, abort, kept, limit,
                     found[k]);
            if (found[k].needsReader || found[k].unplaceable) abort.store(true);
        });
    for (std::thread& t : threads) t.join();

    Pass pass;
    std::size_t total = 0;
    for (const Part& part : found) {
        if (part.unplaceable && kept.load() > limit) {  // too many: not a list at all
            pass.placeable = false;
            return pass;
        }
        if (part.needsReader || part.unplaceable) return std::nullopt;  // the reader decides
        total += part.list.size();
        if (part.trailer) break;
    }
    if (total > limit) {
        pass.placeable = false;
        return pass;
    }
    pass.list = std::move(found.front().list);
    pass.list.reserve(total);
    for (Part& part : found) {
        if (&part != &found.front())
            pass.list.insert(pass.list.end(), part.list.begin(), part.list.end());
        pass.filtered += part.filtered;
        pass.stats.records += part.records;
        if (part.trailer) {
            pass.stats.endReason = part.endReason;
            break;
        }
        pass.stats.truncated = pass.stats.truncated || part.truncated;
    }
    // No trailer: the recorder was killed, or the file was cut.
    if (pass.stats.endReason.empty()) pass.stats.truncated = true;
    return pass;
}

}  // namespace

std::optional<std::vector<GivenArrival>> plannedArrivals(
    const std::string& path, const ReaderOptions& readerOptions, const ReplayOptions& options,
    const std::vector<std::string>& campaignIds, ReplayReport& report, std::size_t limit) {
    if (!options.userPattern.empty()) return std::nullopt;  // the regex filter: the general path
    const auto start = Clock::now();
    const int loops = std::max(1, options.loops);
    const std::size_t limitPerLoop = limit / std::size_t(loops);
    std::optional<Pass> read =
        readPassInParts(path, readerOptions, options, campaignIds, limitPerLoop);
    if (!read) read = readPass(path, readerOptions, options, campaignIds, limitPerLoop);
    Pass& pass = *read;
    report.filtered += pass.filtered * loops;
    report.stats = pass.stats;
    report.unmatched += pass.stats.unmatched * loops;
    if (!pass.error.empty()) {
        report.error = pass.error;
        return std::nullopt;
    }
    if (!pass.placeable) return std::nullopt;

    // Each loop starts one mean gap after the last one's last request, as replayCapture does.
    const double speed = std::max(options.speed, 1e-9);
    const std::int64_t firstUs = pass.list.empty() ? 0 : pass.list.front().atUs;
    std::int64_t spanUs = 0;
    for (const GivenArrival& a : pass.list) spanUs = std::max(spanUs, a.atUs - firstUs);
    const std::size_t count = pass.list.size();
    const double gapUs = count > 1 ? double(spanUs) / double(count - 1) : 1000.0;
    // The first loop stays where it was read; the others are copies of it (made from its
    // capture offsets, before those become the run's).
    std::vector<GivenArrival> out = std::move(pass.list);
    out.reserve(count * std::size_t(loops));
    double loopOffsetUs = 0;
    for (int loop = 1; loop < loops; ++loop) {
        loopOffsetUs += (double(spanUs) + gapUs) / speed;
        for (std::size_t i = 0; i < count; ++i) {
            GivenArrival a = out[i];
            a.atUs = std::int64_t(loopOffsetUs + double(a.atUs - firstUs) / speed);
            out.push_back(a);
        }
    }
    for (std::size_t i = 0; i < count; ++i)
        out[i].atUs = std::int64_t(double(out[i].atUs - firstUs) / speed);
    report.loopsDone = loops;
    // The feeders need time order; records later than the reorder window could place are here.
    // A recorded run is in order already: checking costs one pass, sorting a million ~40 ms.
    const auto earlier = [](const GivenArrival& a, const GivenArrival& b) {
        return a.atUs < b.atUs;
    };
    if (!std::is_sorted(out.begin(), out.end(), earlier))
        std::stable_sort(out.begin(), out.end(), earlier);
    // Records earlier than the first one: the run starts at the earliest.
    if (!out.empty() && out.front().atUs < 0) {
        const std::int64_t shift = -out.front().atUs;
        for (GivenArrival& a : out) a.atUs += shift;
    }
    report.sent = std::int64_t(out.size());
    report.timed = false;
    report.wallS = std::chrono::duration<double>(Clock::now() - start).count();
    return out;
}

}  // namespace stampede::capture
