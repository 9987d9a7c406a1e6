#include "live/start_options.h"

#include "backends/kafka/kafka_transport.h"
#include "backends/mysql/mysql_guard.h"
#include "backends/redis/redis_guard.h"
#include "guards/guard.h"

namespace stampede::live {

GuardFactory liveGuardFactory(const LiveSystems& systems) {
    return [redis = systems.redisOrDefault(), mysql = systems.mysql](
               std::string_view name, std::string& error) -> std::unique_ptr<guards::Guard> {
        if (name.starts_with("redis-")) return backends::redis::makeRedisGuard(name, redis, error);
        if (!name.starts_with("mysql-")) {
            error = "guard '" + std::string(name) + "' is not a live guard (redis-*, mysql-*)";
            return nullptr;
        }
        if (!mysql) {
            error = "guard '" + std::string(name) +
                    "' needs a MySQL/MariaDB: --mysql mysql://USER@HOST:PORT/DB, STAMPEDE_MYSQL "
                    "or a connection profile";
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

}  // namespace stampede::live
