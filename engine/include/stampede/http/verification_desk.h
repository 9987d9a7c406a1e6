#pragma once
// Seed 002's e-mail verification: a 6-digit code is sent to an address (through the outbox), the
// user types it back, and gets a token that proves the address on later requests. Codes expire,
// allow a few attempts, and an address can ask for a new one only so often. Thread-safe.

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
    explicit VerificationDesk(VerificationPolicy policy = {}, Clock clock = {});

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
    struct Token {
        std::string address;
        std::chrono::steady_clock::time_point expiresAt;
    };

    VerificationPolicy m_policy;
    Clock m_clock;
    mutable std::mutex m_mutex;
    std::unordered_map<std::string, PendingCode> m_codes;  // by address
    std::unordered_map<std::string, Token> m_tokens;       // by token
};

// Equal contents, in a time that depends on the lengths only (tokens, codes).
bool constantTimeEquals(std::string_view a, std::string_view b);

}  // namespace stampede::http
