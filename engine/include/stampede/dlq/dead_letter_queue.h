#pragma once
// The dead-letter queue: requests that ended FAILED_FINAL, with their payload and the error of
// every attempt, kept until an operator replays or purges them. In memory here; the store issue
// persists it. Cold path only (failures), so one mutex is enough.

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "stampede/core/request.h"

namespace stampede::dlq {

struct AttemptError {
    int attempt = 0;
    std::int64_t atNs = 0;  // since the run's start
    std::string message;
};

struct DeadLetter {
    core::RequestId requestId = core::kNoRequest;
    std::string campaignId;
    int campaign = 0;  // index in the run's campaigns
    std::uint64_t user = 0;
    std::string reason;  // "permanent failure" | "retries exhausted" | ...
    int attempts = 0;
    std::vector<AttemptError> errors;  // one per failed attempt, oldest first
    std::int64_t receivedNs = 0;
    std::int64_t deadLetteredNs = 0;
    int replays = 0;      // how often this request was replayed before
    std::string payload;  // the request as JSON

    std::string lastError() const { return errors.empty() ? std::string() : errors.back().message; }
    std::string userName() const;  // as the request named its user (the payload's "user")
};

// The entry as one JSON object (the dead-letter topic's message): every field above, errors
// included, with times in nanoseconds of the run's clock. `originJson`, when given, goes in as
// "origin": what a replay after the run needs to know of it (its guard, shared stock, campaigns).
std::string toJson(const DeadLetter& letter, std::string_view originJson = {});
// Back from that JSON (a dead-letter topic's message); nullopt for anything else.
std::optional<DeadLetter> fromJson(const std::string& json);

struct DlqFilter {
    std::optional<std::string> reason;
    std::optional<std::string> campaign;  // campaign id
    std::optional<int> minAttempts;
    std::optional<std::int64_t> fromNs;  // dead-lettered at or after
    std::optional<std::int64_t> toNs;    // dead-lettered before
    std::string text;                    // substring of payload, reason or any error message

    bool matches(const DeadLetter& letter) const;
};

class DeadLetterQueue {
public:
    void add(DeadLetter letter);
    std::vector<DeadLetter> list(const DlqFilter& filter = {}) const;  // ordered by request id
    std::vector<core::RequestId> ids(const DlqFilter& filter = {}) const;
    std::optional<DeadLetter> find(core::RequestId id) const;
    bool contains(core::RequestId id) const;
    // Removes the entry: the replay of `id` was accepted.
    std::optional<DeadLetter> take(core::RequestId id);
    std::vector<DeadLetter> purge(std::span<const core::RequestId> ids);
    std::vector<DeadLetter> purgeAll();
    std::size_t size() const;

private:
    mutable std::mutex m_mutex;
    std::map<core::RequestId, DeadLetter> m_entries;
};

// Errors of attempts that failed but may still succeed, until the request is final. A request
// that waits out an outage may be tried hundreds of times: it keeps its first and its latest
// kKept / 2 errors (their attempt numbers show the gap), so the log stays bounded.
class FailureLog {
public:
    static constexpr std::size_t kKept = 16;
    void append(core::RequestId id, AttemptError error);
    std::vector<AttemptError> takeAll(core::RequestId id);
    void forget(core::RequestId id);

private:
    std::mutex m_mutex;
    std::map<core::RequestId, std::vector<AttemptError>> m_errors;
};

}  // namespace stampede::dlq
