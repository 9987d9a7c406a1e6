#pragma once
// One race witness drawn with QPainter, wherever it is drawn (the console's race timeline, the
// PDF report): two lanes of time, one per decision, each a bar from the moment it read the stock
// (a ring, "read N") to the moment it wrote it (a red block, "wrote M"); the span in which the
// second read before the first had written is shaded red. Needs QtGui (stampede_compare_print).

#include <QColor>
#include <QRectF>
#include <QString>

#include "stampede/guards/race_witness.h"

class QPainter;

namespace stampede::compare {

struct WitnessColours {
    QColor text = Qt::black;
    QColor base = Qt::white;
    QColor grid = QColor(0xa0, 0xa0, 0xa0);
    QColor span = QColor(0x4a, 0x7a, 0xb0);
};

// "worker 3", or "ingress 0" for a decision taken at the ingress.
QString deciderName(const guards::RaceDecision& d);
// One sentence saying what the picture shows.
QString witnessCaption(const guards::RaceWitness& w);
// Draws `w` in `area` (two rows of time, about 26 px each, and the labels); `labelWidth` is kept
// on the left for the deciders' names.
void paintRaceWitness(QPainter& p, const QRectF& area, const guards::RaceWitness& w,
                      const WitnessColours& colours, double labelWidth = 110);

}  // namespace stampede::compare
