#include "capture/request_mapping.h"

#include <QByteArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <array>
#include <regex>

namespace stampede::capture {
namespace {

// "/api/campaigns/{id}/apply" -> id, for a pattern given as prefix and suffix.
bool fromPath(std::string_view path, std::string_view prefix, std::string_view suffix,
              std::string& out) {
    if (path.size() <= prefix.size() + suffix.size() || path.substr(0, prefix.size()) != prefix ||
        path.substr(path.size() - suffix.size()) != suffix)
        return false;
    const std::string_view id =
        path.substr(prefix.size(), path.size() - prefix.size() - suffix.size());
    if (id.empty() || id.find('/') != std::string_view::npos) return false;
    out.assign(id);
    return true;
}

bool fieldText(const QJsonObject& body, const char* name, std::string& out) {
    const QJsonValue v = body.value(QLatin1String(name));
    if (v.isString() && !v.toString().isEmpty()) {
        out = v.toString().toStdString();
        return true;
    }
    if (v.isDouble()) {
        const double d = v.toDouble();
        out = d == double(qint64(d)) ? std::to_string(qint64(d)) : std::to_string(d);
        return true;
    }
    return false;
}

int hexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// The percent-decoded value of query parameter `name`; false when it is absent or empty.
bool queryValue(std::string_view query, std::string_view name, std::string& out) {
    while (!query.empty()) {
        const std::size_t amp = query.find('&');
        const std::string_view pair = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
        const std::size_t eq = pair.find('=');
        if (eq == std::string_view::npos || pair.substr(0, eq) != name) continue;
        out.clear();
        const std::string_view v = pair.substr(eq + 1);
        for (std::size_t i = 0; i < v.size(); ++i) {
            if (v[i] == '%' && i + 2 < v.size() && hexValue(v[i + 1]) >= 0 &&
                hexValue(v[i + 2]) >= 0) {
                out += static_cast<char>(hexValue(v[i + 1]) * 16 + hexValue(v[i + 2]));
                i += 2;
            } else {
                out += v[i] == '+' ? ' ' : v[i];
            }
        }
        return !out.empty();
    }
    return false;
}

// The text at a dotted path of a JSON object ("user.id").
bool nestedField(const QJsonObject& body, const std::string& dotted, std::string& out) {
    QJsonObject at = body;
    std::size_t start = 0;
    for (;;) {
        const std::size_t dot = dotted.find('.', start);
        const std::string part = dotted.substr(start, dot - start);
        if (dot == std::string::npos) return fieldText(at, part.c_str(), out);
        const QJsonValue v = at.value(QString::fromStdString(part));
        if (!v.isObject()) return false;
        at = v.toObject();
        start = dot + 1;
    }
}

// The N-th (1-based) segment of a path, or empty.
std::string pathSegment(std::string_view path, int n) {
    int index = 0;
    std::size_t start = 0;
    while (start < path.size()) {
        if (path[start] == '/') {
            ++start;
            continue;
        }
        const std::size_t end = std::min(path.find('/', start), path.size());
        if (++index == n) return std::string(path.substr(start, end - start));
        start = end;
    }
    return {};
}

struct Parts {
    std::string_view target, path, query;
    QJsonObject body;
};

bool byRule(const MappingRule& rule, const HttpMessage& request, const Parts& parts,
            std::string& out) {
    out.clear();
    switch (rule.kind) {
        case MappingRule::Kind::Path:
            out = pathSegment(parts.path, rule.segment);
            break;
        case MappingRule::Kind::Body:
            nestedField(parts.body, rule.name, out);
            break;
        case MappingRule::Kind::Header:
            out.assign(request.header(rule.name));
            break;
        case MappingRule::Kind::Query:
            queryValue(parts.query, rule.name, out);
            break;
        case MappingRule::Kind::Regex:
            for (const std::string_view text : {parts.target, std::string_view(request.body)}) {
                std::match_results<std::string_view::const_iterator> m;
                if (std::regex_search(text.begin(), text.end(), m, *rule.regex) && m.size() > 1 &&
                    m[1].length() > 0) {
                    out = m[1].str();
                    break;
                }
            }
            break;
    }
    return !out.empty();
}

bool byRules(const std::vector<MappingRule>& rules, const HttpMessage& request, const Parts& parts,
             std::string& out) {
    for (const MappingRule& rule : rules)
        if (byRule(rule, request, parts, out)) return true;
    out.clear();
    return false;
}

}  // namespace

std::optional<MappingRule> parseMappingRule(const std::string& text, std::string& error) {
    const std::size_t colon = text.find(':');
    const std::string kind = text.substr(0, colon);
    const std::string value = colon == std::string::npos ? std::string() : text.substr(colon + 1);
    if (colon == std::string::npos || value.empty()) {
        error = "'" + text +
                "': expected KIND:VALUE (path:N, body:FIELD, header:NAME, "
                "query:NAME, regex:RE)";
        return std::nullopt;
    }
    MappingRule rule;
    rule.name = value;
    if (kind == "path") {
        rule.kind = MappingRule::Kind::Path;
        try {
            std::size_t used = 0;
            rule.segment = std::stoi(value, &used);
            if (used != value.size() || rule.segment < 1 || rule.segment > 64)
                throw std::invalid_argument("segment");
        } catch (const std::exception&) {
            error = "'" + text + "': path: expected a segment number from 1 to 64";
            return std::nullopt;
        }
    } else if (kind == "body") {
        rule.kind = MappingRule::Kind::Body;
    } else if (kind == "header") {
        rule.kind = MappingRule::Kind::Header;
    } else if (kind == "query") {
        rule.kind = MappingRule::Kind::Query;
    } else if (kind == "regex") {
        rule.kind = MappingRule::Kind::Regex;
        try {
            rule.regex = std::make_shared<const std::regex>(value);
        } catch (const std::regex_error& e) {
            error = "'" + text + "': not a regular expression (" + e.what() + ")";
            return std::nullopt;
        }
        if (rule.regex->mark_count() < 1) {
            error = "'" + text + "': the expression needs a group, ( ), for the value";
            return std::nullopt;
        }
    } else {
        error =
            "'" + text + "': unknown kind '" + kind + "' (known: path, body, header, query, regex)";
        return std::nullopt;
    }
    return rule;
}

bool mapRequest(const HttpMessage& request, const ReaderOptions& options, CaptureRecord& record) {
    const std::string& defaultCampaign = options.defaultCampaign;
    std::string_view path = request.target();
    if (const auto scheme = path.find("://"); scheme != std::string_view::npos) {
        const auto slash = path.find('/', scheme + 3);
        path = slash == std::string_view::npos ? std::string_view("/") : path.substr(slash);
    }
    const std::size_t question = path.find('?');
    const std::string_view query =
        question == std::string_view::npos ? std::string_view() : path.substr(question + 1);
    path = path.substr(0, question);
    QJsonObject body;
    if (!request.body.empty() && request.body.front() == '{')
        body = QJsonDocument::fromJson(
                   QByteArray::fromRawData(request.body.data(), qsizetype(request.body.size())))
                   .object();
    record.campaign.clear();
    record.user.clear();
    const RequestMapping& rules = options.mapping;
    if (!rules.campaign.empty() || !rules.user.empty()) {
        const Parts parts{request.target(), path, query, body};
        // A side without rules of its own keeps the defaults below.
        if (!rules.campaign.empty() && !byRules(rules.campaign, request, parts, record.campaign))
            return false;
        if (!rules.user.empty() && !byRules(rules.user, request, parts, record.user)) return false;
        if (!rules.campaign.empty() && !rules.user.empty()) return true;
    }
    if (rules.campaign.empty() && !fromPath(path, "/api/campaigns/", "/apply", record.campaign) &&
        !fromPath(path, "/api/coupons/", "/issue", record.campaign)) {
        for (const char* name : {"campaignId", "eventId", "couponId"})
            if (fieldText(body, name, record.campaign)) break;
        if (record.campaign.empty() && path == "/api/event/apply")
            record.campaign = defaultCampaign;
    }
    if (rules.user.empty()) {
        for (const char* name : {"userId", "user_id", "email"})
            if (fieldText(body, name, record.user)) break;
        if (record.user.empty()) record.user.assign(request.header("X-User-Id"));
        for (const char* name : {"userId", "user_id", "email"})
            if (record.user.empty()) queryValue(query, name, record.user);
    }
    return !record.campaign.empty() && !record.user.empty();
}

}  // namespace stampede::capture
