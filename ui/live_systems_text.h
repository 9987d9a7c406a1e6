#pragma once
// One line on the live systems a run uses (the guard's backend, the Kafka transport): where its
// time and messages go. Empty for a run that stays in memory.

#include <QString>

#include "stampede/snapshot.h"

namespace stampede::ui {

QString liveSystemsLine(const Snapshot& s);

}  // namespace stampede::ui
