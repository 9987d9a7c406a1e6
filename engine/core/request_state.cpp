#include "stampede/core/request_state.h"

namespace stampede::core {
namespace {

constexpr int idx(RequestState s) {
    return static_cast<int>(s);
}

// The one transition table. Rows: from, columns: to.
constexpr bool kAllowed[kStateCount][kStateCount] = {
    // to:   RECV   QUEUED PROC   SUCC   REJ    FAILED
    /*RECEIVED*/ {false, true, false, false, true, false},
    /*QUEUED*/ {false, false, true, false, false, false},
    /*PROCESSING*/ {false, true, false, true, true, true},
    /*SUCCEEDED*/ {false, false, false, false, false, false},
    /*REJECTED*/ {false, false, false, false, false, false},
    /*FAILED*/ {false, true, false, false, false, false},
};

constexpr std::string_view kStateNames[kStateCount] = {"RECEIVED",  "QUEUED",   "PROCESSING",
                                                       "SUCCEEDED", "REJECTED", "FAILED_FINAL"};
constexpr std::string_view kReasonNames[kReasonCount] = {
    "", "SOLD_OUT", "DUPLICATE", "NOT_VERIFIED", "CLOSED", "OVERLOADED", "LOTTERY_LOST"};

}  // namespace

bool isTransitionAllowed(RequestState from, RequestState to) {
    return kAllowed[idx(from)][idx(to)];
}

bool isFinal(RequestState state) {
    return state == RequestState::Succeeded || state == RequestState::Rejected ||
           state == RequestState::FailedFinal;
}

std::string_view toString(RequestState state) {
    return kStateNames[idx(state)];
}
std::string_view toString(RejectReason reason) {
    return kReasonNames[static_cast<int>(reason)];
}

std::optional<RequestState> parseRequestState(std::string_view text) {
    for (int i = 0; i < kStateCount; ++i)
        if (kStateNames[i] == text) return static_cast<RequestState>(i);
    return std::nullopt;
}

std::optional<RejectReason> parseRejectReason(std::string_view text) {
    for (int i = 1; i < kReasonCount; ++i)
        if (kReasonNames[i] == text) return static_cast<RejectReason>(i);
    return std::nullopt;
}

}  // namespace stampede::core
