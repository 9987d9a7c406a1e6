// k6's `--out json` as k6 writes it: Metric declarations and Points of every metric, one object
// a line; only the http_reqs points are requests (nanosecond times with a zone offset, the user
// in the URL or a custom tag). Bad points are refused with their line, or skipped. (No raw
// strings here: moc 6.4 loses the class after some of them.)
#include <QtTest>

#include "capture/k6_reader.h"
#include "capture_test_support.h"

using namespace stampede::capture;
using capture_test::readAll;

namespace {

std::string point(const char* metric, const char* time, const char* tags, double value = 1) {
    return std::string("{\"type\":\"Point\",\"data\":{\"time\":\"") + time +
           "\",\"value\":" + std::to_string(value) + ",\"tags\":" + tags + "},\"metric\":\"" +
           metric + "\"}\n";
}

}  // namespace

class TestCaptureK6 : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void httpReqsPointsAreTheRequests() {
        QTemporaryDir dir;
        std::string text =
            "{\"type\":\"Metric\",\"data\":{\"type\":\"counter\",\"contains\":\"default\","
            "\"tainted\":null,\"thresholds\":[],\"submetrics\":null},\"metric\":\"http_reqs\"}\n";
        text += point("vus", "2026-12-02T20:00:00.000000000Z", "null", 5);
        text += point("http_reqs", "2026-12-02T22:00:00.000001500+02:00",
                      "{\"method\":\"POST\",\"url\":\"https://shop/api/campaigns/c1/"
                      "apply\",\"status\":\"202\",\"userId\":\"u1\"}");
        text +=
            point("http_req_duration", "2026-12-02T20:00:00.1Z",
                  "{\"method\":\"POST\",\"url\":\"https://shop/api/campaigns/c1/apply\"}", 12.5);
        text += point("http_reqs", "2026-12-02T20:00:00.250001Z",
                      "{\"method\":\"GET\",\"url\":\"https://shop/api/coupons/k/"
                      "issue?user_id=7\",\"name\":\"issue\"}");
        text += point("http_reqs", "2026-12-02T20:00:00.3Z",
                      "{\"method\":\"GET\",\"url\":\"https://shop/\",\"status\":\"200\"}");
        const auto got = readAll(capture_test::write(dir, "k6.json", text, true));
        QVERIFY2(got.error.empty(), got.error.toString().c_str());
        QVERIFY(got.format == CaptureFormat::K6);
        QCOMPARE(got.records.size(), std::size_t(2));
        QCOMPARE(got.records[0].campaign, std::string("c1"));
        QCOMPARE(got.records[0].user, std::string("u1"));
        QCOMPARE(got.records[1].user, std::string("7"));
        QCOMPARE(got.records[1].atUs, 250000);  // the first at .000001 UTC, to the microsecond
        QCOMPARE(got.stats.unmatched, 1);
    }

    void isoTimes() {
        std::int64_t a = 0, b = 0;
        QVERIFY(isoTimeUs("2026-12-02T20:00:00.123456789Z", a));
        QVERIFY(isoTimeUs("2026-12-02T21:00:00.123456+01:00", b));
        QCOMPARE(a, b);
        QVERIFY(!isoTimeUs("2026-12-02 20:00:00Z", a));
        QVERIFY(!isoTimeUs("2026-12-02T20:00:00+0100", a));
    }

    void badPointsAreRefusedAtTheirLineOrSkipped() {
        QTemporaryDir dir;
        const std::string good =
            point("http_reqs", "2026-12-02T20:00:00Z",
                  "{\"method\":\"GET\",\"url\":\"/api/campaigns/c/apply?email=a\"}");
        const std::string path = capture_test::write(
            dir, "bad.json",
            good + "{\"type\":\"Point\",\"metric\":\"http_reqs\",\"data\":{\"time\":\"soon\"}}\n" +
                "{\"type\":\"Point\",\"metric\":\"http_reqs\" oops\n" + good);
        ReaderOptions o;
        o.format = CaptureFormat::K6;
        const auto stopped = readAll(path, o);
        QCOMPARE(stopped.records.size(), std::size_t(1));
        QCOMPARE(stopped.error.line, 2);
        QCOMPARE(stopped.error.byteOffset, std::int64_t(good.size()));
        o.onError = OnError::Skip;
        const auto skipped = readAll(path, o);
        QCOMPARE(skipped.records.size(), std::size_t(2));
        QCOMPARE(skipped.stats.skippedBad, 2);
    }
};

QTEST_GUILESS_MAIN(TestCaptureK6)
#include "tst_capture_k6.moc"
