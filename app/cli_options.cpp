#include "cli_options.h"

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <fstream>

namespace stampede::cli {
namespace {

bool parseInteger(const std::string& text, long long& out) {
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc() && end == text.data() + text.size();
}

}  // namespace

std::string usage() {
    return "usage:\n"
           "  stampede-cli run SCENARIO [--pipeline P] [--guard G] [--transport T] [--workers N]\n"
           "                            [--partitions N] [--seed S] [--pace realtime|asap]\n"
           "                            [--json FILE|-] [--quiet]\n"
           "                            [--store sqlite:///PATH | mysql://USER@HOST:PORT/DB]\n"
           "                            [--redis redis://HOST:PORT[/DB]] (redis-* guards)\n"
           "                            [--mysql mysql://USER@HOST:PORT/DB] (mysql-* guards)\n"
           "                            [--kafka HOST:PORT,...] (--transport kafka; default:\n"
           "                            the embedded mock cluster) [--kafka-lead N]\n"
           "                            [--kafka-security plaintext|ssl|sasl_ssl|sasl_plaintext]\n"
           "                            [--kafka-ca CA_FILE] [--kafka-topic-prefix P] (topics\n"
           "                            P.<run>.requests, .dlt, .results and P.runs; default\n"
           "                            stampede; worker and dlq take it too)\n"
           "                            [--kafka-topic T] (one requests topic shared by runs,\n"
           "                            each reading its own part from where T ended)\n"
           "                            [--local-workers N] (N workers here, others may join\n"
           "                            with `stampede-cli worker`)\n"
           "  stampede-cli profiles list|test NAME|set-password NAME|delete-password NAME\n"
           "                            [--profiles FILE] (connection profiles; passwords in the\n"
           "                            system keychain, set-password reads one line of stdin)\n"
           "  (run and worker take --profile NAME, repeatable, for --redis, --mysql, --kafka)\n"
           "  stampede-cli worker --kafka HOST:PORT [--redis URL | --mysql URL] [--json FILE|-]\n"
           "                            (joins the run in progress there; decides until it ends)\n"
           "  stampede-cli broker [--brokers N]  (a standalone mock Kafka cluster; prints its\n"
           "                            bootstrap address first, serves until interrupted)\n"
           "  stampede-cli bench [--requests N] [--workers N] [--json FILE|-]\n"
           "  stampede-cli dlq list [--store URL] [--run ID] [--json FILE|-]\n"
           "  stampede-cli dlq list --kafka HOST:PORT --topic DLT [--json FILE|-]  (a run's\n"
           "                            dead-letter topic, read back, with its replays)\n"
           "  stampede-cli dlq replay --kafka HOST:PORT --topic DLT [--ids ID,...]\n"
           "                            [--rate PER_SECOND] [--redis URL | --mysql URL]\n"
           "                            [--json FILE|-]  (after the run: against its shared\n"
           "                            stock, by user, so never twice)\n"
           "  stampede-cli dlq purge [--store URL] [--run ID] [--ids ID,ID,...]\n"
           "  stampede-cli dlq replay [--store URL] --run ID [--rate PER_SECOND]\n"
           "  stampede-cli aggregate [--store URL] [--run ID] [--bucket second|minute] "
           "[--rebuild]\n"
           "  stampede-cli export [--store URL] [--run ID] --what events|stats\n"
           "                      [--format csv|ndjson] [--out FILE|-]\n"
           "  (passwords come from STAMPEDE_MYSQL_PASSWORD and STAMPEDE_REDIS_PASSWORD, or a\n"
           "   --profile's keychain entry, never the command line)\n"
           "\n"
           "pipelines: sync, decide-at-ingress, decide-in-worker\n"
           "guards:    none, mutex, semaphore, atomic, single-consumer (in memory);\n"
           "           redis-lua, redis-lock, redis-naive (Redis, --redis);\n"
           "           mysql-pessimistic, mysql-atomic, mysql-optimistic (MySQL/MariaDB, --mysql)\n"
           "exit status: 0 completed run, 2 bad input, 1 internal failure\n";
}

std::optional<CliOptions> parseCli(int argc, char** argv, std::string& error) {
    CliOptions o;
    if (argc < 2) {
        error = "no command given";
        return std::nullopt;
    }
    o.command = argv[1];
    for (int i = 2; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg.rfind("--", 0) != 0 || arg == "-") {
            o.positional.push_back(arg);
            continue;
        }
        if (arg == "--quiet") {
            o.quiet = true;
            continue;
        }
        if (arg == "--rebuild") {
            o.rebuild = true;
            continue;
        }
        if (i + 1 >= argc) {
            error = arg + ": missing value";
            return std::nullopt;
        }
        const std::string value = argv[++i];
        auto integer = [&](std::optional<long long>& slot, long long min, long long max) {
            long long v = 0;
            if (!parseInteger(value, v) || v < min || v > max) {
                error = arg + ": expected an integer in [" + std::to_string(min) + ", " +
                        std::to_string(max) + "], got '" + value + "'";
                return false;
            }
            slot = v;
            return true;
        };
        bool ok = true;
        if (arg == "--pipeline")
            o.pipeline = value;
        else if (arg == "--guard")
            o.guard = value;
        else if (arg == "--transport")
            o.transport = value;
        else if (arg == "--pace")
            o.pace = value;
        else if (arg == "--json")
            o.json = value;
        else if (arg == "--store")
            o.store = value;
        else if (arg == "--bucket")
            o.bucket = value;
        else if (arg == "--redis")
            o.redis = value;
        else if (arg == "--mysql")
            o.mysql = value;
        else if (arg == "--kafka")
            o.kafka = value;
        else if (arg == "--topic")
            o.topic = value;
        else if (arg == "--profile")
            o.profileNames.push_back(value);
        else if (arg == "--profiles")
            o.profilesFile = value;
        else if (arg == "--kafka-security")
            o.kafkaSecurity = value;
        else if (arg == "--kafka-ca")
            o.kafkaCa = value;
        else if (arg == "--kafka-topic-prefix")
            o.kafkaTopicPrefix = value;
        else if (arg == "--kafka-topic")
            o.kafkaTopic = value;
        else if (arg == "--kafka-lead")
            ok = integer(o.kafkaLead, 0, 10'000'000);
        else if (arg == "--local-workers")
            ok = integer(o.localWorkers, 0, 256);
        else if (arg == "--brokers")
            ok = integer(o.brokers, 1, 9);
        else if (arg == "--what")
            o.what = value;
        else if (arg == "--format")
            o.format = value;
        else if (arg == "--out")
            o.out = value;
        else if (arg == "--event-sampling") {
            char* end = nullptr;
            const double r = std::strtod(value.c_str(), &end);
            ok = end && *end == '\0' && r >= 0 && r <= 1;
            if (ok)
                o.eventSampling = r;
            else
                error = arg + ": expected a share in [0, 1], got '" + value + "'";
        } else if (arg == "--ids")
            o.ids = value;
        else if (arg == "--run")
            ok = integer(o.run, 1, (1LL << 62));
        else if (arg == "--rate") {
            char* end = nullptr;
            const double r = std::strtod(value.c_str(), &end);
            ok = end && *end == '\0' && r >= 0 && r < 1e9;
            if (ok)
                o.rate = r;
            else
                error = arg + ": expected a number of entries per second >= 0, got '" + value + "'";
        } else if (arg == "--workers")
            ok = integer(o.workers, 1, 256);
        else if (arg == "--partitions")
            ok = integer(o.partitions, 1, 1024);
        else if (arg == "--seed")
            ok = integer(o.seed, 0, (1LL << 62));
        else if (arg == "--requests")
            ok = integer(o.requests, 1, 100'000'000);
        else {
            error = arg + ": unknown option";
            return std::nullopt;
        }
        if (!ok) return std::nullopt;
    }
    return o;
}

bool writeOutput(const std::string& target, const std::string& text, std::string& error) {
    if (target == "-") {
        std::fwrite(text.data(), 1, text.size(), stdout);
        std::fflush(stdout);
        return true;
    }
    std::ofstream out(target, std::ios::binary | std::ios::trunc);
    if (!out || !(out << text) || !out.flush()) {
        error = target + ": cannot write the JSON summary";
        return false;
    }
    return true;
}

}  // namespace stampede::cli
