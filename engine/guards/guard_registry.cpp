#include "stampede/guards/guard_registry.h"

#include <array>

namespace stampede::guards {
namespace {

using enum GuardFamily;

// One row per guard of DESIGN.md. A new guard is a row here and a case in its family's factory.
constexpr std::array<GuardInfo, 13> kGuards{{
    {.name = "none",
     .family = Memory,
     .description = "read, wait ~50 us, write what was read minus one (no lock: seed 003's race)",
     .racesOnPurpose = true},
    {.name = "mutex",
     .family = Memory,
     .description = "read-check-write under a mutex (synchronized, ReentrantLock)"},
    {.name = "semaphore",
     .family = Memory,
     .description = "read-check-write under a binary semaphore (Semaphore(1))"},
    {.name = "atomic", .family = Memory, .description = "compare-and-swap on the remaining count"},
    {.name = "single-consumer",
     .family = Memory,
     .description = "one partition read by one consumer decides (seed 001)"},
    {.name = "mutex-early-release",
     .family = Memory,
     .description = "read and decrement under a mutex, committed ~50 us after the unlock "
                    "(seed 003's synchronized inside @Transactional: still over-issues)",
     .racesOnPurpose = true},
    {.name = "redis-lua",
     .family = Redis,
     .description = "check and decrement in one Lua script (EVALSHA), recording the user",
     .decidesByUser = true},
    {.name = "redis-lock",
     .family = Redis,
     .description = "read-check-write under a SET NX PX lock released by its token",
     .decidesByUser = true},
    {.name = "redis-naive",
     .family = Redis,
     .description = "GET, then DECR (no lock: two deciders read the same count)",
     .racesOnPurpose = true},
    {.name = "mysql-pessimistic",
     .family = MySql,
     .description = "SELECT ... FOR UPDATE, then UPDATE, in one transaction",
     .decidesByUser = true},
    {.name = "mysql-atomic",
     .family = MySql,
     .description =
         "UPDATE ... SET remaining = remaining - 1 WHERE ... AND remaining > 0 (seed 001)",
     .decidesByUser = true},
    {.name = "mysql-optimistic",
     .family = MySql,
     .description = "a version column: UPDATE ... WHERE version = ?, retried on conflict",
     .decidesByUser = true},
    {.name = "mysql-naive",
     .family = MySql,
     .description = "SELECT, then UPDATE ... SET remaining = read - 1 at REPEATABLE READ (a "
                    "lost update: two deciders write the same count)",
     .racesOnPurpose = true},
}};

constexpr std::array<std::pair<GuardFamily, std::string_view>, 3> kFamilies{{
    {Memory, "memory"},
    {Redis, "redis"},
    {MySql, "mysql"},
}};

std::string join(std::optional<GuardFamily> family) {
    std::string out;
    for (const GuardInfo& g : kGuards) {
        if (family && g.family != *family) continue;
        if (!out.empty()) out += ", ";
        out += g.name;
    }
    return out;
}

}  // namespace

std::string_view toString(GuardFamily family) {
    for (const auto& [f, name] : kFamilies)
        if (f == family) return name;
    return {};
}

std::optional<GuardFamily> parseGuardFamily(std::string_view text) {
    for (const auto& [f, name] : kFamilies)
        if (name == text) return f;
    return std::nullopt;
}

std::string_view needsOf(GuardFamily family) {
    switch (family) {
        case Memory:
            return "nothing";
        case Redis:
            return "a Redis";
        case MySql:
            return "a MySQL/MariaDB";
    }
    return {};
}

std::span<const GuardInfo> knownGuards() {
    return kGuards;
}

const GuardInfo* findGuard(std::string_view name) {
    for (const GuardInfo& g : kGuards)
        if (g.name == name) return &g;
    return nullptr;
}

std::string guardNames() {
    return join(std::nullopt);
}

std::string guardNames(GuardFamily family) {
    return join(family);
}

}  // namespace stampede::guards
