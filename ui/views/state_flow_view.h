#pragma once
// The request state machine drawn as a flow: one rounded box per state with its live count, one
// arrow per transition with its rate. Paints only what a StateFlowModel holds, so it costs one
// paint per model change and never touches the engine. Colours follow the palette (dark or light).

#include <QPointer>
#include <QWidget>

#include <array>
#include <vector>

#include "models/state_flow_model.h"
#include "stampede/core/request_state.h"

namespace stampede::ui {

// The dashboard's look, shared by its panels: colours mixed within the palette (so they work on
// dark and light alike) and panels drawn as cards on the window background.
QColor blend(const QColor& from, const QColor& to, double amount);
void paintCard(QWidget& widget);

class StateFlowView : public QWidget {
    Q_OBJECT
public:
    explicit StateFlowView(QWidget* parent = nullptr);

    void setModel(const StateFlowModel* model);

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

    // The colour a state is drawn in: blue in flight, green succeeded, amber rejected, red failed;
    // tuned for the palette's background so it reads on dark and light alike.
    static QColor stateColour(core::RequestState state, const QPalette& palette);

protected:
    void paintEvent(QPaintEvent* event) override;
    bool event(QEvent* event) override;
    void contextMenuEvent(QContextMenuEvent* event) override;

private:
    struct Geometry {
        std::array<QRectF, core::kStateCount> nodes;
        double laneTop = 0;
        double laneBottom = 0;
        double entryX = 0;
        double unit = 0;  // box height, the scale of everything else
    };
    struct HoverArea {
        QRectF rect;
        QString text;
    };

    Geometry layout() const;
    void paintNode(QPainter& p, const Geometry& g, core::RequestState state) const;
    void paintEdge(QPainter& p, const Geometry& g, FlowEdge edge, const QVector<QPointF>& path,
                   core::RequestState target, const QString& caption, QPointF labelAt) const;
    QString edgeTooltip(FlowEdge edge) const;

    QPointer<const StateFlowModel> m_model;
    mutable std::vector<HoverArea> m_hover;  // rebuilt by every paint, read by tooltips
};

}  // namespace stampede::ui
