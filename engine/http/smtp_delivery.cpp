#include "stampede/http/smtp_delivery.h"

#include <curl/curl.h>

#include <QByteArray>
#include <QDateTime>
#include <QLocale>

#include <algorithm>
#include <cstring>

namespace stampede::http {
namespace {

void initCurlOnce() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// A header value on one line: CR and LF would let a campaign name add headers of its own.
std::string oneLine(std::string s) {
    std::replace(s.begin(), s.end(), '\r', ' ');
    std::replace(s.begin(), s.end(), '\n', ' ');
    return s;
}

// RFC 2047 for a subject that is not plain ASCII (campaign names often are not).
std::string encodedWord(const std::string& text) {
    const bool ascii = std::all_of(text.begin(), text.end(),
                                   [](char c) { return static_cast<unsigned char>(c) < 0x80; });
    if (ascii) return text;
    return "=?UTF-8?B?" + QByteArray(text.data(), qsizetype(text.size())).toBase64().toStdString() +
           "?=";
}

std::string messageText(const SmtpSettings& s, const OutboxMessage& m) {
    const QString date = QLocale::c().toString(QDateTime::currentDateTimeUtc(),
                                               QStringLiteral("ddd, dd MMM yyyy hh:mm:ss +0000"));
    std::string body = m.body;
    // SMTP's own framing: lines end in CRLF, and a line of one "." would end the message early
    // (libcurl escapes leading dots itself; the line ends are ours to give).
    std::string crlf;
    for (const char c : body) {
        if (c == '\n' && (crlf.empty() || crlf.back() != '\r')) crlf += '\r';
        crlf += c;
    }
    return "Date: " + date.toStdString() + "\r\nTo: <" + oneLine(m.to) + ">\r\nFrom: <" +
           oneLine(s.from) + ">\r\nSubject: " + encodedWord(oneLine(m.subject)) +
           "\r\nMessage-ID: <" + std::to_string(m.id) + "." + std::to_string(m.createdAtMs) +
           "@stampede>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
           "Content-Transfer-Encoding: 8bit\r\n\r\n" +
           crlf + "\r\n";
}

struct Upload {
    const std::string* text;
    std::size_t offset = 0;
};

std::size_t readUpload(char* buffer, std::size_t size, std::size_t count, void* user) {
    auto* u = static_cast<Upload*>(user);
    const std::size_t n = std::min(size * count, u->text->size() - u->offset);
    std::memcpy(buffer, u->text->data() + u->offset, n);
    u->offset += n;
    return n;
}

}  // namespace

std::string SmtpDelivery::send(const SmtpSettings& settings, const OutboxMessage& message,
                               bool& transient) {
    initCurlOnce();
    transient = true;
    CURL* curl = curl_easy_init();
    if (!curl) return "libcurl could not make a handle";
    const std::string text = messageText(settings, message);
    Upload upload{&text};
    const std::string from = "<" + oneLine(settings.from) + ">";
    curl_slist* rcpt = curl_slist_append(nullptr, ("<" + oneLine(message.to) + ">").c_str());
    char error[CURL_ERROR_SIZE] = {};
    curl_easy_setopt(curl, CURLOPT_URL, settings.url.c_str());
    if (!settings.password.empty())
        curl_easy_setopt(curl, CURLOPT_PASSWORD, settings.password.c_str());
    // STARTTLS when the server offers it; smtps:// is TLS from the first byte.
    curl_easy_setopt(curl, CURLOPT_USE_SSL, long(CURLUSESSL_TRY));
    curl_easy_setopt(curl, CURLOPT_MAIL_FROM, from.c_str());
    curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, readUpload);
    curl_easy_setopt(curl, CURLOPT_READDATA, &upload);
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, long(settings.timeout.count()));
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, long(settings.timeout.count()));
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
    const CURLcode result = curl_easy_perform(curl);
    long code = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
    curl_slist_free_all(rcpt);
    curl_easy_cleanup(curl);
    if (result == CURLE_OK) return {};
    // The server said no for good (5xx: unknown mailbox, refused sender): trying again is spam.
    transient = !(code >= 500 && code < 600);
    std::string why = error[0] ? error : curl_easy_strerror(result);
    if (code) why += " (SMTP " + std::to_string(code) + ")";
    return why;
}

SmtpDelivery::SmtpDelivery(Outbox& outbox, SmtpSettings settings)
    : m_outbox(outbox), m_settings(std::move(settings)) {
    m_outbox.expectDelivery();
}

SmtpDelivery::~SmtpDelivery() {
    stop();
}

void SmtpDelivery::start() {
    initCurlOnce();
    m_thread = std::thread([this] { loop(); });
}

void SmtpDelivery::stop() {
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_all();
    if (m_thread.joinable()) m_thread.join();
}

void SmtpDelivery::poke() {
    m_wake.notify_all();
}

bool SmtpDelivery::drain(std::chrono::milliseconds timeout) {
    const auto until = std::chrono::steady_clock::now() + timeout;
    const std::int64_t target = m_outbox.posted();
    std::unique_lock lock(m_mutex);
    poke();
    return m_wake.wait_until(lock, until, [&] { return m_done >= target || m_stopping; }) &&
           m_done >= target;
}

std::string SmtpDelivery::lastError() const {
    std::lock_guard lock(m_mutex);
    return m_lastError;
}

void SmtpDelivery::loop() {
    while (true) {
        std::int64_t done = 0;
        {
            std::lock_guard lock(m_mutex);
            if (m_stopping) return;
            done = m_done;
        }
        const auto batch = m_outbox.after(done, 100);
        if (batch.empty()) {
            std::unique_lock lock(m_mutex);
            m_wake.wait_for(lock, std::chrono::milliseconds(200),
                            [&] { return m_stopping || m_outbox.posted() > m_done; });
            continue;
        }
        for (const OutboxMessage& m : batch) {
            auto backoff = m_settings.firstBackoff;
            std::string why;
            bool transient = true;
            for (int attempt = 1; attempt <= m_settings.maxAttempts; ++attempt) {
                if (attempt > 1) m_stats.retries.fetch_add(1, std::memory_order_relaxed);
                why = send(m_settings, m, transient);
                if (why.empty() || !transient || attempt == m_settings.maxAttempts) break;
                m_outbox.markDelivery(
                    m.id, "pending: attempt " + std::to_string(attempt) + " failed: " + why);
                std::unique_lock lock(m_mutex);
                m_lastError = why;
                if (m_wake.wait_for(lock, backoff, [&] { return m_stopping; })) return;
                backoff = std::min(backoff * 2, m_settings.maxBackoff);
            }
            if (why.empty()) {
                m_outbox.markDelivery(m.id, "sent");
                m_stats.sent.fetch_add(1, std::memory_order_relaxed);
            } else {
                m_outbox.markDelivery(m.id, "failed: " + why);
                m_stats.failed.fetch_add(1, std::memory_order_relaxed);
            }
            {
                std::lock_guard lock(m_mutex);
                m_done = m.id;
                if (!why.empty()) m_lastError = why;
            }
            m_wake.notify_all();
        }
    }
}

}  // namespace stampede::http
