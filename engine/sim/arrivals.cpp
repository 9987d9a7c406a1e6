// Expanding a scenario into submissions. All randomness comes from splitmix64 over raw 64-bit
// words, never from <random> distributions, whose output differs between standard libraries: a
// scenario must give the same arrivals on every platform.

#include "sim/arrivals.h"

#include <algorithm>
#include <cmath>
#include <string_view>
#include <unordered_map>

#include "sim/block_sizes.h"

namespace stampede::sim {
namespace {

constexpr std::uint64_t kGolden = 0x9E3779B97F4A7C15ull;

constexpr std::uint64_t mix(std::uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

double toUnit(std::uint64_t bits) {
    return static_cast<double>(bits >> 11) * 0x1.0p-53;
}

class Stream {
public:
    explicit Stream(std::uint64_t seed) : state_(seed) {}
    std::uint64_t next() { return mix(state_ += kGolden); }
    double uniform() { return toUnit(next()); }               // [0, 1)
    double exponential() { return -std::log1p(-uniform()); }  // mean 1
private:
    std::uint64_t state_;
};

// What a per-user draw is for. Distinct salts keep the decisions independent of each other.
enum Salt : std::uint64_t { kBlock = 1, kVerify, kDuplicate, kDuplicateDelay, kRetry };

// Per-user decisions hash (seed, campaign, user) rather than draw from a block's stream, so a
// user gets the same answer in every block and every submission.
class UserDraws {
public:
    explicit UserDraws(std::uint64_t seed) {
        for (std::uint64_t salt = 0; salt < 8; ++salt) keys_[salt] = mix(seed + kGolden * salt);
    }
    double operator()(Salt salt, std::uint16_t campaign, std::uint32_t user) const {
        return toUnit(mix(keys_[salt] ^ ((std::uint64_t{campaign} << 32) | user)));
    }

private:
    std::uint64_t keys_[8] = {};
};

struct Block {
    const ArrivalSpec* spec = nullptr;
    std::uint16_t campaign = 0;
    std::uint32_t firstUser = 1;
    std::int64_t users = 0;
    std::uint64_t seed = 0;
    std::int64_t startUs = 0;
    std::int64_t spanUs = 1;
};

std::int64_t poissonUsers(const ArrivalSpec& spec, std::uint64_t seed) {
    Stream rng(seed);
    const double gapMs = 1000.0 / spec.rps;
    const std::int64_t cap = detail::poissonCap(spec);
    std::int64_t n = 0;
    for (double t = rng.exponential() * gapMs; t < spec.overMs && n < cap;
         t += rng.exponential() * gapMs)
        ++n;
    return n;
}

std::vector<Block> planBlocks(const Scenario& scenario) {
    std::unordered_map<std::string_view, int> index;
    for (std::size_t i = 0; i < scenario.campaigns.size() && i <= 0xFFFF; ++i)
        index.emplace(scenario.campaigns[i].id, static_cast<int>(i));
    std::vector<std::int64_t> used(scenario.campaigns.size(), 0);
    std::vector<Block> blocks;
    blocks.reserve(scenario.arrivals.size());
    const std::uint64_t base = mix(scenario.seed + kGolden * kBlock);
    for (std::size_t i = 0; i < scenario.arrivals.size(); ++i) {
        const ArrivalSpec& spec = scenario.arrivals[i];
        const auto found = index.find(spec.campaign);
        if (found == index.end()) continue;  // the parser refuses these
        Block b;
        b.spec = &spec;
        b.campaign = static_cast<std::uint16_t>(found->second);
        b.seed = mix(base ^ (i + 1));
        b.startUs = std::llround(spec.startMs * 1000.0);
        b.spanUs = std::max<std::int64_t>(1, std::llround(spec.overMs * 1000.0));
        b.users =
            spec.profile == Profile::Poisson ? poissonUsers(spec, b.seed) : detail::maxUsers(spec);
        const std::int64_t first = spec.firstUser.value_or(1 + used[found->second]);
        used[found->second] += b.users;
        // The parser refuses blocks whose user numbers do not fit; this only keeps a hand-built
        // scenario from wrapping around.
        if (first < 1 || first > detail::kMaxUserNumber) continue;
        b.users = std::min(b.users, detail::kMaxUserNumber - first + 1);
        b.firstUser = static_cast<std::uint32_t>(first);
        blocks.push_back(b);
    }
    return blocks;
}

// Position s in [0, 1) of quantile q under a rate rising linearly from a to b: the root of
// a*s + (b-a)*s^2/2 = q*(a+b)/2, written so that a == b and a == 0 need no special case.
double rampPosition(double q, double a, double b) {
    const double denominator = a + std::sqrt(a * a + q * (b * b - a * a));
    return denominator > 0 ? q * (a + b) / denominator : 0.0;
}

class Generator {
public:
    Generator(const Scenario& scenario, std::vector<Arrival>& out)
        : draws_(scenario.seed),
          out_(out),
          duplicateRate_(scenario.clients.duplicateRate),
          unverifiedRate_(scenario.clients.unverifiedRate),
          retryRate_(scenario.clients.retryRate),
          retryAfterUs_(scenario.clients.retryAfterMs * 1000),
          retries_(scenario.clients.retryAfterMs > 0 ? std::max(0, scenario.clients.retries) : 0) {}

    // Submissions after the first one that this user makes.
    std::int64_t repeats(std::uint16_t campaign, std::uint32_t user) const {
        return (duplicates(campaign, user) ? 1 : 0) + (storms(campaign, user) ? retries_ : 0);
    }

    void emit(std::int64_t atUs, std::uint16_t campaign, std::uint32_t user) {
        const bool verified = !(draws_(kVerify, campaign, user) < unverifiedRate_);
        const std::uint8_t flags = verified ? Arrival::kVerified : 0;
        const std::uint8_t repeat = flags | Arrival::kRepeat;
        out_.push_back({atUs, user, campaign, flags});
        if (duplicates(campaign, user)) {
            // Within (0, 50] ms of the first submission.
            const auto delayUs =
                1 + static_cast<std::int64_t>(draws_(kDuplicateDelay, campaign, user) * 50'000.0);
            out_.push_back({atUs + delayUs, user, campaign, repeat});
        }
        if (storms(campaign, user))
            for (int k = 1; k <= retries_; ++k)
                out_.push_back({atUs + k * retryAfterUs_, user, campaign, repeat});
    }

private:
    bool duplicates(std::uint16_t campaign, std::uint32_t user) const {
        return duplicateRate_ > 0 && draws_(kDuplicate, campaign, user) < duplicateRate_;
    }
    bool storms(std::uint16_t campaign, std::uint32_t user) const {
        return retries_ > 0 && draws_(kRetry, campaign, user) < retryRate_;
    }

    UserDraws draws_;
    std::vector<Arrival>& out_;
    double duplicateRate_;
    double unverifiedRate_;
    double retryRate_;
    std::int64_t retryAfterUs_;
    int retries_;
};

void generateBlock(const Block& b, Generator& gen) {
    const ArrivalSpec& spec = *b.spec;
    Stream rng(b.seed);
    const auto place = [&](double fraction) {  // fraction of the block's span, in [0, 1)
        const auto offset = static_cast<std::int64_t>(fraction * static_cast<double>(b.spanUs));
        return b.startUs + std::clamp<std::int64_t>(offset, 0, b.spanUs - 1);
    };
    const auto userAt = [&](std::int64_t i) { return static_cast<std::uint32_t>(b.firstUser + i); };
    if (spec.profile == Profile::Poisson) {
        // Replays the stream poissonUsers() counted, so exactly b.users arrivals come out.
        const double gapMs = 1000.0 / spec.rps;
        double t = 0;
        for (std::int64_t i = 0; i < b.users; ++i) {
            t += rng.exponential() * gapMs;
            gen.emit(place(t / spec.overMs), b.campaign, userAt(i));
        }
        return;
    }
    for (std::int64_t i = 0; i < b.users; ++i) {
        double fraction = 0;
        switch (spec.profile) {
            case Profile::Spike:
                fraction = rng.uniform();
                break;
            case Profile::Ramp:
                fraction = rampPosition(rng.uniform(), spec.fromRps, spec.toRps);
                break;
            case Profile::Constant:  // one user every 1/rps seconds
                fraction = static_cast<double>(i) * 1000.0 / spec.rps / spec.overMs;
                break;
            case Profile::Poisson:
                break;
        }
        gen.emit(place(fraction), b.campaign, userAt(i));
    }
}

}  // namespace

std::vector<Arrival> generateArrivals(const Scenario& scenario) {
    const std::vector<Block> blocks = planBlocks(scenario);
    std::vector<Arrival> out;
    Generator gen(scenario, out);
    std::size_t total = 0;
    for (const Block& b : blocks) {
        total += static_cast<std::size_t>(b.users);
        for (std::int64_t i = 0; i < b.users; ++i)
            total += static_cast<std::size_t>(
                gen.repeats(b.campaign, static_cast<std::uint32_t>(b.firstUser + i)));
    }
    out.reserve(total);
    for (const Block& b : blocks) generateBlock(b, gen);
    std::sort(out.begin(), out.end(), [](const Arrival& x, const Arrival& y) {
        if (x.atUs != y.atUs) return x.atUs < y.atUs;
        if (x.campaign != y.campaign) return x.campaign < y.campaign;
        if (x.user != y.user) return x.user < y.user;
        return x.flags < y.flags;
    });
    return out;
}

ArrivalCounts countArrivals(const Scenario& scenario, const std::vector<Arrival>& arrivals) {
    // (campaign, user) in the high bits, verified in the lowest: after sorting, a pair's entries
    // are adjacent and the last one tells whether any of them was verified.
    std::vector<std::uint64_t> keys;
    keys.reserve(arrivals.size());
    for (const Arrival& a : arrivals)
        keys.push_back((std::uint64_t{a.campaign} << 33) | (std::uint64_t{a.user} << 1) |
                       (a.verified() ? 1u : 0u));
    std::sort(keys.begin(), keys.end());
    ArrivalCounts counts;
    counts.submissions = static_cast<std::int64_t>(arrivals.size());
    for (std::size_t i = 0; i < keys.size(); ++i) {
        if (i + 1 < keys.size() && keys[i + 1] >> 1 == keys[i] >> 1) continue;
        ++counts.uniqueUsers;
        const auto campaign = static_cast<std::size_t>(keys[i] >> 33);
        const bool gated = campaign < scenario.campaigns.size() &&
                           scenario.campaigns[campaign].requiresVerification;
        if (!gated || (keys[i] & 1)) ++counts.eligibleUsers;
    }
    return counts;
}

}  // namespace stampede::sim
