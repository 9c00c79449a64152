#pragma once
// JSON object text written directly, for rows written in bulk: the same bytes as
// nlohmann::json::dump() of the same object, without building the object first.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace opsctl::util {

/// Appends `value` as a JSON string the way nlohmann::json::dump() writes it (no ASCII
/// escaping, control characters escaped; invalid UTF-8 replaced by U+FFFD, as dump() does with
/// error_handler_t::replace).
void append_json_string(std::string& out, std::string_view value);

/// A flat JSON object built member by member. Members must be added in byte order of their
/// keys, which is the order dump() writes an object in.
class JsonObjectText {
  public:
    /// Adds a string member.
    void text(std::string_view key, std::string_view value);
    /// Adds a string member when the value is set.
    void maybe_text(std::string_view key, const std::optional<std::string>& value);
    /// Adds an integer member when the value is set.
    void number(std::string_view key, const std::optional<std::int64_t>& value);
    /// Adds a member whose value is a two-element array of strings, an empty string written as
    /// null: the [before, after] of a changed field.
    void change(std::string_view key, std::string_view before, std::string_view after);
    /// The finished object text ("{}" when empty); add nothing more until clear().
    const std::string& finish();
    /// Starts a new, empty object.
    void clear() { m_out.clear(); }

  private:
    void open(std::string_view key);
    std::string m_out;
};

} // namespace opsctl::util
