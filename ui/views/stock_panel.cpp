#include "views/stock_panel.h"

#include <QEvent>
#include <QGridLayout>
#include <QLabel>
#include <QPainter>
#include <QVBoxLayout>

#include <algorithm>

#include "models/state_flow_model.h"
#include "views/state_flow_view.h"

namespace stampede::ui {
namespace {

void setTextColour(QLabel* label, const QColor& colour) {
    QPalette pal = label->palette();
    pal.setColor(QPalette::WindowText, colour);
    label->setPalette(pal);
}

QFont scaledFont(const QFont& base, double factor, bool bold) {
    QFont f = base;
    if (base.pointSizeF() > 0)
        f.setPointSizeF(base.pointSizeF() * factor);
    else
        f.setPixelSize(static_cast<int>(base.pixelSize() * factor));
    f.setBold(bold);
    return f;
}

}  // namespace

// Issued against stock. A progress bar cannot show more than 100 %, and showing more than 100 %
// is the point: what was issued beyond stock is drawn in red past the stock mark.
class StockBar : public QWidget {
public:
    explicit StockBar(QWidget* parent) : QWidget(parent) {
        setMinimumHeight(14);
        setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    }
    QSize sizeHint() const override { return {240, 16}; }
    void setValues(std::int64_t issued, std::int64_t stock) {
        if (issued == m_issued && stock == m_stock) return;
        m_issued = issued;
        m_stock = stock;
        update();
    }

protected:
    void paintEvent(QPaintEvent*) override {
        QPainter p(this);
        p.setRenderHint(QPainter::Antialiasing);
        const QPalette pal = palette();
        const QRectF track = QRectF(rect()).adjusted(0.5, 1.5, -0.5, -1.5);
        const double radius = track.height() / 2;
        const QColor base = pal.color(QPalette::Base);
        p.setPen(QPen(blend(base, pal.color(QPalette::Text), 0.25), 1));
        p.setBrush(blend(base, pal.color(QPalette::Text), 0.06));
        p.drawRoundedRect(track, radius, radius);
        const double scale = static_cast<double>(std::max<std::int64_t>({m_stock, m_issued, 1}));
        const double stockX = track.left() + track.width() * double(m_stock) / scale;
        const double issuedX = track.left() + track.width() * double(m_issued) / scale;
        p.setPen(Qt::NoPen);
        p.setClipRect(QRectF(track.left(), track.top(), std::min(issuedX, stockX) - track.left(),
                             track.height()));
        p.setBrush(StateFlowView::stateColour(core::RequestState::Succeeded, pal));
        p.drawRoundedRect(track, radius, radius);
        if (issuedX > stockX) {
            p.setClipRect(QRectF(stockX, track.top(), issuedX - stockX, track.height()));
            p.setBrush(StateFlowView::stateColour(core::RequestState::FailedFinal, pal));
            p.drawRoundedRect(track, radius, radius);
            p.setClipping(false);
            p.setPen(QPen(pal.color(QPalette::Text), 2));
            p.drawLine(QPointF(stockX, rect().top()), QPointF(stockX, rect().bottom()));
        }
    }

private:
    std::int64_t m_issued = 0;
    std::int64_t m_stock = 0;
};

StockPanel::StockPanel(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(12, 8, 12, 10);
    layout->setSpacing(6);

    m_alarm = new QLabel(this);
    m_alarm->setObjectName(QStringLiteral("overIssueAlarm"));
    m_alarm->setAutoFillBackground(true);
    // Two short lines, never wrapped (a wrapped label misreports its height in nested layouts);
    // cut at the right rather than widen the panel.
    m_alarm->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Fixed);
    m_alarm->setMargin(8);
    m_alarm->setTextFormat(Qt::RichText);
    m_alarm->setAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    m_alarm->hide();
    layout->addWidget(m_alarm);

    auto* title = new QLabel(tr("Stock"), this);
    title->setFont(scaledFont(font(), 1.0, true));
    title->setObjectName(QStringLiteral("sectionTitle"));
    layout->addWidget(title);

