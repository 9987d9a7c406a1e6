#include "stampede/http/verification_desk.h"

#include <QCryptographicHash>
#include <QMessageAuthenticationCode>
#include <QRandomGenerator>

#include <charconv>

namespace stampede::http {
namespace {

std::string randomDigits(int n) {
    std::string s;
    for (int i = 0; i < n; ++i) s += char('0' + QRandomGenerator::system()->bounded(10));
    return s;
}

}  // namespace

bool constantTimeEquals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    unsigned char diff = 0;
    for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
    return diff == 0;
}

VerificationDesk::VerificationDesk(VerificationPolicy policy, Clock clock, std::string secret)
    : m_policy(policy),
      m_clock(clock ? std::move(clock) : Clock(&std::chrono::steady_clock::now)),
      m_secret(std::move(secret)),
      m_madeAt(m_clock()),
      m_madeAtEpochS(std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count()) {
    if (m_secret.empty()) m_secret = randomDigits(40);
}

std::int64_t VerificationDesk::epochSeconds() const {
    return m_madeAtEpochS +
           std::chrono::duration_cast<std::chrono::seconds>(m_clock() - m_madeAt).count();
}

std::string VerificationDesk::signature(std::string_view signedPart) const {
    return QMessageAuthenticationCode::hash(
               QByteArray(signedPart.data(), qsizetype(signedPart.size())),
               QByteArray::fromStdString(m_secret), QCryptographicHash::Sha256)
        .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals)
        .toStdString();
}

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
    // ADDRESS.EXPIRY.SIGNATURE, the address in base64url, the expiry in epoch seconds.
    const std::string signedPart =
        QByteArray::fromStdString(address)
            .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals)
            .toStdString() +
        "." + std::to_string(epochSeconds() + m_policy.tokenLifetime.count() * 3600);
    v.token = signedPart + "." + signature(signedPart);
    return v;
}

std::string VerificationDesk::addressOf(const std::string& token) const {
    const std::size_t last = token.rfind('.');
    if (token.empty() || token.size() > 1024 || last == std::string::npos || last == 0) return {};
    const std::string_view signedPart(token.data(), last);
    if (!constantTimeEquals(std::string_view(token).substr(last + 1), signature(signedPart)))
        return {};
    const std::size_t dot = signedPart.find('.');
    if (dot == std::string_view::npos) return {};
    std::int64_t expiresAt = 0;
    const std::string_view expiry = signedPart.substr(dot + 1);
    const auto [end, ec] = std::from_chars(expiry.data(), expiry.data() + expiry.size(), expiresAt);
    if (ec != std::errc() || end != expiry.data() + expiry.size() || epochSeconds() > expiresAt)
        return {};
    const auto decoded = QByteArray::fromBase64Encoding(
        QByteArray(signedPart.data(), qsizetype(dot)),
        QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded) return {};
    return decoded.decoded.toStdString();
}

}  // namespace stampede::http
