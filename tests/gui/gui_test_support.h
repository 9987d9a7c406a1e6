#pragma once
// What the console's tests read off the window as an operator reads it.

#include <QString>

#include "models/state_flow_model.h"

namespace stampede::test {

// The count a state's box of the request flow shows ("SUCCEEDED" → 50); -1 when no box says so.
inline int flowCount(const ui::StateFlowModel& model, const QString& state) {
    for (int r = 0; r < model.rowCount(); ++r)
        if (model.data(model.index(r, 0)).toString() == state)
            return model.data(model.index(r, 1)).toInt();
    return -1;
}

}  // namespace stampede::test
