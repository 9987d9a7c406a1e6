// The capture parsers' speed goals, each next to its raw floor from the same run: reading the
// same bytes and splitting them into lines (ByteSource), with no parsing. One core.
// Usage: bench_capture [NDJSON_RECORDS] [GOR_REQUESTS]; prints JSON.
#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

#include <chrono>
#include <cstdio>
#include <string>

#include "capture/byte_source.h"
#include "stampede/bench/floor.h"
#include "stampede/capture/capture_reader.h"
#include "stampede/capture/capture_writer.h"

using namespace stampede::capture;
using Clock = std::chrono::steady_clock;

namespace {

double seconds(Clock::time_point since) {
    return std::chrono::duration<double>(Clock::now() - since).count();
}

// Lines per second through the line splitter alone.
double floorRate(const std::string& path, std::int64_t& lines) {
    std::string error;
    auto source = ByteSource::open(path, error);
    const auto start = Clock::now();
    std::string_view line;
    std::int64_t offset = 0;
    bool terminated = false;
    lines = 0;
    std::size_t bytes = 0;
    while (source->nextLine(line, offset, terminated)) {
        ++lines;
        bytes += line.size();
    }
    const double s = seconds(start);
    if (bytes == 0) std::fputs("", stderr);
    return double(lines) / s;
}

double parseRate(const std::string& path, std::int64_t& records) {
    CaptureError error;
    auto reader = openCapture(path, {}, error);
    CaptureRecord r;
    const auto start = Clock::now();
    records = 0;
    while (reader->next(r)) ++records;
    const double s = seconds(start);
    if (!reader->error().empty()) std::fprintf(stderr, "%s\n", reader->error().toString().c_str());
    return double(records) / s;
}

}  // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    const std::int64_t ndjsonN = argc > 1 ? std::atoll(argv[1]) : 2'000'000;
    const std::int64_t gorN = argc > 2 ? std::atoll(argv[2]) : 600'000;
    QTemporaryDir dir;
    const std::string ndjson = dir.filePath(QStringLiteral("b.ndjson")).toStdString();
    const std::string gor = dir.filePath(QStringLiteral("b.gor")).toStdString();
    {
        std::string error;
        auto w = CaptureWriter::create(ndjson, {"bench", 0, ""}, error);
        CaptureRecord r;
        r.campaign = "mega-drop";
        r.source = "sim";
        for (std::int64_t i = 0; i < ndjsonN; ++i) {
            r.atUs = i * 10;
            r.user = std::to_string(i * 7919 % 1'000'003);
            w->write(r);
        }
        w->finish("complete");
        auto sink = ByteSink::create(gor, error);
        std::string p;
        for (std::int64_t i = 0; i < gorN; ++i) {
            const std::string body = "{\"userId\":\"user" + std::to_string(i) + "\"}";
            p = "1 " + std::to_string(100000 + i) + " " +
                std::to_string(1'700'000'000'000'000'000 + i * 10'000) +
                " 0\r\nPOST /api/campaigns/mega-drop/apply HTTP/1.1\r\nHost: shop.example\r\n"
                "User-Agent: Mozilla/5.0 (X11; Linux x86_64)\r\nContent-Type: application/json\r\n"
                "Content-Length: " +
                std::to_string(body.size()) + "\r\n\r\n" + body +
                "\n\xF0\x9F\x90\xB5\xF0\x9F\x99\x88\xF0\x9F\x99\x89\n";
            sink->write(p);
        }
        sink->close();
    }
    std::int64_t lines = 0, records = 0, gorLines = 0, gorRecords = 0;
    // Warm the page cache first, so both measure the same thing.
    floorRate(ndjson, lines);
    floorRate(gor, gorLines);
    const double nf = floorRate(ndjson, lines);
    const double np = parseRate(ndjson, records);
    const double gf = floorRate(gor, gorLines);
    const double gp = parseRate(gor, gorRecords);
    // The gor floor is lines per second; a payload is gorLines / gorRecords lines.
    const double gorFloorPayloads =
        gf * double(gorRecords) / double(std::max<std::int64_t>(1, gorLines));
    QJsonObject o;
    o[QStringLiteral("processor")] = QString::fromStdString(stampede::bench::processorModel());
    o[QStringLiteral("ndjson_records")] = qint64(records);
    o[QStringLiteral("ndjson_records_per_s")] = np;
    o[QStringLiteral("ndjson_floor_lines_per_s")] = nf;
    o[QStringLiteral("gor_requests")] = qint64(gorRecords);
    o[QStringLiteral("gor_requests_per_s")] = gp;
    o[QStringLiteral("gor_floor_payloads_per_s")] = gorFloorPayloads;
    std::fputs(QJsonDocument(o).toJson().constData(), stdout);
    return records == ndjsonN && gorRecords == gorN ? 0 : 1;
}
