#include "sim/json_fields.h"

#include <QByteArray>
#include <QLocale>

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

namespace stampede::sim::json {

void FieldErrors::fail(std::string fieldPath, std::string text) {
    if (failed()) return;  // the first error is the one the user should fix first
    field = std::move(fieldPath);
    message = std::move(text);
}

std::string typeName(const QJsonValue& value) {
    switch (value.type()) {
        case QJsonValue::Null:
            return "null";
        case QJsonValue::Bool:
            return "boolean";
        case QJsonValue::Double:
            return "number";
        case QJsonValue::String:
            return "string";
        case QJsonValue::Array:
            return "array";
        case QJsonValue::Object:
            return "object";
        case QJsonValue::Undefined:
            break;
    }
    return "nothing";
}

std::string formatNumber(double value) {
    return QByteArray::number(value, 'g', QLocale::FloatingPointShortest).toStdString();
}

QLatin1String latin1(std::string_view text) {
    return QLatin1String(text.data(), static_cast<qsizetype>(text.size()));
}

std::string joinNames(const std::vector<std::string_view>& names, std::size_t limit) {
    std::string out;
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (i == limit) return out + ", ...";
        if (i > 0) out += ", ";
        out += names[i];
    }
    return out;
}

std::string describe(IntRange range) {
    const auto max = std::numeric_limits<std::int64_t>::max();
    if (range.max == max) {
        if (range.min == 0) return "a non-negative integer";
        return "an integer >= " + std::to_string(range.min);
    }
    return "an integer from " + std::to_string(range.min) + " to " + std::to_string(range.max);
}

std::string describe(NumberRange range) {
    const bool unbounded = range.max >= 1e300;
    if (range.minExclusive)
        return "a number > " + formatNumber(range.min) +
               (unbounded ? std::string() : " and <= " + formatNumber(range.max));
    if (unbounded)
        return range.min == 0 ? std::string("a non-negative number")
                              : "a number >= " + formatNumber(range.min);
    return "a number from " + formatNumber(range.min) + " to " + formatNumber(range.max);
}

ObjectReader::ObjectReader(const QJsonObject& object, std::string path, FieldErrors& errors,
                           std::initializer_list<std::string_view> known)
    : object_(object), path_(std::move(path)), errors_(errors) {
    if (failed()) return;
    for (const QString& key : object_.keys()) {  // sorted, so the report is stable
        const std::string name = key.toStdString();
        if (std::find(known.begin(), known.end(), std::string_view(name)) != known.end()) continue;
        fail(name, "unknown key (known: " + joinNames(std::vector<std::string_view>(known)) + ")");
        return;
    }
}

bool ObjectReader::has(std::string_view key) const {
    return object_.contains(latin1(key));
}

std::string ObjectReader::pathOf(std::string_view key) const {
    if (path_.empty()) return std::string(key);
    return path_ + "." + std::string(key);
}

void ObjectReader::fail(std::string_view key, std::string message) {
    errors_.fail(pathOf(key), std::move(message));
}

std::optional<QJsonValue> ObjectReader::lookup(std::string_view key, Need need) {
    if (failed()) return std::nullopt;
    const QJsonValue value = object_.value(latin1(key));
    if (value.isUndefined()) {
        if (need == Need::Required) fail(key, "required field is missing");
        return std::nullopt;
    }
    return value;
}

void ObjectReader::typeError(std::string_view key, std::string_view expected,
                             const std::string& got) {
    fail(key, "expected " + std::string(expected) + ", got " + got);
}

bool ObjectReader::string(std::string_view key, std::string& out, Need need, bool nonEmpty) {
    const auto value = lookup(key, need);
    if (!value) return false;
    if (!value->isString()) {
        typeError(key, nonEmpty ? "a non-empty string" : "a string", typeName(*value));
        return false;
    }
    std::string text = value->toString().toStdString();
    if (nonEmpty && text.empty()) {
        typeError(key, "a non-empty string", "\"\"");
        return false;
    }
    out = std::move(text);
    return true;
}

bool ObjectReader::boolean(std::string_view key, bool& out, Need need) {
    const auto value = lookup(key, need);
    if (!value) return false;
    if (!value->isBool()) {
        typeError(key, "true or false", typeName(*value));
        return false;
    }
    out = value->toBool();
    return true;
}

