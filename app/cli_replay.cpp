// `stampede-cli replay CAPTURE`: a capture's requests played through one configuration by the
// engine's submit(), at their original timing (scaled by --speed), a fixed --rate, or as fast as
// taken (--rate max); looped, filtered, campaigns renamed. The capture is read once first, so a
// bad record is bad input (exit 2) before anything is sent. The summary is run's, plus `replay`:
// what was sent and how late against the schedule.

#include <QJsonDocument>
#include <QJsonObject>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <future>

#include "cli_capture_options.h"
#include "cli_commands.h"
#include "cli_live.h"
#include "cli_signals.h"
#include "stampede/capture/capture_info.h"
#include "stampede/capture/capture_replay.h"
#include "stampede/engine.h"
#include "stampede/live/run_persistence.h"
#include "stampede/live/start_options.h"
#include "stampede/report/summary_json.h"

namespace stampede::cli {
namespace {

std::vector<std::string> splitList(const std::string& text) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= text.size()) {
        const std::size_t comma = text.find(',', start);
        const std::string item = text.substr(start, comma - start);
        if (!item.empty()) out.push_back(item);
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    return out;
}

std::optional<capture::ReplayOptions> replayOptionsFrom(const CliOptions& o, std::string& error) {
    capture::ReplayOptions r;
    if (o.speed && o.replayRate) {
        error = "--speed and --rate exclude each other (a speed scales the original timing)";
        return std::nullopt;
    }
    r.speed = o.speed.value_or(1.0);
    if (o.replayRate) {
        if (*o.replayRate == "max") {
            r.rate = 0.0;
        } else {
            try {
                std::size_t used = 0;
                r.rate = std::stod(*o.replayRate, &used);
                if (used != o.replayRate->size() || !(*r.rate > 0) || *r.rate > 1e9)
                    throw std::invalid_argument("rate");
            } catch (const std::exception&) {
                error =
                    "--rate: expected requests per second > 0, or max, got '" + *o.replayRate + "'";
                return std::nullopt;
            }
        }
    }
    r.loops = static_cast<int>(o.loops.value_or(1));
    if (o.campaignFilter) r.campaigns = splitList(*o.campaignFilter);
    r.userPattern = o.userPattern.value_or("");
    if (o.fromMs) r.fromUs = static_cast<std::int64_t>(*o.fromMs * 1000);
    if (o.toMs) r.toUs = static_cast<std::int64_t>(*o.toMs * 1000);
    if (o.mapCampaign && !capture::parseCampaignMap(*o.mapCampaign, r.mapCampaign, error)) {
        error = "--map-campaign: " + error;
        return std::nullopt;
    }
    return r;
}

std::string renamed(const capture::ReplayOptions& r, const std::string& id) {
    for (const auto& [from, to] : r.mapCampaign)
        if (id == from) return to;
    return id;
}

// The run's campaigns: the scenario's (its arrivals dropped), or the capture's with --stock.
std::optional<sim::Scenario> replayScenario(const CliOptions& o, const capture::CaptureInfo& info,
                                            const capture::ReplayOptions& r, std::string& error) {
    sim::Scenario s;
    if (o.scenario) {
        const sim::ScenarioLoad load = sim::loadScenarioFile(*o.scenario);
        if (!load.ok()) {
            error = load.error.toString();
            return std::nullopt;
        }
        s = *load.scenario;
        s.arrivals.clear();
        s.clients = {};
    } else {
        if (!o.stock) {
            error =
                "give --scenario FILE for the campaigns, or --stock N to make each of the "
                "capture's campaigns with N units";
            return std::nullopt;
        }
        s.name = "replay of " + o.positional.front();
        for (const auto& c : info.campaigns) {
            const std::string id = renamed(r, c.id);
            if (s.campaignIndex(id) >= 0) continue;
            core::Campaign campaign;
            campaign.id = campaign.name = id;
            campaign.stock = *o.stock;
            s.campaigns.push_back(campaign);
        }
        if (s.campaigns.empty()) {
            error = o.positional.front() + ": the capture holds no requests to make campaigns of";
            return std::nullopt;
        }
    }
    if (!applyOverrides(o, s, error)) return std::nullopt;
    return s;
}

class EngineTarget final : public capture::ReplayTarget {
public:
    explicit EngineTarget(Engine& engine) : m_engine(engine) {}
    SubmitResult submit(const Submission& s) override { return m_engine.submit(s); }

private:
    Engine& m_engine;
};

QJsonObject replayJson(const CliOptions& o, const capture::ReplayOptions& r,
                       const capture::ReplayReport& rep, bool dryRun, bool arrivalList = false) {
    QJsonObject j;
    // How the requests went in: submit() one by one, or the run's own arrival list.
    j[QStringLiteral("path")] =
        arrivalList ? QStringLiteral("arrival-list") : QStringLiteral("submit");
    j[QStringLiteral("capture")] = QString::fromStdString(o.positional.front());
    j[QStringLiteral("dry_run")] = dryRun;
    j[dryRun ? QStringLiteral("would_send") : QStringLiteral("sent")] = qint64(rep.sent);
    if (!dryRun) {
        j[QStringLiteral("accepted")] = qint64(rep.accepted);
        j[QStringLiteral("duplicates_submitted")] = qint64(rep.duplicates);
        j[QStringLiteral("refused")] = qint64(rep.refused);
        j[QStringLiteral("wall_s")] = rep.wallS;
        j[QStringLiteral("rps")] = rep.wallS > 0 ? double(rep.sent) / rep.wallS : 0.0;
        if (arrivalList) {
            j[QStringLiteral("engine_extra_s")] = rep.engineExtraS;
            j[QStringLiteral("total_s")] = rep.wallS + rep.engineExtraS;
        }
    }
    j[QStringLiteral("unmatched")] = qint64(rep.unmatched);
    j[QStringLiteral("filtered")] = qint64(rep.filtered);
    j[QStringLiteral("late_in_file")] = qint64(rep.lateInFile);
    j[QStringLiteral("loops")] = rep.loopsDone;
    j[QStringLiteral("speed")] = r.speed;
    j[QStringLiteral("rate")] =
        r.rate ? (*r.rate > 0 ? QJsonValue(*r.rate) : QJsonValue(QStringLiteral("max")))
               : QJsonValue();
    j[QStringLiteral("scheduled_s")] = rep.scheduledS;
    j[QStringLiteral("peak_per_second")] = qint64(rep.peakPerSecond);
    j[QStringLiteral("peak_per_ms")] = qint64(rep.peakPerMs);
    j[QStringLiteral("cancelled")] = rep.cancelled;
    if (!dryRun && rep.timed && rep.lateness.count()) {
        QJsonObject l;
        l[QStringLiteral("p50")] = double(rep.lateness.percentile(0.50)) / 1e6;
        l[QStringLiteral("p99")] = double(rep.lateness.percentile(0.99)) / 1e6;
        l[QStringLiteral("max")] = double(rep.lateness.max()) / 1e6;
        j[QStringLiteral("lateness_ms")] = l;
    } else {
        j[QStringLiteral("lateness_ms")] = QJsonValue();
    }
    return j;
}

std::string replayText(const capture::ReplayReport& rep, bool dryRun) {
    char buf[512];
    if (dryRun) {
        std::snprintf(buf, sizeof buf,
                      "dry run   would send %lld requests over %.3f s (peak %lld/s, %lld/ms); "
                      "unmatched %lld, filtered %lld\n",
                      static_cast<long long>(rep.sent), rep.scheduledS,
                      static_cast<long long>(rep.peakPerSecond),
                      static_cast<long long>(rep.peakPerMs), static_cast<long long>(rep.unmatched),
                      static_cast<long long>(rep.filtered));
        return buf;
    }
    std::string t;
    std::snprintf(buf, sizeof buf,
                  "replay    sent %lld in %.3f s (%.0f/s): accepted %lld, duplicates %lld, "
                  "refused %lld; unmatched %lld, filtered %lld%s\n",
                  static_cast<long long>(rep.sent), rep.wallS,
                  rep.wallS > 0 ? double(rep.sent) / rep.wallS : 0.0,
                  static_cast<long long>(rep.accepted), static_cast<long long>(rep.duplicates),
                  static_cast<long long>(rep.refused), static_cast<long long>(rep.unmatched),
                  static_cast<long long>(rep.filtered), rep.cancelled ? " (cancelled)" : "");
    t += buf;
    if (rep.engineExtraS > 0) {
        std::snprintf(buf, sizeof buf,
                      "          (reading the capture and the run; the engine's set-up and "
                      "end-of-run audit took %.3f s more)\n",
                      rep.engineExtraS);
        t += buf;
    }
    if (rep.timed && rep.lateness.count()) {
        std::snprintf(buf, sizeof buf,
                      "lateness  p50 %.3f ms  p99 %.3f ms  max %.3f ms against the schedule\n",
                      double(rep.lateness.percentile(0.5)) / 1e6,
                      double(rep.lateness.percentile(0.99)) / 1e6,
                      double(rep.lateness.max()) / 1e6);
        t += buf;
    }
    if (rep.refused) t += "refused   the first: " + rep.firstRefusal + "\n";
    return t;
}

int fail(const std::string& message, int code = kExitBadInput) {
    std::fprintf(stderr, "stampede-cli replay: %s\n", message.c_str());
    return code;
}

// --store: the replayed run is persisted as a run's is (its row, coupons, events, dead letters),
// from its start; null when there is no store. `error` when the persistence could not begin.
std::unique_ptr<live::RunPersistence> beginStore(const CliOptions& o,
                                                 const live::LiveSystems& systems, Engine& engine,
                                                 const sim::Scenario& scenario,
                                                 std::string& error) {
    if (!systems.store) return nullptr;
    auto sink = live::RunPersistence::begin(engine, *systems.store, scenario,
                                            o.eventSampling.value_or(1.0), error);
    if (sink && !o.quiet)
        std::fprintf(stderr, "store: run %lld in %s\n", static_cast<long long>(sink->runId()),
                     sink->url().toString().c_str());
    return sink;
}

// The run's end in the store; false (said) when not everything reached it.
bool finishStore(live::RunPersistence* sink, const Snapshot& snapshot, QJsonObject& summary,
                 std::string& text) {
    if (!sink) return true;
    const live::RunPersistence::Outcome outcome = sink->finish(snapshot, summary);
    if (!outcome.complete) std::fprintf(stderr, "stampede-cli replay: %s\n", outcome.error.c_str());
    text += "store     " + sink->url().toString() + " run " + std::to_string(sink->runId()) + ": " +
            std::to_string(outcome.stats.rowsWritten) + " coupons written\n";
    return outcome.complete;
}

int replayArrivalList(const CliOptions& o, const live::LiveSystems& systems, sim::Scenario scenario,
                      const capture::ReplayOptions& options, std::vector<GivenArrival> list,
                      capture::ReplayReport rep) {
    scenario.run.pace = core::Pace::Asap;
    Engine engine;
    StartOptions start = live::startOptionsFor(scenario.run, systems);
    start.arrivals = std::make_shared<const std::vector<GivenArrival>>(std::move(list));
    const auto began = std::chrono::steady_clock::now();
    if (const StartResult started = engine.start(scenario, start); !started.ok())
        return fail(started.error);
    std::string error;
    const auto sink = beginStore(o, systems, engine, scenario, error);
    if (systems.store && !sink) {
        engine.stop();
        engine.waitForEnd(std::chrono::seconds(30));
        return fail(error, kExitInternal);
    }
    catchStopSignals();
    bool stopping = false;
    while (!engine.waitForEnd(std::chrono::milliseconds(250)))
        if (stopSignalled().load() && !stopping) {
            engine.stop();
            stopping = true;
        }
    const double engineS =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
    const auto snapshot = engine.snapshot();
    if (!snapshot || snapshot->finals != snapshot->admitted)
        return fail("internal error: the run ended with unfinished requests", kExitInternal);
    // The run timed as `bench` times it, so that the two figures compare; the rest is said apart.
    rep.wallS += snapshot->wallS;
    rep.engineExtraS = std::max(0.0, engineS - snapshot->wallS);
    rep.sent = snapshot->arrivalsFed;
    rep.cancelled = stopping;
    rep.accepted = snapshot->admitted;
    rep.duplicates = snapshot->duplicates;
    QJsonObject summary = report::summaryJson(*snapshot);
    summary[QStringLiteral("replay")] = replayJson(o, options, rep, false, true);
    const bool jsonToStdout = o.json && *o.json == "-";
    std::string text = report::summaryText(*snapshot) + replayText(rep, false);
    const bool persisted = finishStore(sink.get(), *snapshot, summary, text);
    if (!o.quiet) std::fputs(text.c_str(), jsonToStdout ? stderr : stdout);
    if (!persisted) return kExitInternal;
    if (o.json && !writeOutput(*o.json, QJsonDocument(summary).toJson().toStdString(), error))
        return fail(error, kExitInternal);
    return kExitOk;
}

}  // namespace

