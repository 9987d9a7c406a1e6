#include "views/state_flow_view.h"

#include <QContextMenuEvent>
#include <QHelpEvent>
#include <QMenu>
#include <QPainter>
#include <QPainterPath>
#include <QToolTip>

#include <algorithm>
#include <cmath>

#include "export_actions.h"

namespace stampede::ui {
namespace {

using core::RequestState;

bool isDark(const QPalette& palette) {
    return palette.color(QPalette::Window).lightness() < 128;
}

QString stateName(RequestState s) {
    const std::string_view n = core::toString(s);
    return QString::fromUtf8(n.data(), static_cast<qsizetype>(n.size()));
}

QFont sizedFont(const QFont& base, double pixels, bool bold) {
    QFont f = base;
    f.setPixelSize(std::max(9, static_cast<int>(std::lround(pixels))));
    f.setBold(bold);
    return f;
}

// Largest font up to `pixels` in which `text` fits `width`.
QFont fittingFont(const QFont& base, double pixels, const QString& text, double width) {
    QFont f = sizedFont(base, pixels, true);
    while (f.pixelSize() > 10 && QFontMetricsF(f).horizontalAdvance(text) > width)
        f.setPixelSize(f.pixelSize() - 1);
    return f;
}

constexpr std::size_t at(RequestState s) {
    return static_cast<std::size_t>(s);
}

}  // namespace

QColor blend(const QColor& from, const QColor& to, double amount) {
    const auto at = [amount](double a, double b) {
        return static_cast<float>(a + (b - a) * amount);
    };
    return QColor::fromRgbF(at(from.redF(), to.redF()), at(from.greenF(), to.greenF()),
                            at(from.blueF(), to.blueF()));
}

void paintCard(QWidget& widget) {
    QPainter p(&widget);
    p.setRenderHint(QPainter::Antialiasing);
    const QPalette pal = widget.palette();
    p.setPen(QPen(blend(pal.color(QPalette::Base), pal.color(QPalette::Text), 0.18), 1));
    p.setBrush(pal.color(QPalette::Base));
    p.drawRoundedRect(QRectF(widget.rect()).adjusted(0.5, 0.5, -0.5, -0.5), 6, 6);
}

StateFlowView::StateFlowView(QWidget* parent) : QWidget(parent) {
    setAttribute(Qt::WA_OpaquePaintEvent);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    setToolTip(QString());  // tooltips come from event(), per box and arrow
}

void StateFlowView::setModel(const StateFlowModel* model) {
    if (m_model) disconnect(m_model, nullptr, this, nullptr);
    m_model = model;
    if (m_model)
        connect(m_model, &QAbstractItemModel::dataChanged, this, qOverload<>(&QWidget::update));
    update();
}

QSize StateFlowView::sizeHint() const {
    return {760, 330};
}

QSize StateFlowView::minimumSizeHint() const {
    return {520, 240};
}

QColor StateFlowView::stateColour(RequestState state, const QPalette& palette) {
    const bool dark = isDark(palette);
    switch (state) {
        case RequestState::Succeeded:
            return dark ? QColor(0x4f, 0xd1, 0x8b) : QColor(0x1e, 0x8e, 0x4e);
        case RequestState::Rejected:
            return dark ? QColor(0xf5, 0xb9, 0x42) : QColor(0xb5, 0x73, 0x0b);
        case RequestState::FailedFinal:
            return dark ? QColor(0xff, 0x6b, 0x6b) : QColor(0xc6, 0x28, 0x28);
        default:
            return dark ? QColor(0x6a, 0xa9, 0xff) : QColor(0x2f, 0x6f, 0xce);
    }
}

// Four columns (RECEIVED, QUEUED, PROCESSING, the finals) and three rows (FAILED_FINAL above the
// happy path, REJECTED below), with a lane above for replays and one below for ingress rejects:
// no two arrows cross at any size.
StateFlowView::Geometry StateFlowView::layout() const {
    Geometry g;
    const QRectF area = QRectF(rect()).adjusted(10, 22, -12, -8);
    const double gutter = std::clamp(area.width() * 0.08, 54.0, 86.0);
    const double colW = (area.width() - gutter) / 4.25;
    const double boxW = std::min(colW * 0.70, 220.0);
    // From the replay lane's label to the ingress lane's label: 5 box heights.
    const double unit = std::clamp(std::min(area.height() / 5.0, boxW * 0.56), 34.0, 100.0);
    const double pitch = unit * 1.4;
    const double top = area.top() + std::max(0.0, (area.height() - unit * 5.0) / 2);
    const double y0 = top + unit * 0.55 + unit * 0.5;
    const double xs[4] = {0.5, 1.5, 2.5, 3.72};
    const double ys[3] = {y0, y0 + pitch, y0 + 2 * pitch};
    const auto box = [&](int col, int row) {
        const double cx = area.left() + gutter + colW * xs[col];
        return QRectF(cx - boxW / 2, ys[row] - unit / 2, boxW, unit);
    };
    g.nodes[at(RequestState::Received)] = box(0, 1);
    g.nodes[at(RequestState::Queued)] = box(1, 1);
    g.nodes[at(RequestState::Processing)] = box(2, 1);
    g.nodes[at(RequestState::FailedFinal)] = box(3, 0);
    g.nodes[at(RequestState::Succeeded)] = box(3, 1);
    g.nodes[at(RequestState::Rejected)] = box(3, 2);
    g.laneTop = ys[0] - unit * 0.5 - unit * 0.32;
    g.laneBottom = ys[2] + unit * 0.5 + unit * 0.32;
    g.entryX = area.left() + 2;
    g.unit = unit;
    return g;
}

void StateFlowView::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QPalette pal = palette();
    p.fillRect(rect(), pal.color(QPalette::Window));
    const QRectF card = QRectF(rect()).adjusted(0.5, 0.5, -0.5, -0.5);
    p.setPen(QPen(blend(pal.color(QPalette::Base), pal.color(QPalette::Text), 0.18), 1));
    p.setBrush(pal.color(QPalette::Base));
    p.drawRoundedRect(card, 6, 6);

