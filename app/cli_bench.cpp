// `stampede-cli bench`: the 1,000,000-user spike through the full engine (decide-in-worker,
// atomic, inproc, every metric on, arrivals fed as fast as taken), then, in the same process and
// on the same requests, the raw floor (bench::measureFloor): one loop doing only the idempotency
// insert and the CAS decrement. Prints both and their ratio, the engine's peak memory per
// admitted request, and the processor they ran on.

#include <QJsonDocument>
#include <QJsonObject>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <thread>

#include "cli_commands.h"
#include "stampede/bench/floor.h"
#include "stampede/engine.h"

namespace stampede::cli {
namespace {

// Resident-set figures of this process from /proc/self/status, in bytes.
long long procStatusBytes(const char* field) {
    std::ifstream in("/proc/self/status");
    std::string key;
    long long kb = 0;
    std::string unit;
    while (in >> key) {
        if (key == field) {
            in >> kb >> unit;
            return kb * 1024;
        }
        std::getline(in, unit);
    }
    return 0;
}

// Resets VmHWM to the current RSS, so the peak measured next is the engine's own.
void resetPeakRss() {
    std::ofstream clear("/proc/self/clear_refs");
    clear << "5";
}

sim::Scenario benchScenario(long long requests, int workers) {
    sim::Scenario s;
    s.name = "bench: " + std::to_string(requests) + "-user spike";
    s.seed = 42;
    core::Campaign c;
    c.id = "bench";
    c.name = "Bench drop";
    c.stock = requests / 10;
    s.campaigns.push_back(c);
    sim::ArrivalSpec a;
    a.campaign = "bench";
    a.profile = sim::Profile::Spike;
    a.users = requests;
    a.overMs = 1000;
    s.arrivals.push_back(a);
    s.run.pipeline = core::Pipeline::DecideInWorker;
    s.run.guard = "atomic";
    s.run.transport = core::Transport::Inproc;
    s.run.workers = workers;
    s.run.partitions = workers;
    s.run.pace = core::Pace::Asap;
    return s;
}

}  // namespace

int benchCommand(const CliOptions& o) {
    if (!outputsCanBeWritten(o, "bench")) return kExitBadInput;
    const long long requests = o.requests.value_or(1'000'000);
    // One core feeds the ingress; the others work. On this 2-core machine: one worker.
    const int cores = static_cast<int>(std::max(2u, std::thread::hardware_concurrency()));
    const int workers = static_cast<int>(o.workers.value_or(cores - 1));
    const sim::Scenario scenario = benchScenario(requests, workers);

    resetPeakRss();
    const long long rssBefore = procStatusBytes("VmRSS:");
    std::shared_ptr<const Snapshot> snapshot;
    {
        Engine engine;
        StartOptions options;
        options.snapshotInterval = std::chrono::milliseconds(5);
        const StartResult started = engine.start(scenario, options);
        if (!started.ok()) {
            std::fprintf(stderr, "stampede-cli bench: %s\n", started.error.c_str());
            return kExitInternal;
        }
        engine.waitForEnd(std::chrono::hours(1));
        snapshot = engine.snapshot();
    }
    const long long peak = procStatusBytes("VmHWM:");

    const bench::BenchFloorResult floor = bench::measureFloor(scenario);
    const std::string cpu = bench::processorModel();

    const double engineRps = static_cast<double>(snapshot->requests) / snapshot->wallS;
    const double floorRps = static_cast<double>(floor.requests) / floor.seconds;
    const double perRequest = static_cast<double>(peak - rssBefore) /
                              static_cast<double>(std::max<long long>(1, snapshot->admitted));
    const bool correct = snapshot->issued == floor.issued && snapshot->overIssued == 0 &&
                         snapshot->finals == snapshot->admitted;

    QJsonObject json;
    json[QStringLiteral("requests")] = static_cast<qint64>(snapshot->requests);
    json[QStringLiteral("engine_rps")] = engineRps;
    json[QStringLiteral("floor_rps")] = floorRps;
    json[QStringLiteral("ratio")] = engineRps / floorRps;
    json[QStringLiteral("peak_bytes_per_request")] = perRequest;
    json[QStringLiteral("engine_wall_s")] = snapshot->wallS;
    json[QStringLiteral("floor_wall_s")] = floor.seconds;
    json[QStringLiteral("workers")] = workers;
    json[QStringLiteral("issued")] = static_cast<qint64>(snapshot->issued);
    json[QStringLiteral("stock")] = static_cast<qint64>(snapshot->stock);
    json[QStringLiteral("e2e_p99_ms")] =
        static_cast<double>(snapshot->endToEnd.percentile(0.99)) / 1e6;
    json[QStringLiteral("correct")] = correct;
    json[QStringLiteral("cpu")] = QString::fromStdString(cpu.empty() ? "unknown" : cpu);

    const bool jsonToStdout = o.json && *o.json == "-";
    std::FILE* human = jsonToStdout ? stderr : stdout;
    std::fprintf(human,
                 "engine  %lld requests in %.3f s: %.0f req/s (decide-in-worker, atomic, inproc, "
                 "%d workers)\n"
                 "floor   %zu requests in %.3f s: %.0f req/s (idempotency insert + CAS only)\n"
                 "ratio   %.1f %% of the floor\n"
                 "memory  %.1f bytes peak per admitted request\n"
                 "check   issued %lld of stock %lld, over-issued %lld: %s\n"
                 "cpu     %s\n",
                 static_cast<long long>(snapshot->requests), snapshot->wallS, engineRps, workers,
                 floor.requests, floor.seconds, floorRps, 100.0 * engineRps / floorRps, perRequest,
                 static_cast<long long>(snapshot->issued), static_cast<long long>(snapshot->stock),
                 static_cast<long long>(snapshot->overIssued), correct ? "correct" : "WRONG",
                 cpu.empty() ? "unknown" : cpu.c_str());
    if (o.json) {
        std::string error;
        if (!writeOutput(*o.json, QJsonDocument(json).toJson().toStdString(), error)) {
            std::fprintf(stderr, "stampede-cli: %s\n", error.c_str());
            return kExitInternal;
        }
    }
    return correct ? kExitOk : kExitInternal;
}

}  // namespace stampede::cli
