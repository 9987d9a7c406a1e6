#pragma once
// One lane of a comparison as a small multiple: its name and status, issued against stock with
// the over-issue counter (red once a unit was issued twice), throughput over time, e2e p95, the
// request states, and the pool gauge of a live guard. Every tile of a comparison is drawn to the
// same scales, so lanes are compared by eye.

#include <QFrame>

#include <memory>

#include "stampede/compare/comparison.h"

class QLabel;

namespace stampede::ui {

class Sparkline;

class LaneTile : public QFrame {
    Q_OBJECT
public:
    explicit LaneTile(QWidget* parent = nullptr);

    void show(const compare::LaneResult& lane);
    // The shared scales: the largest throughput of any lane, the largest stock.
    void setScale(double throughputMax);

    QString overIssuedText() const;
    bool overIssuedAlarm() const { return m_alarm; }

private:
    QLabel* m_title;
    QLabel* m_status;
    QLabel* m_stock;
    QLabel* m_over;
    QLabel* m_figures;
    QLabel* m_states;
    QLabel* m_pool;
    Sparkline* m_throughput;
    bool m_alarm = false;
};

// Completed requests per second over the lane's time, as a filled line (no axes: the tile says
// the figures).
class Sparkline : public QWidget {
    Q_OBJECT
public:
    explicit Sparkline(QWidget* parent = nullptr);
    void setPoints(std::vector<QPointF> points) {
        m_points = std::move(points);
        update();
    }
    void setScale(double xMax, double yMax) {
        m_xMax = xMax;
        m_yMax = yMax;
        update();
    }
    double xMax() const;
    double yMax() const;

protected:
    void paintEvent(QPaintEvent*) override;

private:
    std::vector<QPointF> m_points;
    double m_xMax = 0, m_yMax = 0;  // 0: the points' own
};

}  // namespace stampede::ui
