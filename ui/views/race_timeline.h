#pragma once
// How a racy lane over-issued, drawn: for each of its first race witnesses, two lanes of time
// (the two deciders that collided) with the moment each read the stock (a ring, the value read)
// and the moment each wrote it (a block, the value written). The span where the second read
// before the first had written is shaded red: both acted on the same value, one unit went twice.

#include <QWidget>

#include <vector>

#include "stampede/guards/race_witness.h"

namespace stampede::ui {

class RaceTimeline : public QWidget {
    Q_OBJECT
public:
    explicit RaceTimeline(QWidget* parent = nullptr);

    // `lane` names whose witnesses these are; at most `shown` are drawn (the first ones).
    void setWitnesses(QString lane, std::vector<guards::RaceWitness> witnesses, int shown = 3);
    int drawn() const;
    // One sentence per witness drawn, as the caption under it says.
    QStringList captions() const;

    QSize sizeHint() const override;

protected:
    void paintEvent(QPaintEvent*) override;

private:
    QString m_lane;
    std::vector<guards::RaceWitness> m_witnesses;
    int m_shown = 3;
};

}  // namespace stampede::ui
