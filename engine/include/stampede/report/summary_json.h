#pragma once
// report/: a run as its readers see it. The run summary of DESIGN.md's CLI contract as JSON
// (snake_case keys), its warnings and a short text, built from a snapshot alone: it never reaches
// into a run. The CLI prints it; the console exports it; compare and the store reuse it.

#include <QJsonObject>

#include <string>
#include <vector>

#include "stampede/snapshot.h"

namespace stampede::report {

QJsonObject summaryJson(const Snapshot& snapshot);
// Plain-words warnings an operator must not miss (over-issue, under-issue, unfinished requests).
std::vector<std::string> summaryWarnings(const Snapshot& snapshot);
// A short human-readable report of the same summary.
std::string summaryText(const Snapshot& snapshot);

}  // namespace stampede::report