    auto* issuedRow = new QHBoxLayout;
    m_issued = new QLabel(this);
    m_issued->setFont(scaledFont(font(), 1.7, true));
    m_issued->setToolTip(tr("Coupons issued (SUCCEEDED) against the stock of all campaigns"));
    m_share = new QLabel(this);
    m_share->setAlignment(Qt::AlignRight | Qt::AlignBottom);
    issuedRow->addWidget(m_issued, 1);
    issuedRow->addWidget(m_share);
    layout->addLayout(issuedRow);

    m_bar = new StockBar(this);
    layout->addWidget(m_bar);
    layout->addSpacing(4);

    auto* grid = new QGridLayout;
    grid->setHorizontalSpacing(14);
    grid->setVerticalSpacing(2);
    const std::array<std::pair<QString, QString>, MetricCount> captions = {{
        {tr("Remaining"), tr("Stock left, as the guard sees it")},
        {tr("Over-issued"), tr("Issued beyond stock: must be 0 for a correct guard")},
        {tr("Under-issued"), tr("Stock left while someone was refused as SOLD_OUT")},
        {tr("Fairness inversions"),
         tr("FIRST_COME winners queued after a loser refused as SOLD_OUT under the same stock: "
            "the system's unfairness (0 is fair).\nWhat the operator did on purpose is shown "
            "apart as \"+N by operator\": winners replayed from the DLQ, and winners that only "
            "won because stock was raised after a loser lost.")},
        {tr("Retries"), tr("Processing attempts sent back to QUEUED after a transient failure")},
        {tr("Redeliveries"), tr("In-flight requests of a crashed worker delivered again")},
        {tr("DLQ size"), tr("Dead letters waiting for an operator (replay or purge)")},
        {tr("Throughput"), tr("Final requests per second of wall time")},
    }};
    for (int m = 0; m < MetricCount; ++m) {
        Tile& tile = m_tiles[std::size_t(m)];
        tile.caption = new QLabel(captions[std::size_t(m)].first, this);
        tile.caption->setFont(scaledFont(font(), 0.9, false));
        tile.value = new QLabel(QStringLiteral("0"), this);
        tile.value->setFont(scaledFont(font(), 1.25, true));
        tile.caption->setToolTip(captions[std::size_t(m)].second);
        tile.value->setToolTip(captions[std::size_t(m)].second);
        if (m == Inversions) tile.value->setObjectName(QStringLiteral("fairnessInversions"));
        if (m == DlqSize) tile.value->setObjectName(QStringLiteral("dlqSize"));
        const int row = (m / 4) * 2, col = m % 4;
        grid->addWidget(tile.caption, row, col);
        grid->addWidget(tile.value, row + 1, col);
        grid->setColumnStretch(col, 1);
    }
    grid->setRowMinimumHeight(2, 0);
    layout->addLayout(grid);
    layout->addStretch(1);
    applyColours();
    showSnapshot(Snapshot{});
}

