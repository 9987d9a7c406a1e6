// Log-linear histogram: bucket bounds, percentiles exact to the bucket, interval deltas.
#include <QtTest>

#include <random>
#include <thread>

#include "stampede/metrics/latency_histogram.h"

using namespace stampede::metrics;

class TestLatencyHistogram : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void bucketsCoverEveryValueOnce() {
        for (std::uint64_t v : {0ull, 1ull, 31ull, 32ull, 33ull, 63ull, 64ull, 1000ull,
                                123456789ull, (1ull << 42) + 5}) {
            const int b = bucketOf(v);
            QVERIFY2(bucketLowerBound(b) <= v && v <= bucketUpperBound(b),
                     qPrintable(QString::number(v)));
        }
        for (int b = 1; b < kBucketCount; ++b)
            QCOMPARE(bucketLowerBound(b), bucketUpperBound(b - 1) + 1);
    }
    void relativeErrorIsSmall() {
        for (std::uint64_t v = 100; v < 10'000'000'000ull; v = v * 3 + 7) {
            const int b = bucketOf(v);
            const double width = double(bucketUpperBound(b) - bucketLowerBound(b));
            QVERIFY(width / double(v) <= 1.0 / kSubBuckets + 1e-9);
        }
    }
    void percentilesOfUniformValues() {
        LatencyHistogram h;
        for (std::uint64_t v = 1; v <= 10000; ++v) h.record(v * 1000);
        QCOMPARE(h.count(), 10000ull);
        QCOMPARE(h.max(), 10'000'000ull);
        const auto p50 = double(h.percentile(0.5));
        const auto p99 = double(h.percentile(0.99));
        QVERIFY(std::abs(p50 - 5'000'000) / 5'000'000 < 0.04);
        QVERIFY(std::abs(p99 - 9'900'000) / 9'900'000 < 0.04);
        QCOMPARE(h.percentile(1.0), 10'000'000ull);
        QCOMPARE(LatencyHistogram().percentile(0.5), 0ull);
    }
    void intervalIsTheDifference() {
        LatencyHistogram a;
        for (int i = 0; i < 100; ++i) a.record(1000);
        LatencyHistogram b = a;
        for (int i = 0; i < 50; ++i) b.record(1'000'000);
        const LatencyHistogram d = b.since(a);
        QCOMPARE(d.count(), 50ull);
        QVERIFY(d.percentile(0.01) >= 1'000'000 * 0.97);
    }
    void recorderCopiesWhileWriting() {
        LatencyRecorder rec;
        std::atomic<bool> done{false};
        std::thread writer([&] {
            for (std::uint64_t i = 0; i < 200000; ++i) rec.record(i % 5000);
            done = true;
        });
        std::uint64_t last = 0;
        while (!done) {
            LatencyHistogram h;
            rec.addTo(h);
            QVERIFY(h.count() >= last);  // monotone, never torn backwards
            last = h.count();
        }
        writer.join();
        LatencyHistogram h;
        rec.addTo(h);
        QCOMPARE(h.count(), 200000ull);
        QCOMPARE(h.max(), 4999ull);
    }
};

QTEST_GUILESS_MAIN(TestLatencyHistogram)
#include "tst_latency_histogram.moc"
