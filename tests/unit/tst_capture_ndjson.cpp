// Stampede's own captures: the writer and the reader agree on every field, gzip included; a
// killed recorder's file (no trailer, a partial last line, a gzip stream without its end) keeps
// every complete line; the size cap ends the file cleanly; a bad line is an error naming the
// file, the line and the byte, or is skipped and counted.
#include <QtTest>

#include <QProcess>

#include <QFile>

#include <random>

#include "capture/ndjson_line.h"
#include "capture_test_support.h"
#include "stampede/capture/capture_info.h"
#include "stampede/capture/capture_writer.h"

using namespace stampede::capture;
using capture_test::readAll;

namespace {

CaptureRecord record(std::int64_t atUs, std::string campaign, std::string user) {
    CaptureRecord r;
    r.atUs = atUs;
    r.campaign = std::move(campaign);
    r.user = std::move(user);
    return r;
}

std::string header() {
    return "{\"stampede_capture\":1,\"source\":\"test\",\"created\":\"now\"}\n";
}

}  // namespace

class TestCaptureNdjson : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void writerAndReaderAgreeOnEveryField_data() {
        QTest::addColumn<QString>("suffix");
        QTest::newRow("plain") << QString();
        QTest::newRow("gzip") << QStringLiteral(".gz");
        QTest::newRow("zstd") << QStringLiteral(".zst");
    }
    void writerAndReaderAgreeOnEveryField() {
        QFETCH(QString, suffix);
        QTemporaryDir dir;
        const std::string path = dir.filePath(QStringLiteral("c.ndjson") + suffix).toStdString();
        std::string error;
        auto w = CaptureWriter::create(path, {"unit test", 0, ""}, error);
        QVERIFY2(w, error.c_str());
        CaptureRecord odd = record(5, "c\"1", "élise\n\t\x01");
        odd.requestId = "r-1";
        odd.source = "gor";
        odd.verified = false;
        odd.headers = {{"X-User-Id", "7"}, {"Cookie", "a=\\b"}};
        QVERIFY(w->write(record(0, "c1", "1")));
        QVERIFY(w->write(odd));
        QVERIFY(w->finish("complete"));
        const auto got = readAll(path);
        QVERIFY2(got.error.empty(), got.error.toString().c_str());
        QVERIFY(got.format == CaptureFormat::Ndjson);
        QCOMPARE(got.records.size(), std::size_t(2));
        const CaptureRecord& r = got.records[1];
        QCOMPARE(r.atUs, 5);
        QCOMPARE(r.campaign, odd.campaign);
        QCOMPARE(r.user, odd.user);
        QCOMPARE(r.requestId, odd.requestId);
        QCOMPARE(r.source, odd.source);
        QCOMPARE(r.verified, false);
        QCOMPARE(r.headers, odd.headers);
        QCOMPARE(got.stats.endReason, std::string("complete"));
        QVERIFY(!got.stats.truncated);
        QCOMPARE(got.stats.gzip, suffix == QStringLiteral(".gz"));
        QCOMPARE(got.stats.zstd, suffix == QStringLiteral(".zst"));
        if (suffix == QStringLiteral(".zst")) {  // the real tool reads it as zstd
            QProcess zstdcat;
            zstdcat.start(QStringLiteral("zstd"),
                          {QStringLiteral("-dc"), QString::fromStdString(path)});
            if (zstdcat.waitForStarted(5000)) {
                QVERIFY(zstdcat.waitForFinished(10000));
                QCOMPARE(zstdcat.exitCode(), 0);
                QVERIFY(zstdcat.readAllStandardOutput().contains("\"end\":\"complete\""));
            }
        }
    }

    // Lines as the writer lays them out take a short path: it must read every line exactly as
    // the general scanner does, and accept nothing the scanner refuses (each line below is also
    // cut and altered at every byte).
    void theWritersLayoutReadsAsTheScannerReadsIt() {
        std::mt19937 rng(7);
        const std::vector<std::string> texts = {"c1", "mega-drop", "675133", "a\"b", "x\\y",
                                                "\t", "élise",     "r-1",    "sim",  ""};
        auto pick = [&] { return texts[rng() % texts.size()]; };
        int fastLines = 0, altered = 0;
        for (int k = 0; k < 400; ++k) {
            CaptureRecord in;
            in.atUs = std::int64_t(rng() % 2'000'000) - 1000;
            in.campaign = pick();
            in.user = pick();
            in.requestId = rng() % 3 == 0 ? pick() : std::string();
            in.source = rng() % 2 ? pick() : std::string();
            in.verified = rng() % 2;
            if (rng() % 5 == 0) in.headers = {{"X-User-Id", pick()}};
            std::string line;
            appendRecordLine(line, in);
            line.pop_back();  // the '\n'
            if (rng() % 4 == 0) line += '\r';
            std::vector<std::string> variants{line};
            for (std::size_t i = 0; i < line.size(); ++i) {
                variants.push_back(line.substr(0, i));
                variants.push_back(line.substr(0, i) + line.substr(i + 1));
                std::string changed = line;
                changed[i] = "\"\\ ,:}{0a\x01"[rng() % 10];
                variants.push_back(changed);
            }
            for (const std::string& v : variants) {
                CaptureRecord fast, scanned;
                CaptureHeader h1, h2;
                std::string e1, e2;
                const LineParse a = parseCaptureLine(v, fast, h1, e1);
                const LineParse b = scanCaptureLine(v, scanned, h2, e2);
                QCOMPARE(a.error.empty(), b.error.empty());
                QCOMPARE(a.error, b.error);
                if (!a.error.empty() || a.kind != LineKind::Record) continue;
                ++altered;
                QCOMPARE(fast.atUs, scanned.atUs);
                QCOMPARE(fast.campaign, scanned.campaign);
                QCOMPARE(fast.user, scanned.user);
                QCOMPARE(fast.requestId, scanned.requestId);
                QCOMPARE(fast.source, scanned.source);
                QCOMPARE(fast.verified, scanned.verified);
                QCOMPARE(fast.headers, scanned.headers);
            }
            if (!in.campaign.empty() && !in.user.empty()) {
                CaptureRecord r;
                CaptureHeader h;
                std::string e;
                QVERIFY(parseCaptureLine(line, r, h, e).error.empty());
                QCOMPARE(r.user, in.user);
                ++fastLines;
            }
        }
        QVERIFY(fastLines > 200);
        QVERIFY(altered > fastLines);  // some altered lines still parse, and agree
    }

    void unicodeEscapesAndSurrogatesDecode() {
        CaptureRecord r;
        CaptureHeader h;
        std::string reason;
        const auto p = parseCaptureLine(
            R"({"t_us":1,"campaign":"\u00e9","user":"\ud83d\ude00","verified":true})", r, h,
            reason);
        QVERIFY2(p.error.empty(), p.error.c_str());
        QCOMPARE(r.campaign, std::string("\xC3\xA9"));
        QCOMPARE(r.user, std::string("\xF0\x9F\x98\x80"));
        QVERIFY(!parseCaptureLine(R"({"t_us":1,"campaign":"c","user":"\ud83d"})", r, h, reason)
                     .error.empty());
    }

    // A kill leaves no trailer and perhaps half a line: every complete line stands.
    void killedRecorderKeepsEveryCompleteLine() {
        QTemporaryDir dir;
        const std::string path = capture_test::write(
            dir, "killed.ndjson",
            header() +
                "{\"t_us\":1,\"campaign\":\"c\",\"user\":\"1\"}\n"
                "{\"t_us\":2,\"campaign\":\"c\",\"user\":\"2\"}\n{\"t_us\":3,\"camp");
        const auto got = readAll(path);
        QVERIFY2(got.error.empty(), got.error.toString().c_str());
        QCOMPARE(got.records.size(), std::size_t(2));
        QVERIFY(got.stats.truncated);
    }

    // A gzip writer flushed but never closed: the stream has no end, the lines are there.
    void unfinishedGzipStreamKeepsFlushedLines() {
        QTemporaryDir dir;
        const std::string path = dir.filePath(QStringLiteral("k.ndjson.gz")).toStdString();
        std::string error;
        auto sink = ByteSink::create(path, error);
        QVERIFY(sink);
        QVERIFY(sink->write(header() + "{\"t_us\":1,\"campaign\":\"c\",\"user\":\"1\"}\n"));
        QVERIFY(sink->flush());
        // Cut the file where the flush left it, as a kill -9 would.
        QFile f(QString::fromStdString(path));
        const qint64 flushedSize = f.size();
        QVERIFY(sink->write("{\"t_us\":2,\"campaign\":\"c\",\"user\":\"2\"}\n"));
        sink->close();
        QVERIFY(f.resize(flushedSize));
        const auto got = readAll(path);
        QVERIFY2(got.error.empty(), got.error.toString().c_str());
        QCOMPARE(got.records.size(), std::size_t(1));
        QVERIFY(got.stats.truncated);
    }

    // The same for zstd: a frame that never ends keeps the blocks that were flushed; two frames
    // one after the other (zstd -c a b > c) read as one stream; a corrupt one is said.
    void unfinishedZstdFrameKeepsFlushedLines() {
        QTemporaryDir dir;
        const std::string path = dir.filePath(QStringLiteral("k.ndjson.zst")).toStdString();
        std::string error;
        auto sink = ByteSink::create(path, error);
        QVERIFY2(sink, error.c_str());
        QVERIFY(sink->write(header() + "{\"t_us\":1,\"campaign\":\"c\",\"user\":\"1\"}\n"));
        QVERIFY(sink->flush());
        QFile f(QString::fromStdString(path));
        const qint64 flushedSize = f.size();
        QVERIFY(sink->write("{\"t_us\":2,\"campaign\":\"c\",\"user\":\"2\"}\n"));
        sink->close();
        const QByteArray whole = [&] {
            QFile all(QString::fromStdString(path));
            all.open(QIODevice::ReadOnly);
            return all.readAll();
        }();
        QVERIFY(f.resize(flushedSize));
        const auto got = readAll(path);
        QVERIFY2(got.error.empty(), got.error.toString().c_str());
        QCOMPARE(got.records.size(), std::size_t(1));
        QVERIFY(got.stats.truncated);
        QVERIFY(got.stats.zstd);

        // Two whole frames: the header and a record, then two more records.
        const auto frame = [&](const std::string& name, const std::string& text) {
            std::string why;
            auto one =
                ByteSink::create(dir.filePath(QString::fromStdString(name)).toStdString(), why);
            one->write(text);
            one->close();
            QFile in(dir.filePath(QString::fromStdString(name)));
            in.open(QIODevice::ReadOnly);
            return in.readAll();
        };
        const QByteArray frames =
            frame("a.zst", header() + "{\"t_us\":1,\"campaign\":\"c\",\"user\":\"1\"}\n") +
            frame("b.zst",
                  "{\"t_us\":2,\"campaign\":\"c\",\"user\":\"2\"}\n"
                  "{\"t_us\":3,\"campaign\":\"c\",\"user\":\"3\"}\n"
                  "{\"end\":\"complete\",\"records\":3}\n");
        const std::string twice = dir.filePath(QStringLiteral("twice.ndjson.zst")).toStdString();
        QFile two(QString::fromStdString(twice));
        QVERIFY(two.open(QIODevice::WriteOnly));
        two.write(frames);
        two.close();
        const auto both = readAll(twice);
        QVERIFY2(both.error.empty(), both.error.toString().c_str());
        QCOMPARE(both.records.size(), std::size_t(3));
        QVERIFY(!both.stats.truncated);

        QByteArray broken = whole;
        for (int i = 12; i < broken.size() - 4; ++i) broken[i] = char(broken[i] ^ 0x5a);
        const std::string bad = dir.filePath(QStringLiteral("bad.ndjson.zst")).toStdString();
        QFile b(QString::fromStdString(bad));
        QVERIFY(b.open(QIODevice::WriteOnly));
        b.write(broken);
        b.close();
        const auto corrupt = readAll(bad);
        QVERIFY2(corrupt.error.message.find("zstd data is corrupt") != std::string::npos,
                 corrupt.error.toString().c_str());
    }

    // A compressed capture's last block may decode to more than the reader's free room: the
    // rest, held by the decoder, is drained at the end of the file, not taken for a cut.
    void aLargeCompressedCaptureReadsToItsEnd_data() {
        QTest::addColumn<QString>("suffix");
        QTest::newRow("gzip") << QStringLiteral(".gz");
        QTest::newRow("zstd") << QStringLiteral(".zst");
    }
    void aLargeCompressedCaptureReadsToItsEnd() {
        QFETCH(QString, suffix);
        QTemporaryDir dir;
        const std::string path = dir.filePath(QStringLiteral("big.ndjson") + suffix).toStdString();
        std::string error;
        auto w = CaptureWriter::create(path, {"unit test", 0, ""}, error);
        QVERIFY2(w, error.c_str());
        constexpr int kRecords = 20000;  // ~1 MB of lines, far more than one block or chunk
        for (int i = 0; i < kRecords; ++i)
            QVERIFY(w->write(record(i, "campaign-with-a-long-name", std::to_string(1000000 + i))));
        QVERIFY(w->finish("complete"));
        const auto got = readAll(path);
        QVERIFY2(got.error.empty(), got.error.toString().c_str());
        QCOMPARE(got.records.size(), std::size_t(kRecords));
        QCOMPARE(got.records.back().user, std::to_string(1000000 + kRecords - 1));
        QVERIFY(!got.stats.truncated);
        QCOMPARE(got.stats.endReason, std::string("complete"));
    }

    void sizeCapEndsTheFileCleanly() {
        QTemporaryDir dir;
        const std::string path = dir.filePath(QStringLiteral("cap.ndjson")).toStdString();
        std::string error;
        auto w = CaptureWriter::create(path, {"cap", 1000, ""}, error);
        QVERIFY(w);
        int written = 0;
        while (w->write(record(written, "c1", std::to_string(written)))) ++written;
        QVERIFY(w->capped());
        QVERIFY(written > 5);
        w->finish("complete");  // the cap already ended it
        QVERIFY(QFile(QString::fromStdString(path)).size() <= 1000);
        const auto got = readAll(path);
        QVERIFY2(got.error.empty(), got.error.toString().c_str());
        QCOMPARE(int(got.records.size()), written);
        QCOMPARE(got.stats.endReason, std::string("cap"));
    }

    void anonymisedUsersAreStableUnderOneKey() {
        QCOMPARE(anonymisedUser("k", "alice"), anonymisedUser("k", "alice"));
        QVERIFY(anonymisedUser("k", "alice") != anonymisedUser("k", "bob"));
        QVERIFY(anonymisedUser("k", "alice") != anonymisedUser("other", "alice"));
        QTemporaryDir dir;
        const std::string path = dir.filePath(QStringLiteral("a.ndjson")).toStdString();
        std::string error;
        auto w = CaptureWriter::create(path, {"anon", 0, "k"}, error);
        QVERIFY(w->write(record(0, "c", "alice")) && w->write(record(1, "c", "alice")));
        QVERIFY(w->finish("complete"));
        const auto got = readAll(path);
        QCOMPARE(got.records.size(), std::size_t(2));
        QCOMPARE(got.records[0].user, anonymisedUser("k", "alice"));
        QCOMPARE(got.records[1].user, got.records[0].user);
        QVERIFY(!QFile(QString::fromStdString(path)).readAll().contains("alice"));
    }

    void badLineNamesFileLineAndByte() {
        QTemporaryDir dir;
        const std::string good = "{\"t_us\":1,\"campaign\":\"c\",\"user\":\"1\"}\n";
        const std::string path = capture_test::write(
            dir, "bad.ndjson", header() + good + "{\"t_us\":2,\"campaign\":\"c\"}\n" + good);
        const auto got = readAll(path);
        QCOMPARE(got.records.size(), std::size_t(1));
        QCOMPARE(got.error.line, 3);
        QCOMPARE(got.error.byteOffset, std::int64_t(header().size() + good.size()));
        QVERIFY2(got.error.toString().find("bad.ndjson:3: missing user") != std::string::npos,
                 got.error.toString().c_str());

        ReaderOptions skip;
        skip.onError = OnError::Skip;
        const auto skipped = readAll(path, skip);
        QVERIFY(skipped.error.empty());
        QCOMPARE(skipped.records.size(), std::size_t(2));
        QCOMPARE(skipped.stats.skippedBad, 1);
        QCOMPARE(skipped.stats.firstBad.line, 3);
    }

    void malformedJsonIsRefusedWithItsColumn_data() {
        QTest::addColumn<QByteArray>("line");
        QTest::newRow("no brace") << QByteArray("\"t_us\":1");
        QTest::newRow("float time") << QByteArray(R"({"t_us":1.5,"campaign":"c","user":"u"})");
        QTest::newRow("bad escape") << QByteArray(R"({"t_us":1,"campaign":"\q","user":"u"})");
        QTest::newRow("trailing") << QByteArray(R"({"t_us":1,"campaign":"c","user":"u"} x)");
        QTest::newRow("empty user") << QByteArray(R"({"t_us":1,"campaign":"c","user":""})");
        QTest::newRow("bad bool") << QByteArray(
            R"({"t_us":1,"campaign":"c","user":"u","verified":1})");
    }
    void malformedJsonIsRefusedWithItsColumn() {
        QFETCH(QByteArray, line);
        CaptureRecord r;
        CaptureHeader h;
        std::string reason;
        const LineParse p = parseCaptureLine(line.toStdString(), r, h, reason);
        QVERIFY(!p.error.empty());
        QVERIFY(p.column <= std::size_t(line.size()));
    }

    void fileWithoutHeaderIsNotACapture() {
        QTemporaryDir dir;
        const auto got = readAll(capture_test::write(
            dir, "nohead.ndjson", "{\"t_us\":1,\"campaign\":\"c\",\"user\":\"1\"}\n"));
        QVERIFY(got.error.message.find("not a Stampede capture") != std::string::npos);
        const auto empty = readAll(capture_test::write(dir, "empty.ndjson", ""));
        QVERIFY(!empty.opened);
        QVERIFY(!empty.error.empty());
        const auto missing = readAll(dir.filePath(QStringLiteral("none")).toStdString());
        QVERIFY(missing.error.message.find("cannot open") != std::string::npos);
    }

    void infoCountsDuplicatesUsersAndPeaks() {
        QTemporaryDir dir;
        std::string text = header();
        // 3 in the first millisecond, one duplicate (c1, 1), one user in two campaigns.
        for (const char* l : {R"({"t_us":100,"campaign":"c1","user":"1"})",
                              R"({"t_us":200,"campaign":"c1","user":"2"})",
                              R"({"t_us":300,"campaign":"c1","user":"1"})",
                              R"({"t_us":50,"campaign":"c2","user":"1","verified":false})",
                              R"({"t_us":1500000,"campaign":"c2","user":"3"})"})
            text += std::string(l) + "\n";
        text += "{\"end\":\"complete\",\"records\":5}\n";
        CaptureError error;
        auto reader = openCapture(capture_test::write(dir, "i.ndjson", text), {}, error);
        QVERIFY(reader);
        CaptureInfo info;
        QVERIFY(summariseCapture(*reader, info));
        QCOMPARE(info.requests, 5);
        QCOMPARE(info.duplicates, 1);
        QCOMPARE(info.distinctUsers, 3);
        QCOMPARE(info.campaigns.size(), std::size_t(2));
        QCOMPARE(info.campaigns[0].users, 2);
        QCOMPARE(info.peakPerMs, 4);
        QCOMPARE(info.peakPerSecond, 4);
        QCOMPARE(info.firstUs, 50);
        QCOMPARE(info.lastUs, 1500000);
        QCOMPARE(info.outOfOrder, 1);
        QCOMPARE(info.unverified, 1);
        QVERIFY(toText(info).find("duplicates     1") != std::string::npos);
    }

    // Lines longer than a read chunk, and many of them: the line reader's refills.
    void linesAcrossChunkBoundaries() {
        QTemporaryDir dir;
        std::string text = header();
        const std::string longUser(300000, 'x');
        for (int i = 0; i < 20; ++i)
            text += "{\"t_us\":" + std::to_string(i) + ",\"campaign\":\"c\",\"user\":\"" +
                    longUser + std::to_string(i) + "\"}\n";
        for (bool gz : {false, true}) {
            const auto got = readAll(capture_test::write(dir, "long.ndjson", text, gz));
            QVERIFY2(got.error.empty(), got.error.toString().c_str());
            QCOMPARE(got.records.size(), std::size_t(20));
            QCOMPARE(got.records[19].user, longUser + "19");
        }
    }
};

QTEST_GUILESS_MAIN(TestCaptureNdjson)
#include "tst_capture_ndjson.moc"
