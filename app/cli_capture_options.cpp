#include "cli_capture_options.h"

#include <tuple>

namespace stampede::cli {

std::optional<capture::ReaderOptions> readerOptionsFrom(const CliOptions& o, std::string& error) {
    capture::ReaderOptions r;
    if (o.format) {
        const auto f = capture::parseCaptureFormat(*o.format);
        if (!f) {
            error = "--format: unknown capture format '" + *o.format +
                    "' (known: auto, ndjson, gor, har, access-log, alb, k6)";
            return std::nullopt;
        }
        r.format = *f;
    }
    for (const auto& [flag, texts, rules] :
         {std::tuple{"--campaign-from", &o.campaignFrom, &r.mapping.campaign},
          std::tuple{"--user-from", &o.userFrom, &r.mapping.user}})
        for (const std::string& text : *texts) {
            std::string why;
            const auto rule = capture::parseMappingRule(text, why);
            if (!rule) {
                error = std::string(flag) + ": " + why;
                return std::nullopt;
            }
            rules->push_back(*rule);
        }
    if (o.onError) {
        if (*o.onError == "skip")
            r.onError = capture::OnError::Skip;
        else if (*o.onError != "stop") {
            error = "--on-error: expected stop or skip, got '" + *o.onError + "'";
            return std::nullopt;
        }
    }
    return r;
}

capture::WriterOptions writerOptionsFrom(const CliOptions& o, const std::string& source) {
    capture::WriterOptions w;
    w.source = source;
    w.maxBytes = o.recordMaxBytes.value_or(0);
    w.anonymiseKey = o.anonymise.value_or("");
    return w;
}

}  // namespace stampede::cli
