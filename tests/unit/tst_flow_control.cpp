// Rate cap and bulkhead in virtual time: the limiter is driven by the times the test gives it.
#include <QtTest>

#include "pipeline/fault_plan.h"
#include "pipeline/flow_control.h"

using namespace stampede::pipeline;

class TestFlowControl : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void rateLimiterSpacesSlots() {
        RateLimiter r;
        QVERIFY(!r.limited());
        QCOMPARE(r.reserve(123), std::int64_t(123));
        r.setRate(1000, 0);  // 1 ms apart
        QVERIFY(r.limited());
        QCOMPARE(r.reserve(0), std::int64_t(0));
        QCOMPARE(r.reserve(0), std::int64_t(1'000'000));
        QCOMPARE(r.reserve(0), std::int64_t(2'000'000));
        // Idle time is not banked beyond the next slot.
        QCOMPARE(r.reserve(10'000'000), std::int64_t(10'000'000));
        QCOMPARE(r.reserve(10'000'000), std::int64_t(11'000'000));
    }
    void rateChangesApplyAtOnce() {
        RateLimiter r;
        r.setRate(10, 0);
        QCOMPARE(r.reserve(0), std::int64_t(0));
        QCOMPARE(r.reserve(0), std::int64_t(100'000'000));
        r.setRate(1000, 5);
        QCOMPARE(r.reserve(5), std::int64_t(5));
        QCOMPARE(r.reserve(5), std::int64_t(1'000'005));
        r.setRate(0, 0);
        QVERIFY(!r.limited());
    }
    void bulkheadBoundsInFlight() {
        Bulkhead b;
        b.setLimit(2);
        QVERIFY(b.tryEnter());
        QVERIFY(b.tryEnter());
        QVERIFY(!b.tryEnter());
        QCOMPARE(b.inFlight(), std::int64_t(2));
        b.leave();
        QVERIFY(b.tryEnter());
        b.setLimit(0);
        QVERIFY(b.tryEnter());
        QCOMPARE(b.inFlight(), std::int64_t(3));
    }
    void faultsAreDeterministicAndNearTheirRates() {
        stampede::core::FaultConfig config;
        config.transientFailureRate = 0.2;
        config.permanentFailureRate = 0.05;
        FaultPlan a(config, 7), b(config, 7), c(config, 8);
        int transient = 0, permanent = 0, differ = 0;
        for (std::uint64_t k = 0; k < 20000; ++k) {
            const auto o = a.outcome(k, 1);
            QCOMPARE(o, b.outcome(k, 1));
            differ += o != c.outcome(k, 1) ? 1 : 0;
            transient += o == FaultOutcome::Transient;
            permanent += o == FaultOutcome::Permanent;
        }
        QVERIFY(transient > 3600 && transient < 4400);
        QVERIFY(permanent > 800 && permanent < 1200);
        QVERIFY(differ > 1000);
    }
    void backoffGrowsAndIsCapped() {
        FaultPlan plan({}, 1);
        double sum1 = 0, sum4 = 0;
        for (std::uint64_t k = 0; k < 2000; ++k) {
            const auto b1 = plan.backoffNs(k, 1, 2, 50);
            const auto b4 = plan.backoffNs(k, 4, 2, 50);
            QVERIFY(b1 >= 0 && b1 <= 2'000'000);
            QVERIFY(b4 >= 0 && b4 <= 16'000'000);
            QVERIFY(plan.backoffNs(k, 20, 2, 50) <= 50'000'000);
            sum1 += double(b1);
            sum4 += double(b4);
        }
        QVERIFY(sum4 > 6 * sum1);  // exponential: 8x on average
    }
};

QTEST_GUILESS_MAIN(TestFlowControl)
#include "tst_flow_control.moc"
