#pragma once
// Seed 002's e-mail verification: a 6-digit code is sent to an address (through the outbox), the
// user types it back, and gets a token that proves the address on later requests. Codes expire,
// allow a few attempts, and an address can ask for a new one only so often. Thread-safe.
//
// A token carries its address and its expiry, signed (HMAC-SHA256) with the desk's secret, so
// the desk keeps no tokens: one made before a restart, or by another serve of the same cluster,
// proves its address wherever the secret is the same (serve derives it from its admin token).

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>

namespace stampede::http {

struct VerificationPolicy {
    std::chrono::seconds codeLifetime{300};
    int maxAttempts = 5;                   // wrong codes before the code is void
    std::chrono::seconds resendAfter{30};  // per address
    std::chrono::hours tokenLifetime{24};
};

class VerificationDesk {
public:
    using Clock = std::function<std::chrono::steady_clock::time_point()>;
    // `secret`: what tokens are signed with; empty: a random one (tokens then last as long as
    // this desk).
    explicit VerificationDesk(VerificationPolicy policy = {}, Clock clock = {},
                              std::string secret = {});

    struct CodeIssued {
        bool ok = false;
        std::string code;              // when ok: what goes to the address
        std::int64_t retryAfterS = 0;  // when not ok: rate-limited for this long
    };
    CodeIssued issueCode(const std::string& address);

    enum class Check : std::uint8_t { Verified, WrongCode, Expired, NoCode, TooManyAttempts };
    struct Verification {
        Check check = Check::NoCode;
        std::string token;     // when Verified
        int attemptsLeft = 0;  // when WrongCode
    };
    Verification verify(const std::string& address, const std::string& code);

    // The address a token proves, or empty (unknown or expired token).
    std::string addressOf(const std::string& token) const;

    // A well-formed address: one '@', something on both sides, a dot in the domain, no spaces,
    // at most 254 bytes.
    static bool isAddress(const std::string& text);

private:
    struct PendingCode {
        std::string code;
        std::chrono::steady_clock::time_point issuedAt;
        int attempts = 0;
    };
    // Seconds since the epoch by the desk's clock (the wall clock when it was made, moved on as
    // `m_clock` moves): a token's expiry must mean the same after a restart.
    std::int64_t epochSeconds() const;
    std::string signature(std::string_view signedPart) const;

    VerificationPolicy m_policy;
    Clock m_clock;
    mutable std::mutex m_mutex;
    std::unordered_map<std::string, PendingCode> m_codes;  // by address
    std::string m_secret;
    std::chrono::steady_clock::time_point m_madeAt;
    std::int64_t m_madeAtEpochS = 0;
};

// Equal contents, in a time that depends on the lengths only (tokens, codes).
bool constantTimeEquals(std::string_view a, std::string_view b);

}  // namespace stampede::http
