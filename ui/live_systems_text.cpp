#include "live_systems_text.h"

#include <QCoreApplication>
#include <QStringList>

#include "models/state_flow_model.h"

namespace stampede::ui {

QString liveSystemsLine(const Snapshot& s) {
    const auto tr = [](const char* text) {
        return QCoreApplication::translate("LiveSystems", text);
    };
    QStringList parts;
    if (!s.backend.kind.empty())
        parts << tr("%1: %2 round trips, p95 %3 ms, pool wait p95 %4 ms, %5 errors")
                     .arg(QString::fromStdString(s.backend.kind), formatCount(s.backend.roundTrips))
                     .arg(s.backend.roundTripP95Ms, 0, 'f', 2)
                     .arg(s.backend.waitP95Ms, 0, 'f', 2)
                     .arg(s.backend.errors);
    if (!s.transport.kind.empty())
        parts << tr("kafka: %1 produced, %2 consumed, lead max %3/%4, %5 lost, %6 failed")
                     .arg(formatCount(s.transport.produced), formatCount(s.transport.consumed),
                          formatCount(s.transport.maxLead), formatCount(s.transport.leadBound),
                          formatCount(s.transport.lostMessages),
                          formatCount(s.transport.produceFailures));
    return parts.join(QStringLiteral(" · "));
}

}  // namespace stampede::ui
