#include "stampede/capture/capture_info.h"

#include <QJsonArray>

#include <absl/container/flat_hash_map.h>
#include <absl/container/flat_hash_set.h>

#include <algorithm>
#include <map>

namespace stampede::capture {

bool summariseCapture(CaptureReader& reader, CaptureInfo& info) {
    info.format = reader.format();
    struct PerCampaign {
        std::int64_t requests = 0;
        absl::flat_hash_set<std::string> users;
    };
    std::map<std::string, PerCampaign, std::less<>> campaigns;
    absl::flat_hash_set<std::string> allUsers;
    absl::flat_hash_map<std::int64_t, std::int64_t> perSecond, perMs;
    CaptureRecord r;
    std::int64_t previous = INT64_MIN;
    bool ok = true;
    for (;;) {
        if (!reader.next(r)) {
            ok = reader.error().empty();
            break;
        }
        if (info.requests == 0) info.firstUs = info.lastUs = r.atUs;
        info.firstUs = std::min(info.firstUs, r.atUs);
        info.lastUs = std::max(info.lastUs, r.atUs);
        ++info.requests;
        if (r.atUs < previous) ++info.outOfOrder;
        previous = r.atUs;
        if (!r.verified) ++info.unverified;
        auto it = campaigns.find(r.campaign);
        if (it == campaigns.end()) it = campaigns.emplace(r.campaign, PerCampaign{}).first;
        ++it->second.requests;
        if (!it->second.users.insert(r.user).second) ++info.duplicates;
        allUsers.insert(r.user);
        ++perSecond[r.atUs / 1'000'000];
        ++perMs[r.atUs / 1000];
    }
    info.header = reader.header();
    info.stats = reader.stats();
    info.gzip = info.stats.gzip;
    info.zstd = info.stats.zstd;
    info.distinctUsers = std::int64_t(allUsers.size());
    for (const auto& [id, c] : campaigns)
        info.campaigns.push_back({id, c.requests, std::int64_t(c.users.size())});
    for (const auto& [s, n] : perSecond) info.peakPerSecond = std::max(info.peakPerSecond, n);
    for (const auto& [ms, n] : perMs) info.peakPerMs = std::max(info.peakPerMs, n);
    if (info.requests > 0) {
        const std::int64_t firstMs = info.firstUs / 1000, lastMs = info.lastUs / 1000;
        const std::int64_t bucketMs =
            std::max<std::int64_t>(1, (lastMs - firstMs) / CaptureInfo::kTimelineBuckets + 1);
        info.timelineBucketUs = bucketMs * 1000;
        info.timeline.assign(std::size_t((lastMs - firstMs) / bucketMs + 1), 0);
        for (const auto& [ms, n] : perMs)
            info.timeline[std::size_t((ms - firstMs) / bucketMs)] += n;
    }
    return ok;
}

QJsonObject toJson(const CaptureInfo& info) {
    QJsonObject o;
    o[QStringLiteral("file")] = QString::fromStdString(info.file);
    o[QStringLiteral("format")] = QString::fromLatin1(toString(info.format).data());
    o[QStringLiteral("gzip")] = info.gzip;
    o[QStringLiteral("zstd")] = info.zstd;
    o[QStringLiteral("source")] = QString::fromStdString(info.header.source);
    o[QStringLiteral("requests")] = qint64(info.requests);
    o[QStringLiteral("first_us")] = qint64(info.firstUs);
    o[QStringLiteral("last_us")] = qint64(info.lastUs);
    o[QStringLiteral("span_s")] = info.spanS();
    QJsonArray campaigns;
    for (const auto& c : info.campaigns) {
        QJsonObject co;
        co[QStringLiteral("id")] = QString::fromStdString(c.id);
        co[QStringLiteral("requests")] = qint64(c.requests);
        co[QStringLiteral("users")] = qint64(c.users);
        campaigns.append(co);
    }
    o[QStringLiteral("campaigns")] = campaigns;
    o[QStringLiteral("distinct_users")] = qint64(info.distinctUsers);
    o[QStringLiteral("duplicates")] = qint64(info.duplicates);
    o[QStringLiteral("unverified")] = qint64(info.unverified);
    o[QStringLiteral("out_of_order")] = qint64(info.outOfOrder);
    o[QStringLiteral("peak_per_second")] = qint64(info.peakPerSecond);
    o[QStringLiteral("peak_per_ms")] = qint64(info.peakPerMs);
    o[QStringLiteral("unmatched")] = qint64(info.stats.unmatched);
    o[QStringLiteral("responses_skipped")] = qint64(info.stats.responses);
    o[QStringLiteral("bad_records_skipped")] = qint64(info.stats.skippedBad);
    o[QStringLiteral("truncated")] = info.stats.truncated;
    o[QStringLiteral("end")] = QString::fromStdString(info.stats.endReason);
    return o;
}

std::string toText(const CaptureInfo& info) {
    std::string t;
    const auto line = [&t](const char* label, const std::string& value) {
        t += label;
        t += std::string(std::max<std::size_t>(1, 15 - std::char_traits<char>::length(label)), ' ');
        t += value + "\n";
    };
    line("file", info.file + (info.gzip ? " (gzip)" : info.zstd ? " (zstd)" : ""));
    line("format", std::string(toString(info.format)) +
                       (info.header.source.empty() ? "" : ", source " + info.header.source));
    line("requests", std::to_string(info.requests));
    char span[64];
    std::snprintf(span, sizeof span, "%.3f s (%lld us .. %lld us)", info.spanS(),
                  static_cast<long long>(info.firstUs), static_cast<long long>(info.lastUs));
    line("time span", span);
    std::string campaigns;
    for (const auto& c : info.campaigns)
        campaigns += (campaigns.empty() ? "" : ", ") + c.id + " (" + std::to_string(c.requests) +
                     " requests, " + std::to_string(c.users) + " users)";
    line("campaigns", campaigns.empty() ? "none" : campaigns);
    line("users", std::to_string(info.distinctUsers) + " distinct");
    line("duplicates", std::to_string(info.duplicates));
    line("peak rate", std::to_string(info.peakPerSecond) + " in one second, " +
                          std::to_string(info.peakPerMs) + " in one millisecond");
    line("unmatched", std::to_string(info.stats.unmatched));
    if (info.stats.responses) line("responses", std::to_string(info.stats.responses) + " skipped");
    if (info.outOfOrder) line("out of order", std::to_string(info.outOfOrder) + " records");
    if (info.stats.skippedBad)
        line("bad records", std::to_string(info.stats.skippedBad) +
                                " skipped, the first: " + info.stats.firstBad.toString());
    if (info.format == CaptureFormat::Ndjson)
        line("end",
             info.stats.truncated
                 ? std::string("truncated (no trailer: the recorder was killed or the file cut)")
                 : info.stats.endReason);
    return t;
}

}  // namespace stampede::capture
