#pragma once
// Every guard Stampede knows, as a table of descriptions: name, family, what it needs, and whether
// it races on purpose. The engine, the CLI and the console learn from it which guards exist and
// which backend each needs; it constructs nothing (the in-memory factory and the backends build
// the guards) and must never depend on a backend.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace stampede::guards {

enum class GuardFamily : std::uint8_t { Memory, Redis, MySql };

std::string_view toString(GuardFamily family);  // "memory" | "redis" | "mysql"
std::optional<GuardFamily> parseGuardFamily(std::string_view text);
// What a guard of the family needs to run: "nothing" | "a Redis" | "a MySQL/MariaDB".
std::string_view needsOf(GuardFamily family);

struct GuardInfo {
    std::string_view name;
    GuardFamily family = GuardFamily::Memory;
    std::string_view description;  // one line, no final full stop
    bool racesOnPurpose = false;   // may over-issue: a lesson, never a choice for production
    bool decidesByUser = false;    // keeps a record of which users took a unit (replays by user)

    std::string_view needs() const { return needsOf(family); }
};

// In the order of DESIGN.md, grouped by family: memory, then Redis, then MySQL/MariaDB.
std::span<const GuardInfo> knownGuards();
// The guard of that name; null for a name no guard has.
const GuardInfo* findGuard(std::string_view name);
// The names, comma-separated, for messages: every guard, or those of one family.
std::string guardNames();
std::string guardNames(GuardFamily family);

}  // namespace stampede::guards
