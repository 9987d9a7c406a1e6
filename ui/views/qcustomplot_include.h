#pragma once
// QCustomPlot for a QT_NO_KEYWORDS build: its header uses the `signals` and `foreach` keywords,
// which QT_NO_KEYWORDS removes. Include this, never <qcustomplot.h> directly.

#define signals Q_SIGNALS
#define foreach Q_FOREACH
#include <qcustomplot.h>
#undef foreach
#undef signals
