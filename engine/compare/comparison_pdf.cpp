#include "stampede/compare/comparison_pdf.h"

#include <QFileInfo>
#include <QLocale>
#include <QPageLayout>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>

#include <algorithm>

#include "stampede/compare/comparison_json.h"
#include "stampede/compare/comparison_table.h"
#include "stampede/compare/race_witness_painter.h"

namespace stampede::compare {
namespace {

constexpr int kWitnessesPerLane = 3;  // as the HTML report: enough to see the pattern
const QColor kBest(0xd8, 0xf0, 0xd8);
const QColor kRed(0xc6, 0x28, 0x28);
const QColor kBar(0x4a, 0x7a, 0xb0);

QString qs(const std::string& s) {
    return QString::fromStdString(s);
}

// A page that is filled from the top down; a block that does not fit starts a new page.
class Pages {
public:
    Pages(QPdfWriter& writer, QPainter& painter) : m_writer(writer), m_p(painter) {
        m_width = painter.viewport().width();
        m_height = painter.viewport().height();
    }
    double width() const { return m_width; }
    double y() const { return m_y; }
    void advance(double h) { m_y += h; }
    // Makes room for `h`; true when a new page was started.
    bool need(double h) {
        if (m_y + h <= m_height || m_y == 0) return false;
        m_writer.newPage();
        m_y = 0;
        return true;
    }
    double lineHeight() const { return QFontMetricsF(m_p.font(), m_p.device()).height(); }

private:
    QPdfWriter& m_writer;
    QPainter& m_p;
    double m_width = 0, m_height = 0, m_y = 0;
};

QFont sized(QFont f, double points, bool bold = false) {
    f.setPointSizeF(points);
    f.setBold(bold);
    return f;
}

void text(QPainter& p, Pages& pages, const QString& t, const QFont& font, double after = 0.3) {
    p.setFont(font);
    const QRectF box(0, pages.y(), pages.width(), 10000);
    const QRectF used = p.boundingRect(box, Qt::TextWordWrap, t);
    pages.need(used.height());
    p.drawText(QRectF(0, pages.y(), pages.width(), used.height()), Qt::TextWordWrap, t);
    pages.advance(used.height() + pages.lineHeight() * after);
}

void finalTable(QPainter& p, Pages& pages, const ComparisonTable& table, const QFont& base) {
    const auto& columns = tableColumns();
    p.setFont(base);
    const double row = pages.lineHeight() * 1.6;
    const double laneWidth = pages.width() * 0.15;
    const double cellWidth = (pages.width() - laneWidth) / double(columns.size());
    // Headings on two lines where they need it ("e2e p95" over "ms"), so none runs into the next.
    const double headerHeight = pages.lineHeight() * 2.4;
    const auto header = [&] {
        p.setFont(sized(base, base.pointSizeF() * 0.85, true));
        p.fillRect(QRectF(0, pages.y(), pages.width(), headerHeight), QColor(0xee, 0xee, 0xee));
        p.drawText(QRectF(4, pages.y(), laneWidth - 8, headerHeight), Qt::AlignVCenter,
                   QStringLiteral("lane"));
        for (std::size_t c = 0; c < columns.size(); ++c)
            p.drawText(
                QRectF(laneWidth + double(c) * cellWidth, pages.y(), cellWidth - 4, headerHeight),
                Qt::AlignRight | Qt::AlignVCenter | Qt::TextWordWrap, qs(columns[c].heading));
        pages.advance(headerHeight);
        p.setFont(base);
    };
    header();
    for (std::size_t r = 0; r < table.rows.size(); ++r) {
        if (pages.need(row)) header();
        const TableRow& tr = table.rows[r];
        const double y = pages.y();
        p.setPen(QColor(0xbb, 0xbb, 0xbb));
        p.drawLine(QPointF(0, y + row), QPointF(pages.width(), y + row));
        p.setPen(Qt::black);
        p.drawText(
            QRectF(4, y, laneWidth - 8, row), Qt::AlignVCenter,
            QFontMetricsF(base, p.device()).elidedText(qs(tr.lane), Qt::ElideRight, laneWidth - 8));
        if (tr.values.empty()) {
            QFont italic = base;
            italic.setItalic(true);
            p.setFont(italic);
            p.setPen(QColor(0x77, 0x77, 0x77));
            p.drawText(
                QRectF(laneWidth, y, pages.width() - laneWidth, row), Qt::AlignVCenter,
                qs(tr.status) +
                    (tr.skipped.empty() ? QString() : QStringLiteral(": ") + qs(tr.skipped)));
            p.setFont(base);
            p.setPen(Qt::black);
            pages.advance(row);
            continue;
        }
        for (std::size_t c = 0; c < columns.size(); ++c) {
            const QRectF cell(laneWidth + double(c) * cellWidth, y, cellWidth, row);
            const auto& best = table.best[c];
            const bool isBest = std::find(best.begin(), best.end(), int(r)) != best.end();
            const bool over =
                columns[c].metric == "over_issued" && tr.values[c] && *tr.values[c] > 0;
            if (isBest) p.fillRect(cell.adjusted(1, 1, -1, -1), kBest);
            p.setFont(sized(base, base.pointSizeF(), isBest || over));
            p.setPen(over ? kRed : Qt::black);
            p.drawText(cell.adjusted(0, 0, -4, 0), Qt::AlignRight | Qt::AlignVCenter,
                       tr.values[c] ? QLocale().toString(*tr.values[c], 'f', columns[c].decimals)
                                    : QStringLiteral("–"));
        }
        p.setFont(base);
        p.setPen(Qt::black);
        pages.advance(row);
    }
    pages.advance(row * 0.5);
}

// One chart a column, two charts a row: a bar per lane that ran, to the column's largest value.
void barCharts(QPainter& p, Pages& pages, const ComparisonTable& table, const QFont& base) {
    const auto& columns = tableColumns();
    p.setFont(base);
    const double line = pages.lineHeight() * 1.3;
    const double gap = pages.width() * 0.04;
    const double chartWidth = (pages.width() - gap) / 2;
    int inRow = 0;
    double rowHeight = 0;
    QStringList allZero;  // a chart of zeros says nothing: named in one line instead
    for (std::size_t c = 0; c < columns.size(); ++c) {
        double largest = 0;
        int bars = 0;
        for (const TableRow& row : table.rows)
            if (!row.values.empty() && row.values[c]) {
                largest = std::max(largest, *row.values[c]);
                ++bars;
            }
        if (bars == 0) continue;
        if (largest == 0) {
            allZero << qs(columns[c].heading);
            continue;
        }
        const double height = line * (bars + 1.5);
        if (inRow == 0) {
            pages.need(height);
            rowHeight = 0;
        }
        const double x0 = inRow == 0 ? 0 : chartWidth + gap;
        double y = pages.y();
        p.setFont(sized(base, base.pointSizeF(), true));
        p.drawText(QRectF(x0, y, chartWidth, line), Qt::AlignVCenter, qs(columns[c].heading));
        p.setFont(base);
        y += line;
        const double labelWidth = chartWidth * 0.3, valueWidth = chartWidth * 0.18;
        const double barSpace = chartWidth - labelWidth - valueWidth;
        for (const TableRow& row : table.rows) {
            if (row.values.empty() || !row.values[c]) continue;
            const double v = *row.values[c];
            const double w = largest > 0 ? barSpace * v / largest : 0;
            p.drawText(QRectF(x0, y, labelWidth - 6, line), Qt::AlignVCenter,
                       QFontMetricsF(base, p.device())
                           .elidedText(qs(row.lane), Qt::ElideRight, labelWidth - 6));
            p.fillRect(QRectF(x0 + labelWidth, y + line * 0.15, std::max(w, 1.0), line * 0.7),
                       columns[c].metric == "over_issued" && v > 0 ? kRed : kBar);
            p.drawText(QRectF(x0 + labelWidth + std::max(w, 1.0) + 4, y, valueWidth, line),
                       Qt::AlignVCenter, QLocale().toString(v, 'f', columns[c].decimals));
            y += line;
        }
        rowHeight = std::max(rowHeight, height);
        if (++inRow == 2) {
            pages.advance(rowHeight);
            inRow = 0;
        }
    }
    if (inRow != 0) pages.advance(rowHeight);
    if (!allZero.isEmpty())
        text(p, pages, QStringLiteral("0 in every lane: ") + allZero.join(QStringLiteral(", ")),
             base);
}

void raceWitnesses(QPainter& p, Pages& pages, const std::vector<LaneResult>& lanes,
                   const QFont& base) {
    bool any = false;
    for (const LaneResult& lane : lanes) {
        if (!lane.snapshot || lane.snapshot->raceWitnesses.empty()) continue;
        if (!any)
            text(p, pages,
                 QStringLiteral("Each bar runs from a decision's read of the stock (ring) to its "
                                "write (red block). The second decision read before the first had "
                                "written (the shaded span), so both acted on the same value and "
                                "one unit went out twice."),
                 base);
        any = true;
        const auto& witnesses = lane.snapshot->raceWitnesses;
        const int shown = std::min<int>(int(witnesses.size()), kWitnessesPerLane);
        text(p, pages,
             QStringLiteral("%1: over-issued %2; the first %3 of %4 recorded collisions")
                 .arg(qs(lane.label))
                 .arg(lane.snapshot->overIssued)
                 .arg(shown)
                 .arg(witnesses.size()),
             sized(base, base.pointSizeF() * 1.1, true), 0.2);
        p.setFont(base);
        const double rows = pages.lineHeight() * 3.2;
        for (int i = 0; i < shown; ++i) {
            pages.need(rows + pages.lineHeight() * 1.5);
            paintRaceWitness(p, QRectF(0, pages.y(), pages.width(), rows),
                             witnesses[std::size_t(i)], WitnessColours{},
                             QFontMetricsF(base, p.device())
                                 .horizontalAdvance(QStringLiteral("ingress 0000000")));
            pages.advance(rows);
            text(p, pages, witnessCaption(witnesses[std::size_t(i)]),
                 sized(base, base.pointSizeF() * 0.9), 0.6);
        }
    }
    if (!any)
        text(p, pages,
             QStringLiteral("No lane recorded a race: the guards that race on purpose (none, "
                            "mutex-early-release, redis-naive) record them."),
             base);
}

}  // namespace

bool writeComparisonPdf(const std::string& path, const ComparisonSpec& spec,
                        const std::vector<LaneResult>& lanes, const std::string& version,
                        const std::string& title, std::string& error) {
    const QString file = qs(path);
    const QString heading =
        title.empty() ? QStringLiteral("Comparison: ") + qs(spec.scenario.name) : qs(title);
    QPdfWriter writer(file);
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize::A4), QPageLayout::Landscape,
                                     QMarginsF(12, 12, 12, 12), QPageLayout::Millimeter));
    writer.setResolution(150);
    writer.setTitle(heading);
    writer.setCreator(QStringLiteral("Stampede ") + qs(version));
    QPainter p;
    if (!p.begin(&writer)) {
        error = path + ": cannot write the PDF there";
        return false;
    }
    Pages pages(writer, p);
    const QFont base = sized(QFont(QStringLiteral("DejaVu Sans")), 9);

    text(p, pages, heading, sized(base, 17, true), 0.5);
    std::int64_t stock = 0;
    for (const auto& c : spec.scenario.campaigns) stock += c.stock;
    const MachineInfo machine = thisMachine();
    text(p, pages,
         QStringLiteral("Scenario %1 · seed %2 · %3 campaign(s), stock %4\nLanes ran %5\n"
                        "Machine: %6, %7 cores · Stampede %8")
             .arg(qs(spec.scenario.name))
             .arg(spec.scenario.seed)
             .arg(spec.scenario.campaigns.size())
             .arg(stock)
             .arg(spec.concurrent
                      ? QStringLiteral("concurrently: they shared the machine")
                      : QStringLiteral("one after another: each had the machine to itself"))
             .arg(qs(machine.cpu))
             .arg(machine.cores)
             .arg(qs(version)),
         base, 0.8);
    const ComparisonTable table = comparisonTable(lanes);
    text(p, pages, QStringLiteral("Final table"), sized(base, 12, true), 0.3);
    finalTable(p, pages, table, base);
    text(p, pages,
         QStringLiteral("Green: the best lane of a column (none marked when all are equal). Red: "
                        "units issued beyond the stock."),
         sized(base, 8), 0.8);
    text(p, pages, QStringLiteral("Side by side"), sized(base, 12, true), 0.3);
    barCharts(p, pages, table, base);
    pages.advance(pages.lineHeight());
    text(p, pages, QStringLiteral("Race witnesses"), sized(base, 12, true), 0.3);
    raceWitnesses(p, pages, lanes, base);
    if (!p.end()) {
        error = path + ": the PDF could not be finished";
        return false;
    }
    if (QFileInfo(file).size() == 0) {
        error = path + ": nothing was written";
        return false;
    }
    return true;
}

}  // namespace stampede::compare
