#pragma once
// The request state machine: every request is in exactly one of these states, and every change of
// state goes through isTransitionAllowed(), the single transition table of DESIGN.md.
// Must never depend on anything above core/.

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace stampede::core {

enum class RequestState : std::uint8_t {
    Received,
    Queued,
    Processing,
    Succeeded,
    Rejected,
    FailedFinal,
};
inline constexpr int kStateCount = 6;

enum class RejectReason : std::uint8_t {
    None,
    SoldOut,
    Duplicate,
    NotVerified,
    Closed,
    Overloaded,
    LotteryLost,
};
inline constexpr int kReasonCount = 7;

// RECEIVED -> QUEUED | REJECTED (validation); QUEUED -> PROCESSING; PROCESSING -> SUCCEEDED |
// REJECTED | FAILED_FINAL | QUEUED (retry, redelivery); FAILED_FINAL -> QUEUED (operator replay).
bool isTransitionAllowed(RequestState from, RequestState to);
bool isFinal(RequestState state);

std::string_view toString(RequestState state);   // "RECEIVED", "QUEUED", ...
std::string_view toString(RejectReason reason);  // "SOLD_OUT", ...; "" for None
std::optional<RequestState> parseRequestState(std::string_view text);
std::optional<RejectReason> parseRejectReason(std::string_view text);

inline constexpr std::array<RequestState, kStateCount> kAllStates = {
    RequestState::Received,  RequestState::Queued,   RequestState::Processing,
    RequestState::Succeeded, RequestState::Rejected, RequestState::FailedFinal};

}  // namespace stampede::core
