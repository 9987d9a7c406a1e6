#include "stampede/live/start_options.h"

#include "backends/kafka/kafka_transport.h"
#include "backends/mysql/mysql_guard.h"
#include "backends/redis/redis_guard.h"
#include "stampede/guards/guard.h"
#include "stampede/guards/guard_registry.h"

namespace stampede::live {

// A live guard needs its system configured: no guard falls back to a server that happens to
// listen on a default port (one rule for Redis and MySQL, said with where to configure it).
GuardFactory liveGuardFactory(const LiveSystems& systems, int dbPool) {
    return [redis = systems.redis, mysql = systems.mysql, dbPool](
               std::string_view name, std::string& error) -> std::unique_ptr<guards::Guard> {
        const guards::GuardInfo* info = guards::findGuard(name);
        const bool isRedis = info && info->family == guards::GuardFamily::Redis;
        if (!info || (!isRedis && info->family != guards::GuardFamily::MySql)) {
            error = "guard '" + std::string(name) + "' is not a live guard (" +
                    guards::guardNames(guards::GuardFamily::Redis) + ", " +
                    guards::guardNames(guards::GuardFamily::MySql) + ")";
            return nullptr;
        }
        if (isRedis ? !redis : !mysql) {
            const char* flag = isRedis ? "--redis" : "--mysql";
            const char* variable = isRedis ? "STAMPEDE_REDIS" : "STAMPEDE_MYSQL";
            const char* form =
                isRedis ? "redis://[USER@]HOST:PORT[/DB]" : "mysql://USER@HOST:PORT/DB";
            error = "guard '" + std::string(name) + "' needs " + std::string(info->needs()) + " (" +
                    form + "): give " + flag + " to stampede-cli, " + variable +
                    " to the console, or a connection profile (--profile, or the console's "
                    "Edit > Connection profiles, \"Use for runs\")";
            return nullptr;
        }
        if (isRedis) return backends::redis::makeRedisGuard(name, *redis, error);
        return backends::mysql::makeMySqlGuard(name, *mysql, error, dbPool);
    };
}

StartOptions startOptionsFor(const core::RunConfig& run, const LiveSystems& systems) {
    StartOptions options;
    options.guardFactory = liveGuardFactory(systems, run.dbPool);
    if (run.transport == core::Transport::Kafka) {
        options.transportFactory = backends::kafka::makeKafkaTransportFactory(systems.kafka);
        options.sharedRun = systems.kafka.cluster;
    }
    return options;
}

void keepLotteriesOpenUntilStopped(sim::Scenario& s) {
    for (auto& c : s.campaigns)
        if (c.policy == core::Policy::Lottery && !c.closesAfterMs) {
            c.closesAfterMs = std::int64_t(1) << 40;
            s.run.pace = core::Pace::Realtime;
        }
}

}  // namespace stampede::live
