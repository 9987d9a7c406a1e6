#pragma once
// Typed, strict access to the fields of one JSON object of a scenario file. Internal to sim/.
//
// Every reader knows its path ("campaigns[1]") and the keys it accepts, so that a typo or a wrong
// type is reported with the exact field. The first error wins: once a reader (or any reader that
// shares its FieldErrors) has failed, every later call is a no-op, which keeps the section
// parsers free of error plumbing.

#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace stampede::sim::json {

// The first error of a parse. Shared by all readers of one document.
struct FieldErrors {
    std::optional<std::string> field;
    std::string message;

    bool failed() const { return field.has_value(); }
    void fail(std::string fieldPath, std::string text);
};

std::string typeName(const QJsonValue& value);  // "string", "number", "array", ...
std::string formatNumber(double value);         // shortest text that reads back the same
QLatin1String latin1(std::string_view text);
std::string joinNames(const std::vector<std::string_view>& names, std::size_t limit = 20);

enum class Need : std::uint8_t { Optional, Required };

struct IntRange {
    std::int64_t min = 0;
    std::int64_t max = INT64_MAX;
};

// Bounds of a number field. `minExclusive` makes the minimum itself invalid (rps > 0).
struct NumberRange {
    double min = 0;
    double max = 1e300;
    bool minExclusive = false;
};

class ObjectReader {
public:
    // `known` lists every key the object may hold; anything else is reported at once.
    ObjectReader(const QJsonObject& object, std::string path, FieldErrors& errors,
                 std::initializer_list<std::string_view> known);

    bool failed() const { return errors_.failed(); }
    bool has(std::string_view key) const;
    std::string pathOf(std::string_view key) const;
    void fail(std::string_view key, std::string message);

    // Each getter leaves `out` untouched when the key is absent. It returns true when the key was
    // present and valid, false when absent or invalid (then, unless optional-and-absent, an error
    // has been recorded).
    bool string(std::string_view key, std::string& out, Need need = Need::Optional,
                bool nonEmpty = false);
    bool boolean(std::string_view key, bool& out, Need need = Need::Optional);
    bool integer(std::string_view key, std::int64_t& out, IntRange range,
                 Need need = Need::Optional);
    bool integer(std::string_view key, int& out, IntRange range, Need need = Need::Optional);
    bool number(std::string_view key, double& out, NumberRange range, Need need = Need::Optional);
    bool object(std::string_view key, QJsonObject& out, Need need = Need::Optional);
    bool array(std::string_view key, QJsonArray& out, Need need = Need::Optional);

    // A string that must be one of `names`; `parse` maps it to the value.
    template <typename E, typename Parse>
    bool choice(std::string_view key, E& out, Parse parse,
                const std::vector<std::string_view>& names, Need need = Need::Optional) {
        std::string text;
        if (!string(key, text, need)) return false;
        if (auto value = parse(std::string_view(text))) {
            out = *value;
            return true;
        }
        fail(key, "expected one of " + joinNames(names) + ", got \"" + text + "\"");
        return false;
    }

private:
    std::optional<QJsonValue> lookup(std::string_view key, Need need);
    void typeError(std::string_view key, std::string_view expected, const std::string& got);

    QJsonObject object_;
    std::string path_;
    FieldErrors& errors_;
};

// Describes an integer range for messages: "a non-negative integer", "an integer from 1 to 256".
std::string describe(IntRange range);
std::string describe(NumberRange range);

// Where a syntax error is, as 1-based line and column (columns count characters, not bytes).
struct TextPosition {
    int line = 1;
    int column = 1;
};
TextPosition positionAt(std::string_view text, std::size_t offset);

// A key given twice in one object. QJsonDocument silently keeps the last one, which would hide a
// copy-paste mistake, so the raw text is scanned for them. Keys are compared as written (an
// escaped and an unescaped spelling of one key are not matched). Call only on valid JSON whose
// objects have passed ObjectReader, so each has few distinct keys: the lookup is linear.
struct DuplicateKey {
    std::size_t offset = 0;  // of the second occurrence's opening quote
    std::string key;
};
std::optional<DuplicateKey> findDuplicateKey(std::string_view json);

}  // namespace stampede::sim::json