    p.setPen(blend(pal.color(QPalette::Base), pal.color(QPalette::Text), 0.6));
    p.setFont(sizedFont(font(), QFontInfo(font()).pixelSize(), true));
    p.drawText(QRectF(12, 4, width() / 2.0, 20), Qt::AlignLeft | Qt::AlignVCenter,
               tr("Request flow"));

    m_hover.clear();
    const Geometry g = layout();
    const auto& n = g.nodes;
    const auto node = [&n](RequestState s) { return n[at(s)]; };
    const QRectF rec = node(RequestState::Received), que = node(RequestState::Queued),
                 pro = node(RequestState::Processing), suc = node(RequestState::Succeeded),
                 rej = node(RequestState::Rejected), fai = node(RequestState::FailedFinal);
    const double u = g.unit;
    const double y1 = pro.center().y();
    const double above = u * 0.24;  // labels of straight arrows sit above them
    const auto mid = [](QPointF a, QPointF b) { return (a + b) / 2; };

    paintEdge(p, g, FlowEdge::Admitted, {{g.entryX, y1}, {rec.left(), y1}}, RequestState::Received,
              QString(), {(g.entryX + rec.left()) / 2, y1 - above});
    paintEdge(p, g, FlowEdge::ReceivedToQueued, {{rec.right(), y1}, {que.left(), y1}},
              RequestState::Queued, QString(), {(rec.right() + que.left()) / 2, y1 - above});
    paintEdge(p, g, FlowEdge::QueuedToProcessing, {{que.right(), y1}, {pro.left(), y1}},
              RequestState::Processing, QString(), {(que.right() + pro.left()) / 2, y1 - above});
    paintEdge(p, g, FlowEdge::ProcessingToSucceeded, {{pro.right(), y1}, {suc.left(), y1}},
              RequestState::Succeeded, QString(), {(pro.right() + suc.left()) / 2, y1 - above});
    const QPointF toFailedFrom(pro.right(), y1 - u * 0.3), toFailedTo(fai.left(), fai.center().y());
    paintEdge(p, g, FlowEdge::ProcessingToFailed, {toFailedFrom, toFailedTo},
              RequestState::FailedFinal, tr("to DLQ"), mid(toFailedFrom, toFailedTo));
    const QPointF toRejFrom(pro.right(), y1 + u * 0.3), toRejTo(rej.left(), rej.center().y());
    paintEdge(p, g, FlowEdge::ProcessingToRejected, {toRejFrom, toRejTo}, RequestState::Rejected,
              tr("decided"), mid(toRejFrom, toRejTo));

    const double retryY = fai.center().y();
    const double retryFrom = pro.left() + pro.width() * 0.3;
    const double retryTo = que.right() - que.width() * 0.3;
    paintEdge(
        p, g, FlowEdge::ProcessingToQueued,
        {{retryFrom, pro.top()}, {retryFrom, retryY}, {retryTo, retryY}, {retryTo, que.top()}},
        RequestState::Queued, tr("retry"), {(retryFrom + retryTo) / 2, retryY});
    const double replayTo = que.left() + que.width() * 0.3;
    paintEdge(p, g, FlowEdge::FailedToQueued,
              {{fai.center().x(), fai.top()},
               {fai.center().x(), g.laneTop},
               {replayTo, g.laneTop},
               {replayTo, que.top()}},
              RequestState::Queued, tr("replay"), {(replayTo + fai.center().x()) / 2, g.laneTop});
    paintEdge(p, g, FlowEdge::ReceivedToRejected,
              {{rec.center().x(), rec.bottom()},
               {rec.center().x(), g.laneBottom},
               {rej.center().x(), g.laneBottom},
               {rej.center().x(), rej.bottom()}},
              RequestState::Rejected, tr("rejected at ingress"),
              {(rec.center().x() + rej.center().x()) / 2, g.laneBottom});

