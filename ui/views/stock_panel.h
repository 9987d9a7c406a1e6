#pragma once
// The stock side of a run at a glance: issued against stock, what remains, and the numbers that
// say whether the run was correct and fair (over- and under-issue, fairness inversions, retries,
// the DLQ). An over-issue raises a red banner nobody can miss; it is hidden otherwise.

#include <QWidget>

#include <optional>

#include <array>

#include "stampede/snapshot.h"

class QLabel;

namespace stampede::ui {

class StockBar;

class StockPanel : public QWidget {
    Q_OBJECT
public:
    explicit StockPanel(QWidget* parent = nullptr);

    void showSnapshot(const Snapshot& snapshot);
    // Once the run's dead letters are the store's, the DLQ tile counts what is pending there:
    // the snapshot's figure is of the run's end and does not follow replays made in the store.
    void showStoredDlq(std::optional<std::int64_t> pending);

    bool alarmShown() const;  // the over-issue banner is up (it may still be off screen)
    QString alarmText() const;

protected:
    void paintEvent(QPaintEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    enum Metric {
        Remaining,
        OverIssued,
        UnderIssued,
        Inversions,
        Retries,
        Redeliveries,
        DlqSize,
        Throughput,
        MetricCount
    };
    struct Tile {
        QLabel* caption = nullptr;
        QLabel* value = nullptr;
        bool warning = false;  // shown in the warning colour
        bool severe = false;   // red rather than amber
    };

    void setTile(Metric metric, const QString& text, bool warning, bool severe = false);
    void applyColours();

    QLabel* m_alarm = nullptr;
    std::optional<std::int64_t> m_storedDlq;
    std::int64_t m_snapshotDlq = 0;
    QString m_alarmText;  // the banner's words without markup
    QLabel* m_issued = nullptr;
    QLabel* m_share = nullptr;
    StockBar* m_bar = nullptr;
    std::array<Tile, MetricCount> m_tiles{};
};

}  // namespace stampede::ui
