#include "views/race_timeline.h"

#include "stampede/compare/race_witness_painter.h"

#include <QLocale>
#include <QPainter>

#include <algorithm>

namespace stampede::ui {
namespace {

constexpr int kRowHeight = 26;
constexpr int kCaptionHeight = 20;
constexpr int kGap = 14;

}  // namespace

RaceTimeline::RaceTimeline(QWidget* parent) : QWidget(parent) {
    setObjectName(QStringLiteral("raceTimeline"));
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
}

void RaceTimeline::setWitnesses(QString lane, std::vector<guards::RaceWitness> witnesses,
                                int shown) {
    m_lane = std::move(lane);
    m_witnesses = std::move(witnesses);
    m_shown = shown;
    updateGeometry();
    update();
}

int RaceTimeline::drawn() const {
    return std::min(int(m_witnesses.size()), m_shown);
}

QStringList RaceTimeline::captions() const {
    QStringList out;
    for (int i = 0; i < drawn(); ++i) out << compare::witnessCaption(m_witnesses[std::size_t(i)]);
    return out;
}

QSize RaceTimeline::sizeHint() const {
    const int n = std::max(1, drawn());
    return {640, n * (2 * kRowHeight + kCaptionHeight + kGap) + 24};
}

void RaceTimeline::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    p.fillRect(rect(), palette().base());
    const QColor ink = palette().text().color();
    p.setPen(ink);
    if (drawn() == 0) {
        p.drawText(rect().adjusted(8, 8, -8, -8), Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap,
                   m_lane.isEmpty()
                       ? tr("Race witnesses: none yet. A racy guard (none, mutex-early-release, "
                            "redis-naive) records its first collisions here.")
                       : tr("%1: no race witnesses (a correct guard records none).").arg(m_lane));
        return;
    }
    p.drawText(
        QRect(8, 2, width() - 16, 20), Qt::AlignLeft | Qt::AlignVCenter,
        tr("%1: the first %2 of %3 collisions").arg(m_lane).arg(drawn()).arg(m_witnesses.size()));
    const QStringList texts = captions();
    compare::WitnessColours colours;
    colours.text = ink;
    colours.base = palette().base().color();
    colours.grid = palette().mid().color();
    colours.span = palette().highlight().color();
    int top = 24;
    for (int i = 0; i < drawn(); ++i) {
        compare::paintRaceWitness(p, QRectF(4, top, width() - 8, 2 * kRowHeight),
                                  m_witnesses[std::size_t(i)], colours);
        p.setPen(ink);
        QFont small = font();
        small.setPointSizeF(small.pointSizeF() * 0.9);
        p.setFont(small);
        p.drawText(QRectF(8, top + 2 * kRowHeight, width() - 16, kCaptionHeight),
                   Qt::AlignLeft | Qt::AlignVCenter,
                   fontMetrics().elidedText(texts[i], Qt::ElideRight, width() - 16));
        p.setFont(font());
        top += 2 * kRowHeight + kCaptionHeight + kGap;
    }
}

}  // namespace stampede::ui
