// Access logs as the servers write them: nginx's combined format (quotes in the user agent
// escaped as \x22, $remote_user as the user, times with a zone offset) and the AWS ALB format
// (ISO times with microseconds, the request with its absolute URL). Bad lines are refused with
// their line and byte, or skipped.
#include <QtTest>

#include "capture_test_support.h"

using namespace stampede::capture;
using capture_test::readAll;

class TestCaptureAccessLog : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void nginxCombined() {
        QTemporaryDir dir;
        const std::string log =
            "203.0.113.7 - - [02/Dec/2026:20:00:00 +0000] \"GET "
            "/api/campaigns/c1/apply?userId=u%401 "
            "HTTP/1.1\" 202 2 \"-\" \"Mozilla/5.0 \\x22quoted\\x22 (X11)\"\n"
            "203.0.113.8 - alice [02/Dec/2026:21:00:01 +0100] \"POST /api/coupons/k/issue "
            "HTTP/1.1\" "
            "202 2 \"https://shop/\" \"curl/8.0 \\\"q\\\"\"\r\n"
            "203.0.113.9 - - [02/Dec/2026:20:00:02 +0000] \"GET /index.html HTTP/1.1\" 200 512 "
            "\"-\" \"bot\"\n";
        const auto got = readAll(capture_test::write(dir, "access.log", log, true));
        QVERIFY2(got.error.empty(), got.error.toString().c_str());
        QVERIFY(got.format == CaptureFormat::AccessLog);
        QCOMPARE(got.records.size(), std::size_t(2));
        QCOMPARE(got.records[0].campaign, std::string("c1"));
        QCOMPARE(got.records[0].user, std::string("u@1"));
        QCOMPARE(got.records[1].user, std::string("alice"));
        QCOMPARE(got.records[1].atUs, 1'000'000);  // 21:00:01 +0100 is 20:00:01 UTC
        QCOMPARE(got.stats.unmatched, 1);
    }

    void albLog() {
        QTemporaryDir dir;
        const std::string log =
            "https 2026-12-02T20:00:00.123456Z app/shop/50dc6c495c0c9188 192.168.131.39:2817 "
            "10.0.0.1:80 0.000 0.001 0.000 202 202 34 366 \"POST "
            "https://shop.example:443/api/campaigns/c7/apply?user_id=42 HTTP/1.1\" \"curl/7.46.0\" "
            "ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 arn:aws:elasticloadbalancing:us-east-2:1:tg/t/1 "
            "\"Root=1-58337262-36d228ad5d99923122bbe354\" \"shop.example\" \"-\" 0 "
            "2026-12-02T20:00:00.120000Z \"forward\" \"-\" \"-\" \"10.0.0.1:80\" \"202\" \"-\" "
            "\"-\"\n"
            "https 2026-12-02T20:00:00.124000Z app/shop/50dc6c495c0c9188 192.168.131.40:2817 "
            "10.0.0.1:80 0.000 0.001 0.000 202 202 34 366 \"GET "
            "https://shop.example:443/api/coupons/k/issue?email=a%40b HTTP/1.1\" \"Mozilla "
            "\\\"x\\\"\" "
            "- - arn \"Root=1\" \"-\" \"-\" 0 2026-12-02T20:00:00.120000Z \"forward\"\n";
        const auto got = readAll(capture_test::write(dir, "alb.log", log));
        QVERIFY2(got.error.empty(), got.error.toString().c_str());
        QVERIFY(got.format == CaptureFormat::Alb);
        QCOMPARE(got.records.size(), std::size_t(2));
        QCOMPARE(got.records[0].campaign, std::string("c7"));
        QCOMPARE(got.records[0].user, std::string("42"));
        QCOMPARE(got.records[1].user, std::string("a@b"));
        QCOMPARE(got.records[1].atUs, 544);
        QCOMPARE(got.records[1].source, std::string("alb"));
    }

    void badLinesAreRefusedAtTheirLineOrSkipped() {
        QTemporaryDir dir;
        const std::string good =
            "1.2.3.4 - bob [02/Dec/2026:20:00:00 +0000] \"GET /api/campaigns/c/apply HTTP/1.1\" "
            "202 "
            "2 \"-\" \"a\"\n";
        const std::string path = capture_test::write(
            dir, "bad.log",
            good + "1.2.3.4 - bob [02/Dec/2026:20:00:00 +0000] \"GET /unclosed\n" + good);
        ReaderOptions o;
        o.format = CaptureFormat::AccessLog;
        const auto stopped = readAll(path, o);
        QCOMPARE(stopped.records.size(), std::size_t(1));
        QCOMPARE(stopped.error.line, 2);
        QCOMPARE(stopped.error.byteOffset, std::int64_t(good.size()));
        o.onError = OnError::Skip;
        const auto skipped = readAll(path, o);
        QCOMPARE(skipped.records.size(), std::size_t(2));
        QCOMPARE(skipped.stats.skippedBad, 1);
        const auto badTime = readAll(
            capture_test::write(dir, "t.log",
                                "1.2.3.4 - bob [yesterday] \"GET /api/campaigns/c/apply HTTP/1.1\" "
                                "202 2 \"-\" \"a\"\n"),
            {CaptureFormat::AccessLog, OnError::Stop, "", {}});
        QVERIFY(badTime.error.message.find("a time that is not") != std::string::npos);
    }
};

QTEST_GUILESS_MAIN(TestCaptureAccessLog)
#include "tst_capture_access_log.moc"
