// GoReplay's file output as GoReplay writes it: payload header, raw HTTP, the three-monkey
// separator. CRLF and LF, Content-Length and chunked bodies, a separator inside a body, responses
// skipped, out-of-order timestamps, gzip, unmatched requests counted, and bad payloads refused
// with their byte offset or skipped.
#include <QtTest>

#include "capture/gor_reader.h"
#include "capture_test_support.h"
#include "stampede/capture/capture_info.h"

using namespace stampede::capture;
using capture_test::readAll;

namespace {

const std::string kSep = "\n" + std::string(kGorSeparator) + "\n";

std::string payload(int type, const std::string& id, std::int64_t ns, const std::string& http) {
    return std::to_string(type) + " " + id + " " + std::to_string(ns) + " 0\n" + http + kSep;
}

std::string post(const std::string& path, const std::string& body, const char* eol = "\r\n",
                 const std::string& extraHeader = {}) {
    const std::string e = eol;
    return "POST " + path + " HTTP/1.1" + e + "Host: shop" + e + "Content-Type: application/json" +
           e + extraHeader + "Content-Length: " + std::to_string(body.size()) + e + e + body;
}

}  // namespace

class TestCaptureGor : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void requestsArePlacedByTheSeedRules() {
        QTemporaryDir dir;
        const std::int64_t t0 = 1'700'000'000'000'000'000;
        std::string text;
        text += payload(1, "a1", t0, post("/api/campaigns/c1/apply", R"({"userId":"u1"})"));
        text += payload(2, "a1", t0 + 5, "HTTP/1.1 202 Accepted\r\nContent-Length: 2\r\n\r\n{}");
        text += payload(1, "a2", t0 + 2'000'000,
                        post("/api/coupons/c2/issue", R"({"user_id":42})", "\n"));
        text += payload(1, "a3", t0 + 3'000'000,
                        post("/api/event/apply", R"({"eventId":"e9","email":"x@y"})"));
        text += payload(1, "a4", t0 + 4'000'000,
                        "GET /api/campaigns/c1/apply?x=1 HTTP/1.1\r\nX-User-Id: u7\r\n\r\n");
        text += payload(3, "a4", t0 + 4'000'100, "HTTP/1.1 200 OK\r\n\r\n");
        text += payload(1, "a5", t0 + 5'000'000, post("/api/other", R"({"userId":"u1"})"));
        const auto got = readAll(capture_test::write(dir, "seed.gor", text));
        QVERIFY2(got.error.empty(), got.error.toString().c_str());
        QVERIFY(got.format == CaptureFormat::Gor);
        QCOMPARE(got.records.size(), std::size_t(4));
        QCOMPARE(got.records[0].campaign, std::string("c1"));
        QCOMPARE(got.records[0].user, std::string("u1"));
        QCOMPARE(got.records[0].atUs, 0);
        QCOMPARE(got.records[0].requestId, std::string("a1"));
        QCOMPARE(got.records[1].campaign, std::string("c2"));
        QCOMPARE(got.records[1].user, std::string("42"));
        QCOMPARE(got.records[1].atUs, 2000);
        QCOMPARE(got.records[2].campaign, std::string("e9"));
        QCOMPARE(got.records[2].user, std::string("x@y"));
        QCOMPARE(got.records[3].user, std::string("u7"));
        QCOMPARE(got.stats.responses, 2);
        QCOMPARE(got.stats.unmatched, 1);
    }

    // An API that is not the seeds': the operator's rules say where campaign and user are, in
    // order; a side without rules keeps the defaults; what no rule places is unmatched.
    void mappingRulesPlaceAnotherApi() {
        QTemporaryDir dir;
        const std::int64_t t0 = 1'700'000'000'000'000'000;
        std::string text;
        text += payload(1, "b1", t0,
                        post("/shop/v2/drops/77/enter", R"({"member":{"id":"m9"}})", "\r\n",
                             "X-Account: acc-1\r\n"));
        text += payload(1, "b2", t0 + 1'000'000,
                        post("/shop/v2/drops/78/enter?member=q%40x", "{}", "\r\n"));
        text += payload(1, "b3", t0 + 2'000'000,
                        post("/legacy/enter", R"({"note":"drop=79;who=w5"})", "\r\n"));
        text += payload(1, "b4", t0 + 3'000'000, post("/shop/v2/drops", "{}", "\r\n"));
        const std::string path = capture_test::write(dir, "other.gor", text);
        ReaderOptions o;
        std::string error;
        for (const char* rule : {"path:4", "regex:drop=([0-9]+)"})
            o.mapping.campaign.push_back(*parseMappingRule(rule, error));
        for (const char* rule : {"body:member.id", "query:member", "regex:who=(\\w+)"})
            o.mapping.user.push_back(*parseMappingRule(rule, error));
        const auto got = readAll(path, o);
        QVERIFY2(got.error.empty(), got.error.toString().c_str());
        QCOMPARE(got.records.size(), std::size_t(3));
        QCOMPARE(got.records[0].campaign, std::string("77"));
        QCOMPARE(got.records[0].user, std::string("m9"));
        QCOMPARE(got.records[1].campaign, std::string("78"));
        QCOMPARE(got.records[1].user, std::string("q@x"));
        QCOMPARE(got.records[2].campaign, std::string("79"));
        QCOMPARE(got.records[2].user, std::string("w5"));
        QCOMPARE(got.stats.unmatched, 1);  // /shop/v2/drops has no 4th segment, no body field
        // A header rule for the user, the campaign by the defaults (none fit: all unmatched).
        ReaderOptions byHeader;
        byHeader.mapping.user.push_back(*parseMappingRule("header:x-account", error));
        const auto headerOnly = readAll(path, byHeader);
        QCOMPARE(headerOnly.records.size(), std::size_t(0));
        QCOMPARE(headerOnly.stats.unmatched, 4);
        byHeader.mapping.campaign.push_back(*parseMappingRule("path:4", error));
        const auto both = readAll(path, byHeader);
        QCOMPARE(both.records.size(), std::size_t(1));
        QCOMPARE(both.records[0].user, std::string("acc-1"));
    }

    void badMappingRulesAreNamed_data() {
        QTest::addColumn<QString>("rule");
        QTest::addColumn<QString>("named");
        QTest::newRow("no kind") << "member"
                                 << "expected KIND:VALUE";
        QTest::newRow("empty value") << "body:"
                                     << "expected KIND:VALUE";
        QTest::newRow("unknown kind") << "cookie:sid"
                                      << "unknown kind 'cookie'";
        QTest::newRow("segment 0") << "path:0"
                                   << "segment number from 1 to 64";
        QTest::newRow("segment text") << "path:x"
                                      << "segment number";
        QTest::newRow("bad regex") << "regex:([a-z"
                                   << "not a regular expression";
        QTest::newRow("no group") << "regex:[a-z]+"
                                  << "needs a group";
    }
    void badMappingRulesAreNamed() {
        QFETCH(QString, rule);
        QFETCH(QString, named);
        std::string error;
        QVERIFY(!parseMappingRule(rule.toStdString(), error));
        QVERIFY2(QString::fromStdString(error).contains(named), error.c_str());
    }

    // POST /api/event/apply with no campaign field: the scenario's only campaign, or unmatched.
    void eventApplyTakesTheDefaultCampaign() {
        QTemporaryDir dir;
        const std::string path = capture_test::write(
            dir, "event.gor", payload(1, "1", 10, post("/api/event/apply", R"({"userId":"u"})")));
        QCOMPARE(readAll(path).stats.unmatched, 1);
        ReaderOptions o;
        o.defaultCampaign = "only";
        const auto got = readAll(path, o);
        QCOMPARE(got.records.size(), std::size_t(1));
        QCOMPARE(got.records[0].campaign, std::string("only"));
    }

    // A Content-Length body is taken by its length: a separator inside it is body, not a split.
    void separatorInsideABodyIsBody() {
        QTemporaryDir dir;
        const std::string body = "{\"userId\":\"u1\",\"note\":\"" + kSep + "1 x 5 0\n\"}";
        std::string text = payload(1, "1", 10, post("/api/campaigns/c/apply", body));
        text += payload(1, "2", 20, post("/api/campaigns/c/apply", R"({"userId":"u2"})"));
        const auto got = readAll(capture_test::write(dir, "sep.gor", text));
        QVERIFY2(got.error.empty(), got.error.toString().c_str());
        QCOMPARE(got.records.size(), std::size_t(2));
        QCOMPARE(got.records[1].user, std::string("u2"));
    }

    void chunkedBodiesAreJoined() {
        QTemporaryDir dir;
        const std::string http =
            "POST /api/event/apply HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
            "7\r\n{\"campa\r\n"
            "13;ext=1\r\nignId\":\"c5\",\"userId\r\n"
            "6\r\n\":\"u9\"\r\n"
            "1\r\n}\r\n0\r\n\r\n";
        const auto got = readAll(capture_test::write(dir, "chunked.gor", payload(1, "1", 0, http)));
        QVERIFY2(got.error.empty(), got.error.toString().c_str());
        QCOMPARE(got.records.size(), std::size_t(1));
        QCOMPARE(got.records[0].campaign, std::string("c5"));
        QCOMPARE(got.records[0].user, std::string("u9"));
    }

    void gzipOutOfOrderAndInfo() {
        QTemporaryDir dir;
        std::string text;
        for (const auto& [id, ms] : std::vector<std::pair<int, int>>{{1, 10}, {2, 5}, {3, 30}})
            text += payload(
                1, std::to_string(id), std::int64_t(ms) * 1'000'000,
                post("/api/campaigns/c/apply", "{\"userId\":\"u" + std::to_string(id) + "\"}"));
        const std::string path = capture_test::write(dir, "ooo.gor", text, true);
        const auto got = readAll(path);
        QVERIFY2(got.error.empty(), got.error.toString().c_str());
        QCOMPARE(got.records.size(), std::size_t(3));
        QCOMPARE(got.records[1].atUs, -5000);  // before the first request: a negative offset
        CaptureError error;
        auto reader = openCapture(path, {}, error);
        CaptureInfo info;
        QVERIFY(summariseCapture(*reader, info));
        QCOMPARE(info.outOfOrder, 1);
        QCOMPARE(info.lastUs - info.firstUs, 25000);
    }

    void badPayloadIsRefusedAtItsByteOrSkipped() {
        QTemporaryDir dir;
        const std::string first =
            payload(1, "1", 10, post("/api/campaigns/c/apply", R"({"userId":"a"})"));
        const std::string bad = "1 2 20 0\nthis is no request\n" + kSep.substr(1);
        const std::string last =
            payload(1, "3", 30, post("/api/campaigns/c/apply", R"({"userId":"b"})"));
        const std::string path = capture_test::write(dir, "bad.gor", first + bad + last);
        const auto stopped = readAll(path);
        QCOMPARE(stopped.records.size(), std::size_t(1));
        QVERIFY(!stopped.error.empty());
        QCOMPARE(stopped.error.byteOffset, std::int64_t(first.size() + 9));
        QVERIFY2(stopped.error.toString().find("bad.gor: byte") != std::string::npos,
                 stopped.error.toString().c_str());
        ReaderOptions skip;
        skip.onError = OnError::Skip;
        const auto skipped = readAll(path, skip);
        QVERIFY(skipped.error.empty());
        QCOMPARE(skipped.records.size(), std::size_t(2));
        QCOMPARE(skipped.stats.skippedBad, 1);
    }

    void truncatedBodyAndMissingSeparator() {
        QTemporaryDir dir;
        const auto shortBody =
            readAll(capture_test::write(dir, "short.gor",
                                        "1 1 10 0\nPOST /api/campaigns/c/apply "
                                        "HTTP/1.1\nContent-Length: 99\n\n{\"userId\":\"a\"}"));
        QVERIFY(shortBody.error.message.find("shorter than its Content-Length") !=
                std::string::npos);
        // The last payload without its separator: taken, and the file marked truncated.
        const auto noSep = readAll(capture_test::write(
            dir, "nosep.gor", "1 1 10 0\nGET /api/campaigns/c/apply HTTP/1.1\nX-User-Id: a\n\n"));
        QVERIFY2(noSep.error.empty(), noSep.error.toString().c_str());
        QCOMPARE(noSep.records.size(), std::size_t(1));
        QVERIFY(noSep.stats.truncated);
    }

    void unknownFormatIsNamed() {
        QTemporaryDir dir;
        const auto got = readAll(capture_test::write(dir, "x.txt", "hello\n"));
        QVERIFY(!got.opened);
        QVERIFY(got.error.message.find("unknown capture format") != std::string::npos);
    }
};

QTEST_GUILESS_MAIN(TestCaptureGor)
#include "tst_capture_gor.moc"
