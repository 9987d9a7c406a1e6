#pragma once
// A lesson: a comparison that checks what it teaches. A file (simulations/lessons/*.json) holds a
// title, what to watch (a paragraph a trainer reads aloud), a scenario (inline, or a file
// relative to the lesson), the lanes, and the expected findings written as checks:
//
//   "none: over_issued > 0"                  a lane's summary value against a number
//   "single-consumer: fairness_inversions == 0"
//   "atomic: throughput_rps > 3 × redis-lock" against a multiple of another lane's same value
//   "*: requests == 10000"                    every lane (a skipped one fails it)
//
// A value is a dotted path into the lane's run summary (run --json's keys: over_issued,
// latency_ms.e2e.p95, backend.pool.waiting_peak, campaigns.0.issued). A finding that does not hold,
// or that could not be checked because its lane was skipped, fails the lesson.

#include <optional>
#include <string>
#include <vector>

#include "stampede/compare/comparison.h"

namespace stampede::compare {

enum class CompareOp { Less, LessOrEqual, Greater, GreaterOrEqual, Equal, NotEqual };

struct Finding {
    std::string text;  // as written
    std::string lane;  // a lane's label, or "*"
    std::string metric;
    CompareOp op = CompareOp::Greater;
    double value = 0;       // the number, or the factor of otherLane's value
    std::string otherLane;  // empty: against `value` alone
};

// nullopt with `error` saying what is wrong with `text`.
std::optional<Finding> parseFinding(const std::string& text, std::string& error);
// True when `metric` names a number in a run summary.
bool isSummaryMetric(const std::string& metric);

struct Lesson {
    std::string path;  // where it was read from
    std::string title;
    std::string watch;
    sim::Scenario scenario;
    std::vector<LaneConfig> lanes;
    bool concurrent = false;
    std::vector<Finding> findings;
};

// Reads a lesson file (":/simulations/lessons/…" for a shipped one); nullopt with `error` naming
// the file and the field.
std::optional<Lesson> loadLesson(const std::string& path, std::string& error);
// A lesson by shipped name ("seed-003-journey") or by file path; nullopt with `error`.
std::optional<Lesson> findLesson(const std::string& nameOrPath, std::string& error);
// The shipped lessons' names, in order.
std::vector<std::string> shippedLessons();

struct FindingResult {
    std::string text;    // the finding as written
    bool holds = false;  // false also when it could not be checked
    bool checked = false;
    std::string detail;  // the values it was decided on, or why it could not be checked
};
std::vector<FindingResult> checkFindings(const std::vector<Finding>& findings,
                                         const std::vector<LaneResult>& lanes);

}  // namespace stampede::compare
