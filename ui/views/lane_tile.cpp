#include "views/lane_tile.h"

#include <QLabel>
#include <QLocale>
#include <QPainter>
#include <QPainterPath>
#include <QVBoxLayout>

#include <algorithm>

namespace stampede::ui {
namespace {

QString statusText(const compare::LaneResult& lane) {
    switch (lane.status) {
        case compare::LaneStatus::Waiting:
            return LaneTile::tr("waiting");
        case compare::LaneStatus::Running:
            return LaneTile::tr("running");
        case compare::LaneStatus::Done:
            return lane.snapshot && !lane.snapshot->failure.empty() ? LaneTile::tr("failed")
                                                                    : LaneTile::tr("done");
        case compare::LaneStatus::Skipped:
            return LaneTile::tr("skipped: %1").arg(QString::fromStdString(lane.skipped));
    }
    return {};
}

}  // namespace

Sparkline::Sparkline(QWidget* parent) : QWidget(parent) {
    setMinimumHeight(48);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
}

double Sparkline::xMax() const {
    double x = 0;
    for (const QPointF& p : m_points) x = std::max(x, p.x());
    return x;
}

double Sparkline::yMax() const {
    double y = 0;
    for (const QPointF& p : m_points) y = std::max(y, p.y());
    return y;
}

void Sparkline::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QRectF area = QRectF(rect()).adjusted(1, 2, -1, -1);
    p.fillRect(rect(), palette().base());
    const double xMax = m_xMax > 0 ? m_xMax : this->xMax();
    const double yMax = m_yMax > 0 ? m_yMax : this->yMax();
    if (m_points.size() < 2 || xMax <= 0 || yMax <= 0) return;
    QPainterPath line;
    for (std::size_t i = 0; i < m_points.size(); ++i) {
        const QPointF at(area.left() + area.width() * m_points[i].x() / xMax,
                         area.bottom() - area.height() * m_points[i].y() / yMax);
        i == 0 ? line.moveTo(at) : line.lineTo(at);
    }
    QPainterPath fill = line;
    fill.lineTo(area.left() + area.width() * m_points.back().x() / xMax, area.bottom());
    fill.lineTo(area.left() + area.width() * m_points.front().x() / xMax, area.bottom());
    fill.closeSubpath();
    const QColor ink = palette().highlight().color();
    QColor wash = ink;
    wash.setAlpha(60);
    p.fillPath(fill, wash);
    p.setPen(QPen(ink, 1.5));
    p.drawPath(line);
}

LaneTile::LaneTile(QWidget* parent)
    : QFrame(parent),
      m_title(new QLabel(this)),
      m_status(new QLabel(this)),
      m_stock(new QLabel(this)),
      m_over(new QLabel(this)),
      m_figures(new QLabel(this)),
      m_states(new QLabel(this)),
      m_pool(new QLabel(this)),
      m_throughput(new Sparkline(this)) {
    setFrameShape(QFrame::StyledPanel);
    setMinimumWidth(220);
    QFont bold = m_title->font();
    bold.setBold(true);
    m_title->setFont(bold);
    m_over->setObjectName(QStringLiteral("laneOverIssued"));
    m_status->setWordWrap(true);
    m_states->setWordWrap(true);
    m_figures->setWordWrap(true);
    m_pool->setWordWrap(true);
    m_throughput->setToolTip(tr("completed requests per second over the lane's time"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->setSpacing(2);
    layout->addWidget(m_title);
    layout->addWidget(m_status);
    layout->addWidget(m_stock);
    layout->addWidget(m_over);
    layout->addWidget(m_throughput, 1);
    layout->addWidget(m_figures);
    layout->addWidget(m_states);
    layout->addWidget(m_pool);
}

void LaneTile::show(const compare::LaneResult& lane) {
    m_title->setText(QString::fromStdString(lane.label));
    m_status->setText(statusText(lane));
    const auto& s = lane.snapshot;
    if (!s) {
        for (QLabel* l : {m_stock, m_over, m_figures, m_states, m_pool}) l->clear();
        m_throughput->setPoints({});
        m_alarm = false;
        return;
    }
    const QLocale locale;
    m_stock->setText(
        tr("issued %1 of %2").arg(locale.toString(s->issued), locale.toString(s->stock)));
    m_alarm = s->overIssued > 0;
    m_over->setText(tr("over-issued %1").arg(locale.toString(s->overIssued)));
    m_over->setStyleSheet(m_alarm ? QStringLiteral("QLabel { color: white; background: #c62828; "
                                                   "font-weight: bold; padding: 0 4px; }")
                                  : QStringLiteral("QLabel { color: #2e7d32; }"));
    std::vector<QPointF> points;
    points.reserve(s->throughput.size());
    for (const ThroughputPoint& t : s->throughput) points.emplace_back(t.atS, t.completedPerS);
    m_throughput->setPoints(std::move(points));
    m_figures->setText(tr("%1 req/s · e2e p95 %2 ms · inversions %3")
                           .arg(locale.toString(s->throughputRps, 'f', 0))
                           .arg(locale.toString(double(s->endToEnd.percentile(0.95)) / 1e6, 'f', 2))
                           .arg(locale.toString(s->fairnessInversions)));
    const auto state = [&s](core::RequestState st) { return s->states[std::size_t(st)]; };
    m_states->setText(tr("queued %1 · processing %2 · succeeded %3 · rejected %4 · failed %5")
                          .arg(locale.toString(state(core::RequestState::Queued)),
                               locale.toString(state(core::RequestState::Processing)),
                               locale.toString(state(core::RequestState::Succeeded)),
                               locale.toString(state(core::RequestState::Rejected)),
                               locale.toString(state(core::RequestState::FailedFinal))));
    if (s->backend.kind.empty()) {
        m_pool->setText(tr("in memory: no pool"));
    } else {
        m_pool->setText(tr("%1 pool: %2 of %3 busy (peak %4) · waiting %5 (peak %6)")
                            .arg(QString::fromStdString(s->backend.kind))
                            .arg(s->backend.busy)
                            .arg(s->backend.connections)
                            .arg(s->backend.busyPeak)
                            .arg(s->backend.waiting)
                            .arg(s->backend.waitingPeak));
    }
}

void LaneTile::setScale(double throughputMax) {
    m_throughput->setScale(0, throughputMax);
}

QString LaneTile::overIssuedText() const {
    return m_over->text();
}

}  // namespace stampede::ui
