// The MPMC ring and the inproc transport: nothing lost, nothing doubled, FIFO per producer,
// consumers own their partitions.
#include <QtTest>

#include <set>
#include <thread>

#include "transport/bounded_queue.h"
#include "transport/inproc_transport.h"

using namespace stampede::transport;

class TestBoundedQueue : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void fifoAndBounds() {
        BoundedQueue q(4);
        QCOMPARE(q.capacity(), std::size_t(4));
        for (std::uint32_t i = 0; i < 4; ++i) QVERIFY(q.tryPush(i));
        QVERIFY(!q.tryPush(99));
        std::uint32_t v = 0;
        for (std::uint32_t i = 0; i < 4; ++i) {
            QVERIFY(q.tryPop(v));
            QCOMPARE(v, i);
        }
        QVERIFY(!q.tryPop(v));
    }
    void manyProducersManyConsumersLoseNothing() {
        BoundedQueue q(1024);
        constexpr std::uint32_t kPerProducer = 50000;
        std::atomic<int> producersLeft{3};
        std::vector<std::vector<std::uint32_t>> seen(3);
        std::vector<std::thread> threads;
        for (std::uint32_t p = 0; p < 3; ++p)
            threads.emplace_back([&, p] {
                for (std::uint32_t i = 0; i < kPerProducer; ++i)
                    while (!q.tryPush(p * kPerProducer + i)) std::this_thread::yield();
                --producersLeft;
            });
        for (int c = 0; c < 3; ++c)
            threads.emplace_back([&, c] {
                std::uint32_t v = 0;
                for (;;) {
                    if (q.tryPop(v))
                        seen[std::size_t(c)].push_back(v);
                    else if (producersLeft == 0 && q.sizeApprox() == 0)
                        return;
                    else
                        std::this_thread::yield();
                }
            });
        for (auto& t : threads) t.join();
        std::vector<std::uint32_t> all;
        for (auto& s : seen) {
            // Per producer, one consumer sees values in increasing order (FIFO per producer).
            std::vector<std::uint32_t> last(3, 0);
            std::vector<bool> any(3, false);
            for (auto v : s) {
                const auto p = v / kPerProducer;
                QVERIFY(!any[p] || v > last[p]);
                any[p] = true;
                last[p] = v;
            }
            all.insert(all.end(), s.begin(), s.end());
        }
        QCOMPARE(all.size(), std::size_t(3 * kPerProducer));
        std::sort(all.begin(), all.end());
        QVERIFY(std::adjacent_find(all.begin(), all.end()) == all.end());
    }
    void batchesTakeTheRunThatFitsAndWrap() {
        BoundedQueue q(8);
        const std::uint32_t six[] = {0, 1, 2, 3, 4, 5};
        QCOMPARE(q.tryPushBatch(six, 6), std::size_t(6));
        QCOMPARE(q.tryPushBatch(six, 6), std::size_t(2));  // only two cells were free
        QCOMPARE(q.tryPushBatch(six, 6), std::size_t(0));  // full
        std::uint32_t out[16] = {};
        QCOMPARE(q.tryPopBatch(out, 3), std::size_t(3));
        QCOMPARE(out[2], 2u);
        QVERIFY(q.tryPush(42));  // single and batch pushes share the ring; it wraps
        QCOMPARE(q.tryPopBatch(out, 16), std::size_t(6));
        const std::uint32_t expected[] = {3, 4, 5, 0, 1, 42};
        for (int i = 0; i < 6; ++i) QCOMPARE(out[i], expected[i]);
        QCOMPARE(q.tryPopBatch(out, 16), std::size_t(0));  // empty
    }
    void batchedProducersAndConsumersLoseNothing() {
        // Two producers push runs of up to 37, one pushes singly; three consumers pop runs of up
        // to 29 or singly: every value once, FIFO per producer.
        BoundedQueue q(256);
        constexpr std::uint32_t kPerProducer = 60000;
        std::atomic<int> producersLeft{3};
        std::vector<std::vector<std::uint32_t>> seen(3);
        std::vector<std::thread> threads;
        for (std::uint32_t p = 0; p < 3; ++p)
            threads.emplace_back([&, p] {
                std::uint32_t run[37];
                for (std::uint32_t i = 0; i < kPerProducer;) {
                    if (p == 2) {
                        if (q.tryPush(p * kPerProducer + i))
                            ++i;
                        else
                            std::this_thread::yield();
                        continue;
                    }
                    const std::uint32_t n = std::min<std::uint32_t>(1 + i % 37, kPerProducer - i);
                    for (std::uint32_t k = 0; k < n; ++k) run[k] = p * kPerProducer + i + k;
                    std::size_t sent = 0;
                    while (sent < n) {
                        const std::size_t k = q.tryPushBatch(run + sent, n - sent);
                        if (k == 0) std::this_thread::yield();
                        sent += k;
                    }
                    i += n;
                }
                --producersLeft;
            });
        for (int c = 0; c < 3; ++c)
            threads.emplace_back([&, c] {
                std::uint32_t out[29];
                for (;;) {
                    const std::size_t k =
                        c == 0 ? (q.tryPop(out[0]) ? 1 : 0) : q.tryPopBatch(out, 29);
                    if (k > 0)
                        seen[std::size_t(c)].insert(seen[std::size_t(c)].end(), out, out + k);
                    else if (producersLeft == 0 && q.sizeApprox() == 0)
                        return;
                    else
                        std::this_thread::yield();
                }
            });
        for (auto& t : threads) t.join();
        std::vector<std::uint32_t> all;
        for (auto& s : seen) {
            std::vector<std::int64_t> last(3, -1);
            for (auto v : s) {
                const auto p = v / kPerProducer;
                QVERIFY(std::int64_t(v) > last[p]);
                last[p] = v;
            }
            all.insert(all.end(), s.begin(), s.end());
        }
        QCOMPARE(all.size(), std::size_t(3 * kPerProducer));
        std::sort(all.begin(), all.end());
        QVERIFY(std::adjacent_find(all.begin(), all.end()) == all.end());
    }
    void consumersOwnTheirPartitions() {
        InprocTransport t(4, 64, 2);
        for (int p = 0; p < 4; ++p) QVERIFY(t.tryPush(p, {std::uint32_t(p)}));
        std::set<std::uint32_t> c0, c1;
        Delivery v;
        while (t.tryPop(0, v)) c0.insert(v.message);
        while (t.tryPop(1, v)) c1.insert(v.message);
        QCOMPARE(c0, (std::set<std::uint32_t>{0, 2}));
        QCOMPARE(c1, (std::set<std::uint32_t>{1, 3}));
    }
    void moreConsumersThanPartitionsShare() {
        InprocTransport t(1, 64, 3);
        QVERIFY(t.tryPush(0, {7}));
        Delivery v;
        QVERIFY(t.tryPop(2, v));
        QCOMPARE(v.message, 7u);
    }
    void sleepingConsumerIsWoken() {
        InprocTransport t(1, 64, 1);
        std::atomic<bool> got{false};
        std::thread consumer([&] {
            Delivery v;
            while (!t.tryPop(0, v))
                t.waitForWork(0, 5'000'000'000);  // 5 s: only a ring wakes it in time
            got = true;
        });
        QTRY_VERIFY_WITH_TIMEOUT(t.depth() == 0, 1000);
        QVERIFY(t.tryPush(0, {1}));
        t.notify(0);
        QTRY_VERIFY_WITH_TIMEOUT(got.load(), 2000);
        consumer.join();
    }
    void partitionForSpreadsKeys() {
        InprocTransport t(4, 64, 4);
        std::vector<int> counts(4, 0);
        for (std::uint64_t k = 0; k < 4000; ++k) ++counts[std::size_t(t.partitionFor(k))];
        for (int c : counts) QVERIFY(c > 800 && c < 1200);
    }
};

QTEST_GUILESS_MAIN(TestBoundedQueue)
#include "tst_bounded_queue.moc"
