// `stampede-cli capture info FILE`: what a capture holds. `capture convert IN OUT`: any
// importable capture as Stampede NDJSON. A bad record is bad input (exit 2) naming the file and
// its line or byte; convert then leaves no output file behind.

#include <QJsonDocument>

#include <cstdio>

#include "cli_capture_options.h"
#include "cli_commands.h"
#include "stampede/capture/capture_info.h"

namespace stampede::cli {
namespace {

int info(const CliOptions& o, const capture::ReaderOptions& options) {
    const std::string& path = o.positional[1];
    capture::CaptureError error;
    auto reader = capture::openCapture(path, options, error);
    if (!reader) {
        std::fprintf(stderr, "stampede-cli capture info: %s\n", error.toString().c_str());
        return kExitBadInput;
    }
    capture::CaptureInfo info;
    info.file = path;
    if (!capture::summariseCapture(*reader, info)) {
        std::fprintf(stderr, "stampede-cli capture info: %s\n", reader->error().toString().c_str());
        return kExitBadInput;
    }
    if (!o.json || *o.json != "-") std::fputs(capture::toText(info).c_str(), stdout);
    if (o.json) {
        std::string werror;
        if (!writeOutput(*o.json, QJsonDocument(capture::toJson(info)).toJson().toStdString(),
                         werror)) {
            std::fprintf(stderr, "stampede-cli: %s\n", werror.c_str());
            return kExitInternal;
        }
    }
    return kExitOk;
}

int convert(const CliOptions& o, const capture::ReaderOptions& options) {
    const std::string& in = o.positional[1];
    const std::string& out = o.positional[2];
    capture::CaptureError error;
    auto reader = capture::openCapture(in, options, error);
    if (!reader) {
        std::fprintf(stderr, "stampede-cli capture convert: %s\n", error.toString().c_str());
        return kExitBadInput;
    }
    std::string werror;
    auto writer = capture::CaptureWriter::create(
        out,
        writerOptionsFrom(
            o, "convert " + in + " (" + std::string(capture::toString(reader->format())) + ")"),
        werror);
    if (!writer) {
        std::fprintf(stderr, "stampede-cli capture convert: %s\n", werror.c_str());
        return kExitBadInput;
    }
    capture::CaptureRecord record;
    while (reader->next(record))
        if (!writer->write(record) && !writer->capped()) break;
    if (!reader->error().empty() || !writer->error().empty()) {
        const bool bad = !reader->error().empty();
        std::fprintf(
            stderr, "stampede-cli capture convert: %s\n",
            bad ? reader->error().toString().c_str() : (out + ": " + writer->error()).c_str());
        writer->finish("interrupted");
        writer.reset();
        std::remove(out.c_str());  // nothing half-converted is left behind
        return bad ? kExitBadInput : kExitInternal;
    }
    if (!writer->finish("complete")) {
        std::fprintf(stderr, "stampede-cli capture convert: %s: %s\n", out.c_str(),
                     writer->error().c_str());
        return kExitInternal;
    }
    const capture::ReadStats& s = reader->stats();
    std::fprintf(
        stderr, "converted %lld requests to %s (unmatched %lld, responses %lld, bad %lld)%s\n",
        static_cast<long long>(writer->records()), out.c_str(), static_cast<long long>(s.unmatched),
        static_cast<long long>(s.responses), static_cast<long long>(s.skippedBad),
        writer->capped() ? " (stopped at --record-max-bytes)" : "");
    return kExitOk;
}

}  // namespace

int captureCommand(const CliOptions& o) {
    const bool isInfo = !o.positional.empty() && o.positional[0] == "info";
    const bool isConvert = !o.positional.empty() && o.positional[0] == "convert";
    if (!(isInfo && o.positional.size() == 2) && !(isConvert && o.positional.size() == 3)) {
        std::fprintf(stderr, "stampede-cli capture: expected info FILE or convert IN OUT\n\n%s",
                     usage().c_str());
        return kExitBadInput;
    }
    std::string error;
    const auto options = readerOptionsFrom(o, error);
    if (!options) {
        std::fprintf(stderr, "stampede-cli capture: %s\n", error.c_str());
        return kExitBadInput;
    }
    return isInfo ? info(o, *options) : convert(o, *options);
}

}  // namespace stampede::cli