    for (const RequestState s : core::kAllStates) paintNode(p, g, s);
}

void StateFlowView::paintNode(QPainter& p, const Geometry& g, RequestState state) const {
    const QPalette pal = palette();
    const QRectF r = g.nodes[at(state)];
    const QColor accent = stateColour(state, pal);
    const QColor base = pal.color(QPalette::Base);
    const std::int64_t count = m_model ? m_model->count(state) : 0;
    const std::int64_t admitted = m_model ? m_model->admitted() : 0;
    const bool final = core::isFinal(state);

    p.setPen(QPen(count > 0 ? accent : blend(base, accent, 0.55), count > 0 ? 1.6 : 1.0));
    p.setBrush(blend(base, accent, isDark(pal) ? 0.16 : 0.08));
    p.drawRoundedRect(r, g.unit * 0.14, g.unit * 0.14);

    const double pad = std::max(6.0, g.unit * 0.12);
    const QRectF inner = r.adjusted(pad, g.unit * 0.06, -pad, -g.unit * 0.06);
    const bool withShare = final && g.unit >= 50;
    const double nameH = inner.height() * 0.30;
    const double shareH = withShare ? inner.height() * 0.22 : 0.0;
    const QRectF nameRect(inner.left(), inner.top(), inner.width(), nameH);
    const QRectF countRect(inner.left(), inner.top() + nameH, inner.width(),
                           inner.height() - nameH - shareH);
    const QRectF shareRect(inner.left(), countRect.bottom(), inner.width(), shareH);

    const QString name = stateName(state);
    p.setFont(fittingFont(font(), nameH * 0.78, name, inner.width()));
    p.setPen(accent);
    p.drawText(nameRect, Qt::AlignLeft | Qt::AlignVCenter, name);

    const QString countText = formatCount(count);
    p.setFont(fittingFont(font(), countRect.height() * 0.82, countText, inner.width()));
    p.setPen(count > 0 ? pal.color(QPalette::Text) : blend(base, pal.color(QPalette::Text), 0.45));
    p.drawText(countRect, Qt::AlignLeft | Qt::AlignVCenter, countText);

    if (withShare) {
        const double share = admitted > 0 ? 100.0 * double(count) / double(admitted) : 0.0;
        const QFont shareFont = sizedFont(font(), shareH * 0.8, false);
        QString text = tr("%1 % of admitted").arg(share, 0, 'f', 1);
        if (QFontMetricsF(shareFont).horizontalAdvance(text) > inner.width())
            text = tr("%1 %").arg(share, 0, 'f', 1);
        p.setFont(shareFont);
        p.setPen(blend(base, pal.color(QPalette::Text), 0.6));
        p.drawText(shareRect, Qt::AlignLeft | Qt::AlignVCenter, text);
    }
    const double rate = m_model ? m_model->rate(state) : 0.0;
    m_hover.push_back(
        {r, tr("%1: %2 requests now (%3 % of %4 admitted)\nentering at %5")
                .arg(name, formatCount(count))
                .arg(admitted > 0 ? 100.0 * double(count) / double(admitted) : 0.0, 0, 'f', 1)
                .arg(formatCount(admitted), formatRate(rate))});
}