void StockPanel::showSnapshot(const Snapshot& s) {
    const QString guard = QString::fromStdString(s.run.guard);
    if (s.overIssued > 0) {
        m_alarmText = tr("OVER-ISSUED: %1 beyond stock — guard “%2”")
                          .arg(s.overIssued)
                          .arg(guard.isEmpty() ? tr("unknown") : guard);
        const QString headline = tr("⚠ OVER-ISSUED: %1 beyond stock").arg(s.overIssued);
        const QString detail =
            tr("guard “%1” · %2 issued of %3 · %4")
                .arg(guard.isEmpty() ? tr("unknown") : guard, formatCount(s.issued),
                     formatCount(s.stock),
                     s.run.guardRacesOnPurpose ? tr("races on purpose") : tr("a guard failed"));
        m_alarm->setText(
            QStringLiteral("<div style=\"font-size:large; font-weight:700\">%1</div><div>%2</div>")
                .arg(headline.toHtmlEscaped(), detail.toHtmlEscaped()));
        m_alarm->setAccessibleName(m_alarmText);
        m_alarm->setToolTip(m_alarmText);
        m_alarm->show();
    } else {
        m_alarmText.clear();
        m_alarm->hide();
    }
    m_issued->setText(tr("%1 / %2").arg(formatCount(s.issued), formatCount(s.stock)));
    const double share = s.stock > 0 ? 100.0 * double(s.issued) / double(s.stock) : 0.0;
    m_share->setText(tr("issued of stock · %1 %").arg(share, 0, 'f', 1));
    m_bar->setValues(s.issued, s.stock);

    const bool lost = std::any_of(s.campaigns.begin(), s.campaigns.end(),
                                  [](const CampaignSnapshot& c) { return c.stockLost; });
    // The last count read of a stock that is gone reads as "sold out": say it is lost.
    setTile(Remaining, lost ? tr("lost") : formatCount(s.remaining), lost, lost);
    setTile(OverIssued, formatCount(s.overIssued), s.overIssued > 0, true);
    setTile(UnderIssued, formatCount(s.underIssued), s.underIssued > 0);
    setTile(Inversions,
            s.operatorInversions > 0
                ? tr("%1 (+%2 by operator)")
                      .arg(formatCount(s.fairnessInversions), formatCount(s.operatorInversions))
                : formatCount(s.fairnessInversions),
            s.fairnessInversions > 0);
    setTile(Retries, formatCount(s.retries), false);
    setTile(Redeliveries, formatCount(s.redeliveries), false);
    m_snapshotDlq = s.dlqSize;
    showStoredDlq(m_storedDlq);
    setTile(Throughput, formatRate(s.throughputRps), false);
}

void StockPanel::showStoredDlq(std::optional<std::int64_t> pending) {
    m_storedDlq = pending;
    Tile& tile = m_tiles[std::size_t(DlqSize)];
    tile.caption->setText(pending ? tr("DLQ (store)") : tr("DLQ size"));
    const std::int64_t n = pending.value_or(m_snapshotDlq);
    setTile(DlqSize, formatCount(n), n > 0, true);
}

bool StockPanel::alarmShown() const {
    return !m_alarm->isHidden();
}

QString StockPanel::alarmText() const {
    return m_alarmText;
}

void StockPanel::setTile(Metric metric, const QString& text, bool warning, bool severe) {
    Tile& tile = m_tiles[std::size_t(metric)];
    tile.value->setText(text);
    if (tile.warning == warning && tile.severe == severe) return;
    tile.warning = warning;
    tile.severe = severe;
    applyColours();
}

void StockPanel::applyColours() {
    const QPalette pal = palette();
    const QColor text = pal.color(QPalette::WindowText);
    const QColor muted = blend(pal.color(QPalette::Window), text, 0.62);
    const QColor red = StateFlowView::stateColour(core::RequestState::FailedFinal, pal);
    const QColor amber = StateFlowView::stateColour(core::RequestState::Rejected, pal);
    for (Tile& tile : m_tiles) {
        setTextColour(tile.caption, muted);
        setTextColour(tile.value, tile.warning ? (tile.severe ? red : amber) : text);
    }
    setTextColour(m_share, muted);
    // The alarm keeps white on red in both palettes: it must look the same to everyone.
    QPalette alarm = m_alarm->palette();
    alarm.setColor(QPalette::Window, QColor(0xc6, 0x28, 0x28));
    alarm.setColor(QPalette::WindowText, Qt::white);
    m_alarm->setPalette(alarm);
}

void StockPanel::paintEvent(QPaintEvent*) {
    paintCard(*this);
}

void StockPanel::changeEvent(QEvent* event) {
    // Our own setPalette calls on children do not reach here; a theme change does.
    if (event->type() == QEvent::PaletteChange) applyColours();
    QWidget::changeEvent(event);
}

}  // namespace stampede::ui
