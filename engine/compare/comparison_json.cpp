#include "stampede/compare/comparison_json.h"

#include <QFile>
#include <QJsonArray>

#include <thread>

#include "stampede/report/summary_json.h"

namespace stampede::compare {

MachineInfo thisMachine() {
    MachineInfo m;
    m.cores = static_cast<int>(std::thread::hardware_concurrency());
    QFile cpuinfo(QStringLiteral("/proc/cpuinfo"));
    if (!cpuinfo.open(QIODevice::ReadOnly)) return m;
    for (const QByteArray& line : cpuinfo.readAll().split('\n'))
        if (line.startsWith("model name")) {
            const int colon = line.indexOf(':');
            if (colon >= 0) m.cpu = line.mid(colon + 1).trimmed().toStdString();
            break;
        }
    return m;
}

QJsonObject laneJson(const LaneResult& lane) {
    QJsonObject o = lane.snapshot ? report::summaryJson(*lane.snapshot) : QJsonObject{};
    o[QStringLiteral("lane")] = QString::fromStdString(lane.label);
    o[QStringLiteral("lane_status")] = QString::fromLatin1(toString(lane.status).data());
    o[QStringLiteral("skipped")] = lane.status == LaneStatus::Skipped
                                       ? QJsonValue(QString::fromStdString(lane.skipped))
                                       : QJsonValue(QJsonValue::Null);
    // A skipped lane still says what it was.
    const LaneConfig& c = lane.config;
    if (!lane.snapshot) {
        if (c.guard) o[QStringLiteral("guard")] = QString::fromStdString(*c.guard);
        if (c.pipeline)
            o[QStringLiteral("pipeline")] = QString::fromLatin1(core::toString(*c.pipeline).data());
        if (c.transport)
            o[QStringLiteral("transport")] =
                QString::fromLatin1(core::toString(*c.transport).data());
    }
    return o;
}

QJsonObject comparisonJson(const ComparisonSpec& spec, const std::vector<LaneResult>& lanes,
                           const std::string& version) {
    QJsonArray out;
    for (const LaneResult& lane : lanes) out.append(laneJson(lane));
    const MachineInfo machine = thisMachine();
    return {{QStringLiteral("scenario"), QString::fromStdString(spec.scenario.name)},
            {QStringLiteral("seed"), QString::number(spec.scenario.seed)},
            {QStringLiteral("concurrent"), spec.concurrent},
            {QStringLiteral("machine"),
             QJsonObject{{QStringLiteral("cpu"), QString::fromStdString(machine.cpu)},
                         {QStringLiteral("cores"), machine.cores}}},
            {QStringLiteral("stampede_version"), QString::fromStdString(version)},
            {QStringLiteral("lanes"), out}};
}

}  // namespace stampede::compare
