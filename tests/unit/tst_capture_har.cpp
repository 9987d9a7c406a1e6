// HAR 1.2 as a browser's DevTools export writes it: log.entries[] with startedDateTime, request
// (method, url, headers, postData). Entries without postData, bodies with braces and quotes,
// gzip, an unmatched request, and a malformed or cut file refused at its byte.
#include <QtTest>

#include "capture_test_support.h"

using namespace stampede::capture;
using capture_test::readAll;

namespace {

std::string entry(const char* when, const char* method, const char* url, const char* headers,
                  const char* postData) {
    std::string e = std::string("    {\n      \"startedDateTime\": \"") + when +
                    "\",\n      \"time\": 12.5,\n      \"request\": {\n        \"method\": \"" +
                    method + "\",\n        \"url\": \"" + url +
                    "\",\n        \"httpVersion\": \"HTTP/1.1\",\n        \"headers\": [" +
                    headers +
                    "],\n        \"queryString\": [],\n        \"cookies\": [],\n"
                    "        \"headersSize\": -1,\n        \"bodySize\": 0";
    if (postData) e += std::string(",\n        \"postData\": ") + postData;
    return e +
           "\n      },\n      \"response\": {\"status\": 202, \"content\": {\"size\": 0}},\n"
           "      \"cache\": {}, \"timings\": {\"send\": 0, \"wait\": 10, \"receive\": 2}\n    }";
}

std::string har(const std::vector<std::string>& entries) {
    std::string text =
        "{\n  \"log\": {\n    \"version\": \"1.2\",\n    \"creator\": {\"name\": "
        "\"Firefox\", \"version\": \"120\"},\n    \"pages\": [],\n    \"entries\": [\n";
    for (std::size_t i = 0; i < entries.size(); ++i)
        text += entries[i] + (i + 1 < entries.size() ? ",\n" : "\n");
    return text + "    ]\n  }\n}\n";
}

const std::vector<std::string> kEntries = {
    entry(
        "2026-12-02T20:00:00.000Z", "POST", "https://shop.example/api/campaigns/c1/apply",
        R"({"name": "Content-Type", "value": "application/json"})",
        R"({"mimeType": "application/json", "text": "{\"userId\":\"u1\",\"note\":\"a } \\\" ] {\"}"})"),
    entry("2026-12-02T20:00:00.250Z", "GET", "https://shop.example/api/coupons/k9/issue?x=1",
          R"({"name": "X-User-Id", "value": "u2"})", nullptr),
    entry("2026-12-02T20:00:01.000+00:00", "GET", "https://shop.example/index.html", "", nullptr),
};

}  // namespace

class TestCaptureHar : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void entriesBecomeRecords_data() {
        QTest::addColumn<bool>("gzip");
        QTest::newRow("plain") << false;
        QTest::newRow("gzip") << true;
    }
    void entriesBecomeRecords() {
        QFETCH(bool, gzip);
        QTemporaryDir dir;
        const auto got = readAll(capture_test::write(dir, "shop.har", har(kEntries), gzip));
        QVERIFY2(got.error.empty(), got.error.toString().c_str());
        QVERIFY(got.format == CaptureFormat::Har);
        QCOMPARE(got.records.size(), std::size_t(2));
        QCOMPARE(got.records[0].campaign, std::string("c1"));
        QCOMPARE(got.records[0].user, std::string("u1"));
        QCOMPARE(got.records[0].atUs, 0);
        QCOMPARE(got.records[1].campaign, std::string("k9"));  // no postData: the header
        QCOMPARE(got.records[1].user, std::string("u2"));
        QCOMPARE(got.records[1].atUs, 250000);
        QCOMPARE(got.records[1].source, std::string("har"));
        QCOMPARE(got.stats.unmatched, 1);
        QCOMPARE(got.stats.gzip, gzip);
    }

    void emptyEntriesAreNoRecords() {
        QTemporaryDir dir;
        const auto got = readAll(capture_test::write(dir, "empty.har", har({})));
        QVERIFY(got.error.empty());
        QVERIFY(got.records.empty());
    }

    void cutOrMalformedFilesAreRefusedAtTheirByte() {
        QTemporaryDir dir;
        const std::string whole = har(kEntries);
        const std::string cut = whole.substr(0, whole.find("\"response\""));
        const auto cutRead = readAll(capture_test::write(dir, "cut.har", cut));
        QCOMPARE(cutRead.records.size(), std::size_t(0));
        QVERIFY2(cutRead.error.message.find("ends inside an entry") != std::string::npos,
                 cutRead.error.toString().c_str());
        QCOMPARE(cutRead.error.byteOffset, std::int64_t(cut.size()));

        std::string badTime = whole;
        badTime.replace(badTime.find("2026-12-02T20:00:00.250Z"), 24, "yesterday at noon, roughly");
        const auto t = readAll(capture_test::write(dir, "time.har", badTime));
        QCOMPARE(t.records.size(), std::size_t(1));
        QVERIFY(t.error.message.find("startedDateTime") != std::string::npos);
        ReaderOptions skip;
        skip.onError = OnError::Skip;
        const auto skipped = readAll(capture_test::write(dir, "time.har", badTime), skip);
        QCOMPARE(skipped.records.size(), std::size_t(1));
        QCOMPARE(skipped.stats.skippedBad, 1);

        const auto notHar = readAll(capture_test::write(dir, "x.har", "{\"hello\": [1, 2]}\n"));
        QVERIFY(notHar.error.message.find("no log.entries") != std::string::npos);
    }
};

QTEST_GUILESS_MAIN(TestCaptureHar)
#include "tst_capture_har.moc"
