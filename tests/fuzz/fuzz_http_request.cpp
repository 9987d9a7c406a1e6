// libFuzzer target for the HTTP ingress's request path: bytes as a client would send them, through
// the server's parser and limits into the API and a real running engine. Any bytes may be refused,
// but never with a crash or a hang; every answer is a real status with a JSON body, and pipelined
// requests are taken one at a time, each consuming bytes (no answer loops on the same input).

#include <QByteArray>
#include <QJsonDocument>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "stampede/engine.h"
#include "stampede/http/http_server.h"
#include "stampede/http/ingress_api.h"
#include "stampede/sim/scenario.h"

namespace {

[[noreturn]] void fail(const char* what, std::string_view input) {
    std::fprintf(stderr, "fuzz_http_request: %s\ninput (%zu bytes): %.*s\n", what, input.size(),
                 int(std::min<std::size_t>(input.size(), 2000)), input.data());
    std::abort();
}

struct Target {
    stampede::Engine engine;
    std::unique_ptr<stampede::http::IngressApi> api;

    Target() {
        const auto load = stampede::sim::parseScenario(R"({
          "name": "fuzz", "seed": 1,
          "campaigns": [
            {"id": "coupon", "name": "Coupon", "stock": 1000, "policy": "FIRST_COME"},
            {"id": "gift", "name": "Gift", "stock": 5, "policy": "FIRST_COME",
             "requires_verification": true}],
          "arrivals": [{"campaign": "coupon", "profile": "spike", "users": 1, "over_ms": 1}],
          "run": {"pipeline": "sync", "guard": "atomic", "transport": "inproc", "workers": 1,
                  "partitions": 1}})");
        if (!load.ok()) fail("the fuzz scenario does not load", load.error.toString());
        stampede::StartOptions start;
        start.keepOpen = true;
        start.arrivals = std::make_shared<const std::vector<stampede::GivenArrival>>();
        if (!engine.start(*load.scenario, start).ok()) fail("the engine does not start", "");
        stampede::http::IngressOptions options;
        options.campaigns = load.scenario->campaigns;
        options.adminToken = "fuzz-admin-token-0123456789";
        api = std::make_unique<stampede::http::IngressApi>(engine, options);
    }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static Target target;
    const stampede::http::HttpLimits limits;
    const auto handler = [](const stampede::http::HttpRequest& r) { return target.api->handle(r); };
    std::string_view rest(reinterpret_cast<const char*>(data), size);
    for (int requests = 0; requests < 64 && !rest.empty(); ++requests) {
        std::size_t consumed = 0;
        const stampede::http::HttpResponse r =
            stampede::http::answerRawRequest(rest, limits, handler, &consumed);
        if (r.status < 100 || r.status > 599) fail("an answer with no real status", rest);
        if (r.contentType == "application/json") {
            QJsonParseError error;
            QJsonDocument::fromJson(
                QByteArray::fromRawData(r.body.data(), qsizetype(r.body.size())), &error);
            if (error.error != QJsonParseError::NoError) fail("an answer that is not JSON", r.body);
        }
        if (consumed > rest.size()) fail("a request consumed more than was given", rest);
        if (consumed == 0 || r.close) break;  // incomplete, refused, or the connection ends
        rest.remove_prefix(consumed);
    }
    return 0;
}
