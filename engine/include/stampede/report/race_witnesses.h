#pragma once
// A run's race witnesses as its readers see them: the summary's "race_witnesses" array and one
// sentence per witness for the text summary, the console and the compare report.

#include <QJsonArray>

#include <string>

#include "stampede/snapshot.h"

namespace stampede::report {

// [{"campaign", "first": {"worker", "read_at_ms", "read", "wrote_at_ms", "wrote"}, "second"}]
QJsonArray raceWitnessesJson(const Snapshot& snapshot);
// "coupon: worker 1 and worker 3 both read 57 (at 12.301 and 12.305 ms) before either wrote; they
// wrote 56 and 56 (at 12.352 and 12.356 ms): one unit issued twice"
std::string raceWitnessText(const Snapshot& snapshot, const guards::RaceWitness& witness);

}  // namespace stampede::report
