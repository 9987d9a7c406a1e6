#pragma once
// Readers for the sections of a scenario file. Internal to sim/: parseScenario() is the API.
// Each records its first problem in `errors` (with the field path) and does nothing once an
// error has been recorded.

#include <QJsonArray>
#include <QJsonObject>

#include "sim/json_fields.h"
#include "stampede/sim/scenario.h"

namespace stampede::sim::detail {

void parseCampaigns(const QJsonArray& array, json::FieldErrors& errors, Scenario& s);
// Needs the campaigns already parsed: blocks name them.
void parseArrivals(const QJsonArray& array, json::FieldErrors& errors, Scenario& s);
void parseClients(const QJsonObject& object, json::FieldErrors& errors, ClientBehaviour& c);
void parseFaults(const QJsonObject& object, json::FieldErrors& errors, core::FaultConfig& f);
void parseRun(const QJsonObject& object, json::FieldErrors& errors, core::RunConfig& run);
// Limits spanning blocks: total first submissions, user numbers, retry-storm size.
void checkLimits(const Scenario& s, json::FieldErrors& errors);

}  // namespace stampede::sim::detail
