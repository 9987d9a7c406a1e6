#pragma once
// The run summary of DESIGN.md's CLI contract as JSON (snake_case keys), built from a snapshot.
// The CLI prints it; the console exports it; compare and the store reuse it.

#include <QJsonObject>

#include <string>
#include <vector>

#include "snapshot.h"

namespace stampede::metrics {

QJsonObject summaryJson(const Snapshot& snapshot);
// Plain-words warnings an operator must not miss (over-issue, under-issue, unfinished requests).
std::vector<std::string> summaryWarnings(const Snapshot& snapshot);
// A short human-readable report of the same summary.
std::string summaryText(const Snapshot& snapshot);

}  // namespace stampede::metrics
