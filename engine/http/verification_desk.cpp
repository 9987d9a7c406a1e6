#include "stampede/http/verification_desk.h"

#include <QRandomGenerator>

namespace stampede::http {
namespace {

std::string randomDigits(int n) {
    std::string s;
    for (int i = 0; i < n; ++i) s += char('0' + QRandomGenerator::system()->bounded(10));
    return s;
}

std::string randomToken() {
    static const char hex[] = "0123456789abcdef";
    std::string s;
    for (int i = 0; i < 40; ++i) s += hex[QRandomGenerator::system()->bounded(16)];
    return s;
}

}  // namespace

bool constantTimeEquals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    unsigned char diff = 0;
    for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
    return diff == 0;
}

VerificationDesk::VerificationDesk(VerificationPolicy policy, Clock clock)
    : m_policy(policy),
      m_clock(clock ? std::move(clock) : Clock(&std::chrono::steady_clock::now)) {}

bool VerificationDesk::isAddress(const std::string& text) {
    if (text.empty() || text.size() > 254) return false;
    const auto at = text.find('@');
    if (at == std::string::npos || at == 0 || text.find('@', at + 1) != std::string::npos)
        return false;
    const auto dot = text.find('.', at + 2);
    if (dot == std::string::npos || dot + 1 >= text.size()) return false;
    for (const unsigned char c : text)
        if (c <= ' ' || c == 0x7f) return false;
    return true;
}

VerificationDesk::CodeIssued VerificationDesk::issueCode(const std::string& address) {
    const auto now = m_clock();
    CodeIssued issued;
    std::lock_guard lock(m_mutex);
    if (const auto it = m_codes.find(address); it != m_codes.end()) {
        const auto since = now - it->second.issuedAt;
        if (since < m_policy.resendAfter) {
            issued.retryAfterS =
                std::chrono::ceil<std::chrono::seconds>(m_policy.resendAfter - since).count();
            return issued;
        }
    }
    issued.ok = true;
    issued.code = randomDigits(6);
    m_codes[address] = PendingCode{issued.code, now, 0};
    return issued;
}

VerificationDesk::Verification VerificationDesk::verify(const std::string& address,
                                                        const std::string& code) {
    const auto now = m_clock();
    Verification v;
    std::lock_guard lock(m_mutex);
    const auto it = m_codes.find(address);
    if (it == m_codes.end()) return v;  // NoCode
    PendingCode& pending = it->second;
    if (now - pending.issuedAt > m_policy.codeLifetime) {
        v.check = Check::Expired;
        return v;
    }
    if (pending.attempts >= m_policy.maxAttempts) {
        v.check = Check::TooManyAttempts;
        return v;
    }
    if (!constantTimeEquals(code, pending.code)) {
        ++pending.attempts;
        v.attemptsLeft = m_policy.maxAttempts - pending.attempts;
        v.check = v.attemptsLeft > 0 ? Check::WrongCode : Check::TooManyAttempts;
        return v;
    }
    // A code proves the address once; the rate limit still counts from when it was sent.
    pending.attempts = m_policy.maxAttempts;
    v.check = Check::Verified;
    v.token = randomToken();
    m_tokens[v.token] = Token{address, now + m_policy.tokenLifetime};
    return v;
}

std::string VerificationDesk::addressOf(const std::string& token) const {
    const auto now = m_clock();
    std::lock_guard lock(m_mutex);
    const auto it = m_tokens.find(token);
    if (it == m_tokens.end() || now > it->second.expiresAt) return {};
    return it->second.address;
}

}  // namespace stampede::http
