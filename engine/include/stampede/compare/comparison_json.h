#pragma once
// A comparison as its readers see it: compare --json's {"lanes": [SUMMARY, …]} (each the run
// summary of run --json with "lane", "status" and "skipped": null or why), with the scenario,
// whether the lanes shared the machine, and the machine it ran on.

#include <QJsonObject>

#include <string>
#include <vector>

#include "stampede/compare/comparison.h"

namespace stampede::compare {

// The processor and its count, as lscpu names them ("Intel(R) Xeon(R) Processor", 2).
struct MachineInfo {
    std::string cpu;
    int cores = 0;
};
MachineInfo thisMachine();

QJsonObject laneJson(const LaneResult& lane);
QJsonObject comparisonJson(const ComparisonSpec& spec, const std::vector<LaneResult>& lanes,
                           const std::string& version);

}  // namespace stampede::compare
