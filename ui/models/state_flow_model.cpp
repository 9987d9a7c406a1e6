#include "models/state_flow_model.h"

#include <QLocale>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace stampede::ui {
namespace {

using core::RejectReason;
using core::RequestState;

// Rates are smoothed with this time constant: long enough to read, short enough to follow a spike.
constexpr double kSmoothingS = 1.0;

QString qs(std::string_view text) {
    return QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size()));
}

// What the console shows is rounded to 0.1/s, and comparing rounded values is what keeps a quiet
// run from emitting dataChanged forever while an average decays towards zero.
double shown(double rate) {
    const double r = std::round(rate * 10.0) / 10.0;
    return r < 0.05 ? 0.0 : r;
}

constexpr std::size_t at(FlowEdge e) {
    return static_cast<std::size_t>(e);
}

QLocale numberLocale() {
    QLocale locale;
    // The C locale prints 12345 without separators; counts are easier to read grouped.
    if (locale.language() == QLocale::C) locale = QLocale(QLocale::English, QLocale::UnitedStates);
    return locale;
}

}  // namespace

QString formatCount(std::int64_t value) {
    return numberLocale().toString(static_cast<qlonglong>(value));
}

QString formatRate(double perSecond) {
    const QLocale locale = numberLocale();
    const double v = std::abs(perSecond);
    QString text;
    if (v < 0.05)
        text = QStringLiteral("0");
    else if (v < 10)
        text = locale.toString(perSecond, 'f', 1);
    else if (v < 1000)
        text = locale.toString(perSecond, 'f', 0);
    else if (v < 1e6)
        text = locale.toString(perSecond / 1e3, 'f', v < 1e5 ? 1 : 0) + QLatin1Char('k');
    else
        text = locale.toString(perSecond / 1e6, 'f', 1) + QLatin1Char('M');
    return text + QStringLiteral("/s");
}

// ---------------------------------------------------------------------------------------------
StateFlowModel::StateFlowModel(QObject* parent) : QAbstractTableModel(parent) {}

int StateFlowModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : core::kStateCount;
}

int StateFlowModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant StateFlowModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const auto row = static_cast<std::size_t>(index.row());
    const auto state = static_cast<RequestState>(index.row());
    switch (role) {
        case Qt::DisplayRole:
            if (index.column() == StateColumn) return qs(core::toString(state));
            if (index.column() == CountColumn) return static_cast<qlonglong>(m_counts[row]);
            return m_stateRates[row];
        case Qt::TextAlignmentRole:
            if (index.column() == StateColumn)
                return QVariant::fromValue(Qt::AlignLeft | Qt::AlignVCenter);
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        case Qt::ToolTipRole:
            if (index.column() == RateColumn)
                return tr("Requests entering %1 per second, smoothed over about a second")
                    .arg(qs(core::toString(state)));
            if (index.column() == CountColumn)
                return tr("Requests in %1 now").arg(qs(core::toString(state)));
            return {};
        default:
            return {};
    }
}

QVariant StateFlowModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation == Qt::Horizontal && role == Qt::TextAlignmentRole && section != StateColumn)
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    switch (section) {
        case StateColumn:
            return tr("State");
        case CountColumn:
            return tr("Count");
        case RateColumn:
            return tr("Rate (/s)");
        default:
            return {};
    }
}

std::int64_t StateFlowModel::count(RequestState state) const {
    return m_counts[static_cast<std::size_t>(state)];
}

double StateFlowModel::rate(RequestState state) const {
    return m_stateRates[static_cast<std::size_t>(state)];
}

double StateFlowModel::edgeRate(FlowEdge edge) const {
    return m_edgeRates[at(edge)];
}

std::int64_t StateFlowModel::edgeTotal(FlowEdge edge) const {
    return m_edgeTotals[at(edge)];
}

