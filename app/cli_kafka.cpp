// `stampede-cli broker`: librdkafka's mock cluster served standalone, so several Stampede
// processes (and kcat) can share one Kafka without an installed broker. The bootstrap address is
// the first line of the output; it serves until SIGINT or SIGTERM.
// `stampede-cli worker`: joins the run in progress on a cluster and decides until it ends.

#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>

#include <unistd.h>

#include <QJsonDocument>
#include <QJsonObject>

#include "cli_commands.h"
#include "cli_live.h"
#include "cli_signals.h"
#include "stampede/backends/kafka/mock_cluster.h"
#include "stampede/backends/kafka/remote_worker.h"
#include "stampede/live/start_options.h"

namespace stampede::cli {

int brokerCommand(const CliOptions& o) {
    std::string error;
    const int brokers = static_cast<int>(o.brokers.value_or(3));
    auto mock = backends::kafka::MockCluster::start(brokers, error);
    if (!mock) {
        std::fprintf(stderr, "stampede-cli broker: %s\n", error.c_str());
        return kExitInternal;
    }
    catchStopSignals();
    std::printf("%s\n", mock->bootstrap().c_str());
    std::fflush(stdout);
    std::fprintf(stderr,
                 "mock Kafka cluster: %d brokers at %s (topics are created on first use);\n"
                 "Ctrl+C stops it. Its log keeps about 100,000 messages per partition.\n",
                 brokers, mock->bootstrap().c_str());
    while (!stopSignalled().load()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    return kExitOk;
}

int workerCommand(const CliOptions& o) {
    const auto systems = liveSystemsOrReport(o, "worker");
    if (!systems) return kExitBadInput;
    if (systems->kafka.bootstrap.empty()) {
        std::fprintf(stderr,
                     "stampede-cli worker: --kafka BOOTSTRAP is required (the cluster "
                     "of the run to join)\n");
        return kExitBadInput;
    }
    std::string error;
    backends::kafka::RemoteWorkerOptions options;
    options.settings = systems->kafka;
    options.guards = live::liveGuardFactory(*systems);
    options.workerId = static_cast<std::uint16_t>(::getpid());
    const bool jsonToStdout = o.json && *o.json == "-";
    if (!o.quiet)
        options.progress = [](const backends::kafka::RemoteWorkerReport& r) {
            std::fprintf(stderr,
                         "worker: run %s, processed %lld (succeeded %lld, issued before %lld, "
                         "sold out %lld, failed %lld)\n",
                         r.runKey.c_str(), static_cast<long long>(r.processed),
                         static_cast<long long>(r.succeeded),
                         static_cast<long long>(r.issuedBefore), static_cast<long long>(r.soldOut),
                         static_cast<long long>(r.failed));
        };
    catchStopSignals();
    backends::kafka::RemoteWorkerReport report;
    if (!backends::kafka::runRemoteWorker(options, stopSignalled(), report, error)) {
        std::fprintf(stderr, "stampede-cli worker: %s\n", error.c_str());
        return kExitBadInput;
    }
    if (!o.quiet && !jsonToStdout)
        std::fprintf(stderr, "worker: run %s done, processed %lld\n", report.runKey.c_str(),
                     static_cast<long long>(report.processed));
    if (o.json) {
        const QJsonObject j{{QStringLiteral("run_key"), QString::fromStdString(report.runKey)},
                            {QStringLiteral("guard"), QString::fromStdString(report.guard)},
                            {QStringLiteral("processed"), qint64(report.processed)},
                            {QStringLiteral("succeeded"), qint64(report.succeeded)},
                            {QStringLiteral("issued_before"), qint64(report.issuedBefore)},
                            {QStringLiteral("sold_out"), qint64(report.soldOut)},
                            {QStringLiteral("lottery_lost"), qint64(report.lotteryLost)},
                            {QStringLiteral("failed"), qint64(report.failed)},
                            {QStringLiteral("retries"), qint64(report.retries)}};
        if (!writeOutput(*o.json, QJsonDocument(j).toJson().toStdString(), error)) {
            std::fprintf(stderr, "stampede-cli worker: %s\n", error.c_str());
            return kExitInternal;
        }
    }
    return kExitOk;
}

}  // namespace stampede::cli
