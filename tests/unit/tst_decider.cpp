// The one decider and its retry policy, as the run's workers, a Kafka worker in another process
// and a dead-letter topic's replay all use them: verdicts from the request's flags and a real
// in-memory guard, retries while the guard is unavailable, the policy's bounds.

#include <QtTest>

#include <atomic>
#include <memory>

#include "guards/decider.h"
#include "stampede/core/request.h"

using namespace stampede;
using guards::Verdict;

namespace {

// A real in-memory guard behind an outage: the first `failures` takes answer Unavailable.
class OutageGuard final : public guards::Guard {
public:
    explicit OutageGuard(int failures) : m_failures(failures) {
        std::string error;
        m_inner = guards::makeGuard("atomic", error);
        const std::int64_t stock[] = {2};
        m_inner->reset(stock, 1);
    }
    std::string_view name() const override { return "outage"; }
    void reset(std::span<const std::int64_t> s, int lanes) override { m_inner->reset(s, lanes); }
    guards::TakeResult take(int c, int lane) override {
        ++takes;
        if (m_failures > 0) {
            --m_failures;
            return guards::TakeResult::Unavailable;
        }
        return m_inner->take(c, lane);
    }
    void giveBack(int c, int lane) override { m_inner->giveBack(c, lane); }
    guards::StockChange setStock(int c, std::int64_t s) override { return m_inner->setStock(c, s); }
    std::int64_t stock(int c) const override { return m_inner->stock(c); }
    std::int64_t remaining(int c) const override { return m_inner->remaining(c); }
    int takes = 0;

private:
    int m_failures;
    std::unique_ptr<guards::Guard> m_inner;
};

constexpr guards::RetryPolicy kFast{3, 0.01, 0.02};

}  // namespace

class TstDecider : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void verdictsFollowTheFlagsThenTheGuard() {
        OutageGuard guard(0);
        const guards::Decider decider(guard, kFast, false);
        QCOMPARE(decider.attempt({0, 0, 1, core::Request::kLotteryEntry}), Verdict::LotteryLost);
        QCOMPARE(guard.takes, 0);
        QCOMPARE(decider.attempt(
                     {0, 0, 1, core::Request::kLotteryEntry | core::Request::kLotteryWinner}),
                 Verdict::Issued);
        QCOMPARE(decider.attempt({0, 0, 2, core::Request::kStockReserved}), Verdict::Issued);
        QCOMPARE(guard.takes, 1);  // the winner took; the reserved unit was taken at the ingress
        QCOMPARE(decider.attempt({0, 0, 3, 0}), Verdict::Issued);
        QCOMPARE(decider.attempt({0, 0, 4, 0}), Verdict::SoldOut);
        QCOMPARE(guard.remaining(0), 0);
    }

    void retriesWhileUnavailableWithinThePolicy() {
        OutageGuard guard(2);
        const guards::Decider decider(guard, kFast, false);
        std::mt19937_64 jitter(1);
        int attempts = 0;
        QCOMPARE(decider.decideBlocking({0, 0, 1, 0}, jitter, attempts, [] { return false; }),
                 Verdict::Issued);
        QCOMPARE(attempts, 3);
        QCOMPARE(guard.takes, 3);

        OutageGuard down(10);
        const guards::Decider giveUp(down, kFast, false);
        QCOMPARE(giveUp.decideBlocking({0, 0, 1, 0}, jitter, attempts, [] { return false; }),
                 Verdict::Unavailable);
        QCOMPARE(attempts, kFast.maxAttempts);
        QCOMPARE(down.takes, kFast.maxAttempts);
    }

    void stopsWhenAskedAndLetsTheCallerDecideFirst() {
        OutageGuard down(10);
        const guards::Decider decider(down, kFast, false);
        std::mt19937_64 jitter(1);
        int attempts = 0;
        QCOMPARE(decider.decideBlocking({0, 0, 1, 0}, jitter, attempts, [] { return true; }),
                 Verdict::Unavailable);
        QCOMPARE(attempts, 1);
        OutageGuard up(0);
        const guards::Decider held(up, kFast, false);
        QCOMPARE(held.decideBlocking(
                     {0, 0, 1, 0}, jitter, attempts, [] { return false; },
                     [] { return std::optional(Verdict::Issued); }),
                 Verdict::Issued);
        QCOMPARE(up.takes, 0);  // decided before the guard was asked
    }

    void backoffIsFullJitterUnderAnExponentialCap() {
        const guards::RetryPolicy p{5, 2, 50};
        QCOMPARE(p.backoffNs(1, 0.0), 0);
        QCOMPARE(p.backoffNs(1, 0.5), 1'000'000);
        QCOMPARE(p.backoffNs(3, 0.5), 4'000'000);
        QVERIFY(p.backoffNs(20, 0.999) < 50'000'000);
        QVERIFY(p.allowsAnother(4));
        QVERIFY(!p.allowsAnother(5));
        core::RunConfig config;
        config.maxAttempts = 7;
        config.retryBackoffMs = 3;
        config.retryBackoffMaxMs = 9;
        const auto of = guards::RetryPolicy::of(config);
        QCOMPARE(of.maxAttempts, 7);
        QCOMPARE(of.backoffMs, 3.0);
        QCOMPARE(of.backoffMaxMs, 9.0);
    }
};

QTEST_GUILESS_MAIN(TstDecider)
#include "tst_decider.moc"