bool ObjectReader::integer(std::string_view key, std::int64_t& out, IntRange range, Need need) {
    const auto value = lookup(key, need);
    if (!value) return false;
    if (!value->isDouble()) {
        typeError(key, describe(range), typeName(*value));
        return false;
    }
    const double d = value->toDouble();
    // Qt keeps integral literals that fit as qint64; anything else only has the double, and
    // toInteger() then answers with whatever default it is given.
    const qint64 a = value->toInteger(0);
    const qint64 b = value->toInteger(1);
    if (std::floor(d) != d || a != b) {
        typeError(key, describe(range), formatNumber(d));
        return false;
    }
    if (a < range.min || a > range.max) {
        typeError(key, describe(range), std::to_string(a));
        return false;
    }
    out = a;
    return true;
}

bool ObjectReader::integer(std::string_view key, int& out, IntRange range, Need need) {
    range.min = std::max<std::int64_t>(range.min, std::numeric_limits<int>::min());
    range.max = std::min<std::int64_t>(range.max, std::numeric_limits<int>::max());
    std::int64_t wide = 0;
    if (!integer(key, wide, range, need)) return false;
    out = static_cast<int>(wide);
    return true;
}

bool ObjectReader::number(std::string_view key, double& out, NumberRange range, Need need) {
    const auto value = lookup(key, need);
    if (!value) return false;
    if (!value->isDouble()) {
        typeError(key, describe(range), typeName(*value));
        return false;
    }
    const double d = value->toDouble();
    const bool belowMin = range.minExclusive ? d <= range.min : d < range.min;
    if (!std::isfinite(d) || belowMin || d > range.max) {
        typeError(key, describe(range), formatNumber(d));
        return false;
    }
    out = d;
    return true;
}

bool ObjectReader::object(std::string_view key, QJsonObject& out, Need need) {
    const auto value = lookup(key, need);
    if (!value) return false;
    if (!value->isObject()) {
        typeError(key, "an object", typeName(*value));
        return false;
    }
    out = value->toObject();
    return true;
}

bool ObjectReader::array(std::string_view key, QJsonArray& out, Need need) {
    const auto value = lookup(key, need);
    if (!value) return false;
    if (!value->isArray()) {
        typeError(key, "an array", typeName(*value));
        return false;
    }
    out = value->toArray();
    return true;
}

TextPosition positionAt(std::string_view text, std::size_t offset) {
    offset = std::min(offset, text.size());
    if (offset == text.size()) {
        // Truncated input: point just after the last token rather than at trailing blank lines.
        while (offset > 0 &&
               std::string_view(" \t\r\n").find(text[offset - 1]) != std::string_view::npos)
            --offset;
    }
    TextPosition pos;
    for (std::size_t i = 0; i < offset; ++i) {
        const auto byte = static_cast<unsigned char>(text[i]);
        if (byte == '\n') {
            ++pos.line;
            pos.column = 1;
        } else if ((byte & 0xC0) != 0x80) {  // UTF-8 continuation bytes share their character
            ++pos.column;
        }
    }
    return pos;
}

std::optional<DuplicateKey> findDuplicateKey(std::string_view json) {
    struct Frame {
        bool isObject = false;
        bool expectKey = false;
        std::vector<std::string_view> keys;  // linear: validated objects have a dozen keys
    };
    // Frames are reused as depth goes up and down, so small objects cost no allocation.
    std::vector<Frame> frames;
    std::size_t depth = 0;
    std::size_t i = 0;
    while (i < json.size()) {
        const char c = json[i];
        if (c == '{' || c == '[') {
            if (depth == frames.size()) frames.emplace_back();
            Frame& frame = frames[depth++];
            frame.isObject = frame.expectKey = c == '{';
            frame.keys.clear();
            ++i;
        } else if (c == '}' || c == ']') {
            if (depth > 0) --depth;
            ++i;
        } else if (c == ',') {
            if (depth > 0 && frames[depth - 1].isObject) frames[depth - 1].expectKey = true;
            ++i;
        } else if (c == '"') {
            const std::size_t start = i++;
            while (i < json.size() && json[i] != '"') i += json[i] == '\\' ? 2 : 1;
            const std::size_t end = std::min(i, json.size());
            ++i;
            if (depth == 0 || !frames[depth - 1].expectKey) continue;
            Frame& frame = frames[depth - 1];
            const std::string_view key = json.substr(start + 1, end - start - 1);
            if (std::find(frame.keys.begin(), frame.keys.end(), key) != frame.keys.end())
                return DuplicateKey{start, std::string(key)};
            frame.keys.push_back(key);
            frame.expectKey = false;
        } else {
            ++i;
        }
    }
    return std::nullopt;
}

}  // namespace stampede::sim::json
