#include "stampede/live/start_options.h"

#include "backends/kafka/kafka_transport.h"
#include "backends/mysql/mysql_guard.h"
#include "backends/redis/redis_guard.h"
#include "stampede/guards/guard.h"
#include "stampede/guards/guard_registry.h"

namespace stampede::live {

GuardFactory liveGuardFactory(const LiveSystems& systems) {
    return [redis = systems.redisOrDefault(), mysql = systems.mysql](
               std::string_view name, std::string& error) -> std::unique_ptr<guards::Guard> {
        const guards::GuardInfo* info = guards::findGuard(name);
        if (info && info->family == guards::GuardFamily::Redis)
            return backends::redis::makeRedisGuard(name, redis, error);
        if (!info || info->family != guards::GuardFamily::MySql) {
            error = "guard '" + std::string(name) + "' is not a live guard (" +
                    guards::guardNames(guards::GuardFamily::Redis) + ", " +
                    guards::guardNames(guards::GuardFamily::MySql) + ")";
            return nullptr;
        }
        if (!mysql) {
            error = "guard '" + std::string(name) + "' needs " + std::string(info->needs()) +
                    " (mysql://USER@HOST:PORT/DB): give --mysql on the command line, "
                    "STAMPEDE_MYSQL, or a connection profile (the console's Edit > Connection "
                    "profiles, \"Use for runs\")";
            return nullptr;
        }
        return backends::mysql::makeMySqlGuard(name, *mysql, error);
    };
}

StartOptions startOptionsFor(const core::RunConfig& run, const LiveSystems& systems) {
    StartOptions options;
    options.guardFactory = liveGuardFactory(systems);
    if (run.transport == core::Transport::Kafka)
        options.transportFactory = backends::kafka::makeKafkaTransportFactory(systems.kafka);
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
