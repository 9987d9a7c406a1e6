#pragma once
// For tests that run Stampede processes on one Kafka: the standalone mock broker
// (`stampede-cli broker`), a scenario file derived from a seed, and what a run's summary says
// of its topics.

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QString>
#include <QStringList>

#include <functional>

namespace stampede::test {

// Starts `stampede-cli broker` (with `extra` arguments) in `broker`: its bootstrap address, the
// first line it prints, or empty when it did not start within 10 s.
inline QString startBroker(QProcess& broker, const QStringList& extra = {}) {
    broker.start(QStringLiteral(STAMPEDE_CLI_PATH), QStringList{QStringLiteral("broker")} + extra);
    if (!broker.waitForReadyRead(10000)) return {};
    return QString::fromUtf8(broker.readLine()).trimmed();
}

// The last "processed N" a worker printed on stderr (its progress line, once a second).
inline qint64 lastProcessed(const QByteArray& stderrText) {
    const QRegularExpression re(QStringLiteral("processed (\\d+)"));
    qint64 last = 0;
    for (auto it = re.globalMatch(QString::fromUtf8(stderrText)); it.hasNext();)
        last = it.next().captured(1).toLongLong();
    return last;
}

inline void stopBroker(QProcess& broker) {
    broker.terminate();
    if (!broker.waitForFinished(10000)) broker.kill();
}

// The dead-letter topic a Kafka run's summary names ("…; dead letters T; …").
inline QString deadLetterTopicOf(const QJsonObject& summary) {
    return QRegularExpression(QStringLiteral("dead letters (\\S+);"))
        .match(summary.value(QStringLiteral("transport_stats"))
                   .toObject()
                   .value(QStringLiteral("detail"))
                   .toString())
        .captured(1);
}

// simulations/<seed> changed by `change`, written to `path`; returns `path`.
inline QString writeScenario(const QString& seed, const QString& path,
                             const std::function<void(QJsonObject&)>& change) {
    QFile in(QStringLiteral(STAMPEDE_SOURCE_DIR "/simulations/") + seed);
    in.open(QIODevice::ReadOnly);
    QJsonObject s = QJsonDocument::fromJson(in.readAll()).object();
    change(s);
    QFile out(path);
    out.open(QIODevice::WriteOnly);
    out.write(QJsonDocument(s).toJson());
    return path;
}

// seed-003's campaign with `stock` units, fed `rps` requests a second for `overMs`, written to
// `path` (the chaos cases' steady load on a live guard).
inline QString writeConstantLoad(const QString& path, const QString& name, int stock, int rps,
                                 int overMs) {
    return writeScenario(QStringLiteral("seed-003.json"), path, [&](QJsonObject& s) {
        s[QStringLiteral("name")] = name;
        QJsonArray campaigns = s[QStringLiteral("campaigns")].toArray();
        QJsonObject c = campaigns[0].toObject();
        c[QStringLiteral("stock")] = stock;
        campaigns[0] = c;
        s[QStringLiteral("campaigns")] = campaigns;
        s[QStringLiteral("arrivals")] =
            QJsonArray{QJsonObject{{QStringLiteral("campaign"), c[QStringLiteral("id")]},
                                   {QStringLiteral("profile"), QStringLiteral("constant")},
                                   {QStringLiteral("rps"), rps},
                                   {QStringLiteral("over_ms"), overMs}}};
    });
}

}  // namespace stampede::test
