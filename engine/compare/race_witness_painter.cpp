#include "stampede/compare/race_witness_painter.h"

#include <QLocale>
#include <QPainter>

#include <algorithm>

namespace stampede::compare {
namespace {

QString ms(std::int64_t ns) {
    return QLocale().toString(double(ns) / 1e6, 'f', 3) + QStringLiteral(" ms");
}

}  // namespace

QString deciderName(const guards::RaceDecision& d) {
    return (d.atIngress ? QStringLiteral("ingress %1") : QStringLiteral("worker %1")).arg(d.worker);
}

QString witnessCaption(const guards::RaceWitness& w) {
    return QStringLiteral(
               "%1 read %2 at %3; %4 read %5 at %6, before %1 wrote %7 at %8: both "
               "wrote, one unit went twice")
        .arg(deciderName(w.first))
        .arg(w.first.valueRead)
        .arg(ms(w.first.readNs))
        .arg(deciderName(w.second))
        .arg(w.second.valueRead)
        .arg(ms(w.second.readNs))
        .arg(w.first.valueWritten)
        .arg(ms(w.first.writeNs));
}

void paintRaceWitness(QPainter& p, const QRectF& area, const guards::RaceWitness& w,
                      const WitnessColours& colours, double labelWidth) {
    p.save();
    p.setRenderHint(QPainter::Antialiasing);
    const double rowHeight = area.height() / 2;
    const std::int64_t t0 = std::min(w.first.readNs, w.second.readNs);
    const std::int64_t t1 = std::max(w.first.writeNs, w.second.writeNs);
    const double span = double(std::max<std::int64_t>(1, t1 - t0));
    const QFontMetricsF metrics(p.font(), p.device());
    // Room on the right for "wrote N", and on the left of the first mark for "read N".
    const double left = area.left() + labelWidth +
                        metrics.horizontalAdvance(QStringLiteral("read 00000")),
                 right = area.right() - metrics.horizontalAdvance(QStringLiteral(" wrote 00000"));
    const auto x = [&](std::int64_t ns) { return left + (right - left) * double(ns - t0) / span; };
    // The collision: the second read before the first had written.
    const double overlapFrom = x(w.second.readNs), overlapTo = x(w.first.writeNs);
    if (overlapTo > overlapFrom)
        p.fillRect(QRectF(overlapFrom, area.top(), overlapTo - overlapFrom, area.height()),
                   QColor(0xc6, 0x28, 0x28, 50));
    const double mark = std::max(3.0, rowHeight * 0.2);
    const guards::RaceDecision* decisions[] = {&w.first, &w.second};
    for (int row = 0; row < 2; ++row) {
        const auto& d = *decisions[row];
        const double y = area.top() + row * rowHeight + rowHeight / 2.0;
        p.setPen(colours.text);
        p.drawText(QRectF(area.left(), y - rowHeight / 2, labelWidth - 8, rowHeight),
                   Qt::AlignRight | Qt::AlignVCenter, deciderName(d));
        p.setPen(QPen(colours.grid, 1, Qt::DotLine));
        p.drawLine(QPointF(area.left() + labelWidth, y), QPointF(area.right(), y));
        const double xr = x(d.readNs), xw = x(d.writeNs);
        p.setPen(QPen(colours.span, mark * 0.6));
        p.drawLine(QPointF(xr, y), QPointF(xw, y));
        p.setPen(QPen(colours.text, 1.5));
        p.setBrush(colours.base);
        p.drawEllipse(QPointF(xr, y), mark, mark);
        p.setBrush(QColor(0xc6, 0x28, 0x28));
        p.drawRect(QRectF(xw - mark, y - mark, 2 * mark, 2 * mark));
        p.setBrush(Qt::NoBrush);
        p.setPen(colours.text);
        p.drawText(QRectF(xr - mark - 200, y - rowHeight / 2, 200 - 2, rowHeight),
                   Qt::AlignRight | Qt::AlignVCenter, QStringLiteral("read %1").arg(d.valueRead));
        p.drawText(QRectF(xw + mark + 3, y - rowHeight / 2, 200, rowHeight),
                   Qt::AlignLeft | Qt::AlignVCenter,
                   QStringLiteral("wrote %1").arg(d.valueWritten));
    }
    p.restore();
}

}  // namespace stampede::compare