// Snapshots carry state counts, reasons and a few counters, not transitions: every transition
// total follows from them, because each request that left a state is counted where it went.
StateFlowModel::EdgeValues StateFlowModel::cumulativeTransitions(const Snapshot& s) {
    const auto st = [&s](RequestState x) { return s.states[static_cast<std::size_t>(x)]; };
    const auto rj = [&s](RejectReason r) { return s.rejected[static_cast<std::size_t>(r)]; };
    const std::int64_t admitted =
        std::max(s.admitted, std::accumulate(s.states.begin(), s.states.end(), std::int64_t{0}));
    const std::int64_t atIngress = rj(RejectReason::Closed) + rj(RejectReason::NotVerified) +
                                   rj(RejectReason::Overloaded) + rj(RejectReason::Duplicate);
    // Rejections without a reason (never from the engine) count as decided by a worker.
    const std::int64_t decided = std::max(rj(RejectReason::SoldOut) + rj(RejectReason::LotteryLost),
                                          st(RequestState::Rejected) - atIngress);
    const std::int64_t retried = s.retries + s.redeliveries;
    const std::int64_t failed =
        std::max(s.deadLettered, st(RequestState::FailedFinal) + s.replayed);

    EdgeValues v{};
    v[at(FlowEdge::Admitted)] = admitted;
    v[at(FlowEdge::ReceivedToQueued)] =
        std::max<std::int64_t>(0, admitted - st(RequestState::Received) - atIngress);
    v[at(FlowEdge::ReceivedToRejected)] = atIngress;
    v[at(FlowEdge::QueuedToProcessing)] =
        st(RequestState::Processing) + st(RequestState::Succeeded) + decided + failed + retried;
    v[at(FlowEdge::ProcessingToSucceeded)] = st(RequestState::Succeeded);
    v[at(FlowEdge::ProcessingToRejected)] = decided;
    v[at(FlowEdge::ProcessingToFailed)] = failed;
    v[at(FlowEdge::ProcessingToQueued)] = retried;
    v[at(FlowEdge::FailedToQueued)] = s.replayed;
    return v;
}

void StateFlowModel::resetRates() {
    m_haveBaseline = false;
    m_haveRate = false;
    m_edgeEma.fill(0.0);
}

void StateFlowModel::settle() {
    m_edgeEma.fill(0.0);
    m_edgeRates.fill(0.0);
    for (std::size_t row = 0; row < m_stateRates.size(); ++row) {
        if (m_stateRates[row] == 0.0) continue;
        m_stateRates[row] = 0.0;
        const int r = static_cast<int>(row);
        Q_EMIT dataChanged(index(r, RateColumn), index(r, RateColumn), {Qt::DisplayRole});
    }
}

void StateFlowModel::update(const Snapshot& s) {
    // A new run: its clock and its snapshot versions start again, from zero counts at time zero,
    // which is the baseline its first snapshot is measured against.
    if (m_haveBaseline && (s.version < m_lastVersion || s.elapsedS < m_lastElapsedS)) {
        resetRates();
        m_edgeTotals.fill(0);
        m_lastElapsedS = 0;
        m_lastVersion = 0;
        m_haveBaseline = true;
    }

    const EdgeValues totals = cumulativeTransitions(s);
    const double dt = s.elapsedS - m_lastElapsedS;
    // A run that is over and in which nothing moved since the last snapshot has nothing flowing:
    // its rates are 0 now (a replay after the end moves the totals and has rates again).
    const bool over = s.status == RunStatus::Completed || s.status == RunStatus::Stopped;
    if (over && m_haveBaseline && totals == m_edgeTotals) m_edgeEma.fill(0.0);
    if (!m_haveBaseline) {
        m_edgeTotals = totals;
        m_lastElapsedS = s.elapsedS;
        m_lastVersion = s.version;
        m_haveBaseline = true;
    } else if (dt > 1e-6) {
        // The first interval is taken as it is; later ones are averaged in exponentially.
        const double alpha = m_haveRate ? 1.0 - std::exp(-dt / kSmoothingS) : 1.0;
        for (std::size_t e = 0; e < totals.size(); ++e) {
            const double instant =
                static_cast<double>(std::max<std::int64_t>(0, totals[e] - m_edgeTotals[e])) / dt;
            m_edgeEma[e] += alpha * (instant - m_edgeEma[e]);
        }
        m_haveRate = true;
        m_edgeTotals = totals;
        m_lastElapsedS = s.elapsedS;
        m_lastVersion = s.version;
    }
    for (std::size_t e = 0; e < m_edgeEma.size(); ++e) m_edgeRates[e] = shown(m_edgeEma[e]);
    m_admitted = totals[at(FlowEdge::Admitted)];

    const auto ema = [this](FlowEdge e) { return m_edgeEma[at(e)]; };
    std::array<double, core::kStateCount> inflow{};
    inflow[std::size_t(RequestState::Received)] = ema(FlowEdge::Admitted);
    inflow[std::size_t(RequestState::Queued)] = ema(FlowEdge::ReceivedToQueued) +
                                                ema(FlowEdge::ProcessingToQueued) +
                                                ema(FlowEdge::FailedToQueued);
    inflow[std::size_t(RequestState::Processing)] = ema(FlowEdge::QueuedToProcessing);
    inflow[std::size_t(RequestState::Succeeded)] = ema(FlowEdge::ProcessingToSucceeded);
    inflow[std::size_t(RequestState::Rejected)] =
        ema(FlowEdge::ReceivedToRejected) + ema(FlowEdge::ProcessingToRejected);
    inflow[std::size_t(RequestState::FailedFinal)] = ema(FlowEdge::ProcessingToFailed);

    for (std::size_t row = 0; row < m_counts.size(); ++row) {
        const std::int64_t count = s.states[row];
        const double rate = shown(inflow[row]);
        const bool countChanged = count != m_counts[row];
        const bool rateChanged = rate != m_stateRates[row];
        m_counts[row] = count;
        m_stateRates[row] = rate;
        if (!countChanged && !rateChanged) continue;
        const int r = static_cast<int>(row);
        Q_EMIT dataChanged(index(r, countChanged ? CountColumn : RateColumn),
                           index(r, rateChanged ? RateColumn : CountColumn), {Qt::DisplayRole});
    }
}

