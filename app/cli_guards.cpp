#include "cli_guards.h"

#include "backends/mysql/mysql_guard.h"
#include "backends/redis/redis_guard.h"
#include "guards/guard.h"
#include "guards/guard_registry.h"
#include "store/store_url.h"

namespace stampede::cli {

std::optional<GuardFactory> liveGuardFactory(const CliOptions& o, std::string& error) {
    const auto redisUrl =
        backends::redis::parseRedisUrl(o.redis.value_or("redis://127.0.0.1:6379"), error);
    if (!redisUrl) {
        error = "--redis: " + error;
        return std::nullopt;
    }
    std::optional<store::StoreUrl> mysqlUrl;
    if (o.mysql) {
        mysqlUrl = store::parseStoreUrl(*o.mysql, error);
        if (!mysqlUrl || mysqlUrl->kind != store::StoreUrl::Kind::MySql) {
            error = "--mysql: " +
                    (mysqlUrl ? std::string("expected mysql://USER@HOST:PORT/DB") : error);
            return std::nullopt;
        }
    }
    return GuardFactory(
        [url = *redisUrl, mysqlUrl](std::string_view name,
                                    std::string& why) -> std::unique_ptr<guards::Guard> {
            const guards::GuardInfo* info = guards::findGuard(name);
            if (info && info->family == guards::GuardFamily::Redis)
                return backends::redis::makeRedisGuard(name, url, why);
            if (!info || info->family != guards::GuardFamily::MySql) {
                why = "guard '" + std::string(name) + "' is not a live guard (" +
                      guards::guardNames(guards::GuardFamily::Redis) + ", " +
                      guards::guardNames(guards::GuardFamily::MySql) + ")";
                return nullptr;
            }
            if (!mysqlUrl) {
                why = "guard '" + std::string(name) + "' needs " + std::string(info->needs()) +
                      ": --mysql mysql://USER@HOST:PORT/DB";
                return nullptr;
            }
            return backends::mysql::makeMySqlGuard(name, *mysqlUrl, why);
        });
}

}  // namespace stampede::cli