int replayCommand(const CliOptions& o) {
    if (!outputsCanBeWritten(o, "replay")) return kExitBadInput;
    const auto systems = liveSystemsOrReport(o, "replay");
    if (!systems) return kExitBadInput;
    if (o.positional.size() != 1) return fail("expected exactly one CAPTURE file");
    std::string error;
    auto readerOptions = readerOptionsFrom(o, error);
    if (!readerOptions) return fail(error);
    const auto options = replayOptionsFrom(o, error);
    if (!options) return fail(error);
    const std::string& path = o.positional.front();
    // A bad store is bad input before anything is read or sent, as for run.
    if (systems->store && !live::checkStore(*systems->store, error)) return fail("store: " + error);

    // One pass first: the whole capture is checked (and its campaigns known) before anything is
    // sent. A scenario's only campaign is where `POST /api/event/apply` requests go.
    if (o.scenario) {
        const sim::ScenarioLoad load = sim::loadScenarioFile(*o.scenario);
        if (!load.ok()) return fail(load.error.toString());
        if (load.scenario->campaigns.size() == 1)
            readerOptions->defaultCampaign = load.scenario->campaigns.front().id;
    }
    // As fast as taken into a scenario's campaigns, with scenario user numbers: the run's own
    // arrival list, played by the engine's feeders, costs no submit() per request (see
    // capture_replay.h). Planning it reads and checks the whole capture before anything is
    // sent, so it needs no pass of its own first.
    const bool maxRate = options->rate && *options->rate <= 0 && !o.record && !o.dryRun;
    // The replay's exit code, or nullopt when the capture is not a list of scenario users.
    const auto asArrivalList = [&](const sim::Scenario& scenario) -> std::optional<int> {
        capture::ReplayReport rep;
        std::vector<std::string> ids;
        for (const auto& c : scenario.campaigns) ids.push_back(c.id);
        if (auto list = capture::plannedArrivals(path, *readerOptions, *options, ids, rep))
            return replayArrivalList(o, *systems, scenario, *options, std::move(*list), rep);
        if (!rep.error.empty()) return fail(rep.error.toString());
        return std::nullopt;
    };
    if (maxRate && o.scenario) {
        const auto scenario = replayScenario(o, {}, *options, error);
        if (!scenario) return fail(error);
        if (const auto done = asArrivalList(*scenario)) return *done;
    }
    capture::CaptureError openError;
    auto reader = capture::openCapture(path, *readerOptions, openError);
    if (!reader) return fail(openError.toString());
    capture::CaptureInfo info;
    info.file = path;
    if (!capture::summariseCapture(*reader, info)) return fail(reader->error().toString());
    reader.reset();

    const auto scenario = replayScenario(o, info, *options, error);
    if (!scenario) return fail(error);
    capture::ReplayControl control;
    if (o.dryRun) {
        const capture::ReplayReport rep =
            capture::replayCapture(path, *readerOptions, *options, nullptr, control);
        if (!rep.filterError.empty()) return fail(rep.filterError);
        if (!o.quiet && !(o.json && *o.json == "-"))
            std::fputs(replayText(rep, true).c_str(), stdout);
        if (o.json) {
            QJsonObject summary;
            summary[QStringLiteral("replay")] = replayJson(o, *options, rep, true);
            if (!writeOutput(*o.json, QJsonDocument(summary).toJson().toStdString(), error))
                return fail(error, kExitInternal);
        }
        return kExitOk;
    }

    // As fast as taken into the capture's own campaigns (--stock): the arrival list too.
    if (maxRate && !o.scenario)
        if (const auto done = asArrivalList(*scenario)) return *done;
    sim::Scenario submitted = *scenario;
    live::keepLotteriesOpenUntilStopped(submitted);

    std::unique_ptr<capture::CaptureWriter> recording;
    if (o.record) {
        recording = capture::CaptureWriter::create(*o.record,
                                                   writerOptionsFrom(o, "replay " + path), error);
        if (!recording) return fail("--record: " + error);
    }
    Engine engine;
    StartOptions start = live::startOptionsFor(submitted.run, *systems);
    start.keepOpen = true;  // the requests come from submit(), until the replay stops the run
    if (const StartResult started = engine.start(submitted, start); !started.ok()) {
        if (recording) {  // nothing was sent, so nothing is left recorded
            recording.reset();
            std::remove(o.record->c_str());
        }
        return fail(started.error);
    }
    const auto sink = beginStore(o, *systems, engine, submitted, error);
    if (systems->store && !sink) {
        engine.stop();
        engine.waitForEnd(std::chrono::seconds(30));
        return fail(error, kExitInternal);
    }

    catchStopSignals();
    EngineTarget target(engine);
    auto done = std::async(std::launch::async, [&] {
        return capture::replayCapture(path, *readerOptions, *options, &target, control,
                                      recording.get());
    });
    const bool jsonToStdout = o.json && *o.json == "-";
    const bool showProgress = !o.quiet && !jsonToStdout;
    while (done.wait_for(std::chrono::milliseconds(250)) != std::future_status::ready) {
        if (stopSignalled().load()) control.cancel.store(true);
        if (showProgress)
            std::fprintf(stderr, "\rreplaying  sent %lld/%lld ",
                         static_cast<long long>(control.sent.load()),
                         static_cast<long long>(info.requests * options->loops));
    }
    const capture::ReplayReport rep = done.get();
    if (showProgress) std::fprintf(stderr, "\r%60s\r", "");
    engine.stop();  // no more requests; what was admitted drains to a final state
    while (!engine.waitForEnd(std::chrono::milliseconds(250))) {
    }
    if (recording && !recording->finish(rep.cancelled ? "interrupted" : "complete"))
        return fail("--record: " + recording->error(), kExitInternal);
    if (!rep.filterError.empty()) return fail(rep.filterError);
    if (!rep.error.empty()) return fail(rep.error.toString());
    const auto snapshot = engine.snapshot();
    if (!snapshot || snapshot->finals != snapshot->admitted)
        return fail("internal error: the run ended with unfinished requests", kExitInternal);
    QJsonObject summary = report::summaryJson(*snapshot);
    summary[QStringLiteral("replay")] = replayJson(o, *options, rep, false);
    std::string text = report::summaryText(*snapshot) + replayText(rep, false);
    const bool persisted = finishStore(sink.get(), *snapshot, summary, text);
    if (!o.quiet) std::fputs(text.c_str(), jsonToStdout ? stderr : stdout);
    if (!persisted) return kExitInternal;
    if (o.json && !writeOutput(*o.json, QJsonDocument(summary).toJson().toStdString(), error))
        return fail(error, kExitInternal);
    return kExitOk;
}

}  // namespace stampede::cli