void StateFlowView::paintEdge(QPainter& p, const Geometry& g, FlowEdge edge,
                              const QVector<QPointF>& path, RequestState target,
                              const QString& caption, QPointF labelAt) const {
    const QPalette pal = palette();
    const QColor base = pal.color(QPalette::Base);
    const QColor text = pal.color(QPalette::Text);
    const double rate = m_model ? m_model->edgeRate(edge) : 0.0;
    const bool active = rate > 0;
    // Busy edges get thicker with the order of magnitude of their rate, a hint of a Sankey.
    const double width = active ? 1.4 + std::min(3.0, std::log10(1.0 + rate) * 0.6) : 1.2;
    const QColor colour = active ? stateColour(target, pal) : blend(base, text, 0.32);

    // Rounded corners on the elbows, so the lanes read as one line each.
    QPainterPath line(path.front());
    const double radius = g.unit * 0.18;
    for (qsizetype i = 1; i + 1 < path.size(); ++i) {
        const QPointF a = path[i - 1], c = path[i], b = path[i + 1];
        const QPointF in = c - a, out = b - c;
        const double lin = std::hypot(in.x(), in.y()), lout = std::hypot(out.x(), out.y());
        const double rr = std::min({radius, lin / 2, lout / 2});
        line.lineTo(c - in / lin * rr);
        line.quadTo(c, c + out / lout * rr);
    }
    const QPointF end = path.back(), before = path[path.size() - 2];
    const QPointF dir = (end - before) / std::hypot(end.x() - before.x(), end.y() - before.y());
    const double head = 5.0 + width * 1.6;
    line.lineTo(end - dir * head * 0.8);
    p.setPen(QPen(colour, width, Qt::SolidLine, Qt::FlatCap, Qt::RoundJoin));
    p.setBrush(Qt::NoBrush);
    p.drawPath(line);
    const QPointF normal(-dir.y(), dir.x());
    const QPolygonF arrow{end, end - dir * head + normal * head * 0.5,
                          end - dir * head - normal * head * 0.5};
    p.setPen(Qt::NoPen);
    p.setBrush(colour);
    p.drawPolygon(arrow);

    const QString label =
        caption.isEmpty() ? formatRate(rate) : caption + QLatin1Char(' ') + formatRate(rate);
    const QFont f = sizedFont(font(), std::clamp(g.unit * 0.2, 10.0, 14.0), active);
    const QFontMetricsF fm(f);
    const QSizeF size(fm.horizontalAdvance(label) + 12, fm.height() + 4);
    const QRectF pill(labelAt - QPointF(size.width() / 2, size.height() / 2), size);
    p.setPen(QPen(active ? blend(base, colour, 0.5) : blend(base, text, 0.2), 1));
    p.setBrush(base);
    p.drawRoundedRect(pill, size.height() / 2, size.height() / 2);
    p.setFont(f);
    p.setPen(active ? text : blend(base, text, 0.55));
    p.drawText(pill, Qt::AlignCenter, label);
    m_hover.push_back({pill, edgeTooltip(edge)});
}

QString StateFlowView::edgeTooltip(FlowEdge edge) const {
    QString what;
    switch (edge) {
        case FlowEdge::Admitted:
            what = tr("admitted → RECEIVED (duplicates are answered, not admitted)");
            break;
        case FlowEdge::ReceivedToQueued:
            what = tr("RECEIVED → QUEUED: accepted, stamped with a queue sequence");
            break;
        case FlowEdge::ReceivedToRejected:
            what = tr("RECEIVED → REJECTED: CLOSED, NOT_VERIFIED or OVERLOADED at the ingress");
            break;
        case FlowEdge::QueuedToProcessing:
            what = tr("QUEUED → PROCESSING: taken by a worker");
            break;
        case FlowEdge::ProcessingToSucceeded:
            what = tr("PROCESSING → SUCCEEDED: issued");
            break;
        case FlowEdge::ProcessingToRejected:
            what = tr("PROCESSING → REJECTED: SOLD_OUT or LOTTERY_LOST");
            break;
        case FlowEdge::ProcessingToFailed:
            what = tr("PROCESSING → FAILED_FINAL: attempts exhausted, into the DLQ");
            break;
        case FlowEdge::ProcessingToQueued:
            what = tr("PROCESSING → QUEUED: retries and redeliveries");
            break;
        case FlowEdge::FailedToQueued:
            what = tr("FAILED_FINAL → QUEUED: replayed from the DLQ by an operator");
            break;
    }
    if (!m_model) return what;
    return tr("%1\n%2 so far, %3 (smoothed over about a second)")
        .arg(what, formatCount(m_model->edgeTotal(edge)), formatRate(m_model->edgeRate(edge)));
}

bool StateFlowView::event(QEvent* event) {
    if (event->type() == QEvent::ToolTip) {
        const auto* help = static_cast<QHelpEvent*>(event);
        // Labels were pushed after the boxes they may overlap least; search from the top.
        for (auto it = m_hover.rbegin(); it != m_hover.rend(); ++it) {
            if (it->rect.contains(help->pos())) {
                QToolTip::showText(help->globalPos(), it->text, this, it->rect.toAlignedRect());
                return true;
            }
        }
        QToolTip::hideText();
        event->ignore();
        return true;
    }
    return QWidget::event(event);
}

void StateFlowView::contextMenuEvent(QContextMenuEvent* event) {
    QMenu menu(this);
    menu.addAction(tr("Export PNG…"), this,
                   [this] { exportPngInteractively(this, *this, QStringLiteral("request-flow")); });
    menu.exec(event->globalPos());
}

}  // namespace stampede::ui
