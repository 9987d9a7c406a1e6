// The in-memory guards: correct ones never over-issue under contention, stock changes are atomic
// and never undercut what is taken, none really races.
#include <QtTest>

#include <thread>

#include "stampede/guards/guard.h"

using namespace stampede::guards;

namespace {
// `threads` threads take from campaign 0 until sold out; returns units taken.
std::int64_t hammer(Guard& g, int threads) {
    std::atomic<std::int64_t> taken{0};
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t)
        pool.emplace_back([&, t] {
            while (g.take(0, t) == TakeResult::Taken) ++taken;
        });
    for (auto& th : pool) th.join();
    return taken.load();
}
}  // namespace

class TestGuards : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void correctGuardsIssueExactlyTheStock_data() {
        QTest::addColumn<QString>("name");
        for (const char* n : {"mutex", "semaphore", "atomic", "single-consumer"})
            QTest::newRow(n) << QString::fromLatin1(n);
    }
    void correctGuardsIssueExactlyTheStock() {
        QFETCH(QString, name);
        std::string error;
        auto g = makeGuard(name.toStdString(), error);
        QVERIFY2(g, error.c_str());
        const std::int64_t stocks[] = {20000, 5};
        g->reset(stocks, 4);
        QCOMPARE(hammer(*g, 4), std::int64_t(20000));
        QCOMPARE(g->remaining(0), std::int64_t(0));
        QCOMPARE(g->take(1, 0), TakeResult::Taken);
        QCOMPARE(g->remaining(1), std::int64_t(4));
        g->giveBack(1, 0);
        QCOMPARE(g->remaining(1), std::int64_t(5));
    }
    void stockChangesNeverUndercutTaken_data() { correctGuardsIssueExactlyTheStock_data(); }
    void stockChangesNeverUndercutTaken() {
        QFETCH(QString, name);
        std::string error;
        auto g = makeGuard(name.toStdString(), error);
        const std::int64_t stocks[] = {10};
        g->reset(stocks, 1);
        for (int i = 0; i < 6; ++i) QCOMPARE(g->take(0, 0), TakeResult::Taken);
        QCOMPARE(g->setStock(0, 5), StockChange::BelowTaken);
        QCOMPARE(g->stock(0), std::int64_t(10));
        QCOMPARE(g->setStock(0, 6), StockChange::Applied);
        QCOMPARE(g->take(0, 0), TakeResult::SoldOut);
        QCOMPARE(g->setStock(0, 20), StockChange::Applied);
        QCOMPARE(g->remaining(0), std::int64_t(14));
        QCOMPARE(g->setStock(3, 20), StockChange::UnknownCampaign);
        QCOMPARE(g->setStock(0, -1), StockChange::UnknownCampaign);
    }
    void stockRaisedWhileTakingIsExact() {
        std::string error;
        auto g = makeGuard("atomic", error);
        const std::int64_t stocks[] = {1000};
        g->reset(stocks, 3);
        std::atomic<bool> stop{false};
        std::atomic<std::int64_t> taken{0};
        std::vector<std::thread> pool;
        for (int t = 0; t < 2; ++t)
            pool.emplace_back([&, t] {
                while (!stop)
                    if (g->take(0, t) == TakeResult::Taken) ++taken;
            });
        for (int s = 1001; s <= 3000; s += 50)
            QCOMPARE(g->setStock(0, s) == StockChange::Applied, true);
        QTRY_COMPARE(g->remaining(0), std::int64_t(0));
        stop = true;
        for (auto& th : pool) th.join();
        QCOMPARE(taken.load(), g->stock(0));
    }
    void noneRacesUnderContention() {
        std::string error;
        auto g = makeGuard("none", error);
        QVERIFY(g->racesOnPurpose());
        const std::int64_t stocks[] = {20000};
        g->reset(stocks, 2);
        // Two threads overlapping in the read-to-write gap both issue from one unit.
        QVERIFY(hammer(*g, 2) > 20000);
    }
    void unknownAndBackendGuardsAreRefused() {
        std::string error;
        QVERIFY(!makeGuard("bogus", error));
        QVERIFY(error.find("unknown guard") != std::string::npos);
        QVERIFY(!makeGuard("redis-lua", error));
        QVERIFY(error.find("Redis") != std::string::npos);
    }
};

QTEST_GUILESS_MAIN(TestGuards)
#include "tst_guards.moc"
