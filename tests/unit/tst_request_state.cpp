// The transition table of DESIGN.md, row by row, and the names of states and reasons.
#include <QtTest>

#include "stampede/core/request_state.h"

using namespace stampede::core;

class TestRequestState : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void allowedTransitions() {
        QVERIFY(isTransitionAllowed(RequestState::Received, RequestState::Queued));
        QVERIFY(isTransitionAllowed(RequestState::Received, RequestState::Rejected));
        QVERIFY(isTransitionAllowed(RequestState::Queued, RequestState::Processing));
        QVERIFY(isTransitionAllowed(RequestState::Processing, RequestState::Succeeded));
        QVERIFY(isTransitionAllowed(RequestState::Processing, RequestState::Rejected));
        QVERIFY(isTransitionAllowed(RequestState::Processing, RequestState::FailedFinal));
        QVERIFY(isTransitionAllowed(RequestState::Processing, RequestState::Queued));
        QVERIFY(isTransitionAllowed(RequestState::FailedFinal, RequestState::Queued));
    }
    void everythingElseIsForbidden() {
        int allowed = 0;
        for (auto from : kAllStates)
            for (auto to : kAllStates) allowed += isTransitionAllowed(from, to) ? 1 : 0;
        QCOMPARE(allowed, 8);
        QVERIFY(!isTransitionAllowed(RequestState::Succeeded, RequestState::Queued));
        QVERIFY(!isTransitionAllowed(RequestState::Rejected, RequestState::Queued));
        QVERIFY(!isTransitionAllowed(RequestState::Queued, RequestState::Succeeded));
        QVERIFY(!isTransitionAllowed(RequestState::Received, RequestState::Processing));
    }
    void finalStates() {
        QVERIFY(isFinal(RequestState::Succeeded));
        QVERIFY(isFinal(RequestState::Rejected));
        QVERIFY(isFinal(RequestState::FailedFinal));
        QVERIFY(!isFinal(RequestState::Received));
        QVERIFY(!isFinal(RequestState::Queued));
        QVERIFY(!isFinal(RequestState::Processing));
    }
    void namesRoundTrip() {
        for (auto s : kAllStates) QCOMPARE(parseRequestState(toString(s)), std::optional(s));
        for (int r = 1; r < kReasonCount; ++r)
            QCOMPARE(parseRejectReason(toString(RejectReason(r))), std::optional(RejectReason(r)));
        QCOMPARE(toString(RequestState::FailedFinal), std::string_view("FAILED_FINAL"));
        QCOMPARE(toString(RejectReason::LotteryLost), std::string_view("LOTTERY_LOST"));
        QVERIFY(!parseRequestState("DONE"));
        QVERIFY(!parseRejectReason(""));
    }
};

QTEST_GUILESS_MAIN(TestRequestState)
#include "tst_request_state.moc"