// ---------------------------------------------------------------------------------------------
RejectionModel::RejectionModel(QObject* parent) : QAbstractTableModel(parent) {}

int RejectionModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : core::kReasonCount - 1;
}

int RejectionModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RejectionModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const RejectReason reason = reasonAt(index.row());
    switch (role) {
        case Qt::DisplayRole:
            if (index.column() == ReasonColumn) return qs(core::toString(reason));
            return static_cast<qlonglong>(m_counts[static_cast<std::size_t>(index.row())]);
        case Qt::TextAlignmentRole:
            if (index.column() == ReasonColumn)
                return QVariant::fromValue(Qt::AlignLeft | Qt::AlignVCenter);
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        default:
            return {};
    }
}

QVariant RejectionModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation == Qt::Horizontal && role == Qt::TextAlignmentRole && section == CountColumn)
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    if (section == ReasonColumn) return tr("Reason");
    if (section == CountColumn) return tr("Count");
    return {};
}

// A count's share is of the total: when the total moves, every row's share moves with it, so
// the whole column changes, not only the rows whose count did (a view repaints only what it is
// told changed, and kept showing SOLD_OUT's 100 % once LOTTERY_LOST joined it).
void RejectionModel::update(const Snapshot& s) {
    const std::int64_t before = total();
    int first = -1, last = -1;
    for (std::size_t row = 0; row < m_counts.size(); ++row) {
        const std::int64_t count = s.rejected[row + 1];
        if (count == m_counts[row]) continue;
        m_counts[row] = count;
        if (first < 0) first = static_cast<int>(row);
        last = static_cast<int>(row);
    }
    if (first < 0) return;
    if (total() != before) {
        first = 0;
        last = rowCount() - 1;
    }
    Q_EMIT dataChanged(index(first, CountColumn), index(last, CountColumn), {Qt::DisplayRole});
}

QString RejectionModel::shareText(int row) const {
    const std::int64_t count = m_counts[static_cast<std::size_t>(row)];
    const std::int64_t all = total();
    if (count <= 0 || all <= 0) return QStringLiteral("0");
    return QStringLiteral("%1  ·  %2 %")
        .arg(formatCount(count))
        .arg(100.0 * double(count) / double(all), 0, 'f', 1);
}

std::int64_t RejectionModel::count(RejectReason reason) const {
    if (reason == RejectReason::None) return 0;
    return m_counts[static_cast<std::size_t>(reason) - 1];
}

std::int64_t RejectionModel::total() const {
    return std::accumulate(m_counts.begin(), m_counts.end(), std::int64_t{0});
}

}  // namespace stampede::ui
