#pragma once
// The dashboard's models over engine snapshots: live counts per request state with the rate at
// which requests enter each state, the flow rates along every edge of the state machine, and the
// rejections by reason. Rows never change, so an update emits dataChanged for the cells that
// changed and nothing else; a model is never reset per tick. Must never hold a lock of the engine
// or keep more than the last snapshot's numbers.

#include <QAbstractTableModel>
#include <QString>

#include <array>
#include <cstdint>

#include "stampede/snapshot.h"

namespace stampede::ui {

// Counts and rates as the dashboard prints them: "12,345", "1.2k/s".
QString formatCount(std::int64_t value);
QString formatRate(double perSecond);

// The edges of the state machine the flow diagram draws, plus the entry into RECEIVED.
enum class FlowEdge : std::uint8_t {
    Admitted,  // -> RECEIVED
    ReceivedToQueued,
    ReceivedToRejected,  // validation at the ingress: CLOSED, NOT_VERIFIED, OVERLOADED
    QueuedToProcessing,
    ProcessingToSucceeded,
    ProcessingToRejected,  // the decision: SOLD_OUT, LOTTERY_LOST
    ProcessingToFailed,    // into the DLQ
    ProcessingToQueued,    // retries and redeliveries
    FailedToQueued,        // operator replay from the DLQ
};
inline constexpr int kFlowEdgeCount = 9;

class StateFlowModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { StateColumn, CountColumn, RateColumn, ColumnCount };

    explicit StateFlowModel(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    // Takes the snapshot's numbers; rates come from the difference to the previous snapshot.
    void update(const Snapshot& snapshot);
    // Forgets the previous snapshot, so the next one starts rates afresh (a new run).
    void resetRates();
    // Nothing flows any more (the run is over and no snapshot came for a while): every rate
    // reads 0, where the last interval's smoothed rates would otherwise stay for ever.
    void settle();

    std::int64_t count(core::RequestState state) const;
    std::int64_t admitted() const { return m_admitted; }
    // Requests entering `state` per second, smoothed (~1 s), rounded to 0.1.
    double rate(core::RequestState state) const;
    // Transitions along `edge` per second (smoothed, rounded to 0.1) and in total so far.
    double edgeRate(FlowEdge edge) const;
    std::int64_t edgeTotal(FlowEdge edge) const;
    int rowOf(core::RequestState state) const { return static_cast<int>(state); }

private:
    using EdgeValues = std::array<std::int64_t, kFlowEdgeCount>;
    static EdgeValues cumulativeTransitions(const Snapshot& s);

    std::array<std::int64_t, core::kStateCount> m_counts{};
    std::array<double, core::kStateCount> m_stateRates{};  // rounded, as shown
    EdgeValues m_edgeTotals{};
    std::array<double, kFlowEdgeCount> m_edgeEma{};    // unrounded
    std::array<double, kFlowEdgeCount> m_edgeRates{};  // rounded, as shown
    std::int64_t m_admitted = 0;
    double m_lastElapsedS = 0;
    std::uint64_t m_lastVersion = 0;
    bool m_haveBaseline = false;
    bool m_haveRate = false;
};

// Rejections by reason: one row per reason from SOLD_OUT to LOTTERY_LOST.
class RejectionModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { ReasonColumn, CountColumn, ColumnCount };

    explicit RejectionModel(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    void update(const Snapshot& snapshot);
    std::int64_t count(core::RejectReason reason) const;
    std::int64_t total() const;
    // What the count cell shows: "1,936  ·  52.1 %" (its share of every rejection), or "0".
    QString shareText(int row) const;
    static core::RejectReason reasonAt(int row) { return static_cast<core::RejectReason>(row + 1); }

private:
    std::array<std::int64_t, core::kReasonCount - 1> m_counts{};  // without None
};

}  // namespace stampede::ui
