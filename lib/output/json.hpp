#pragma once
// JSON text helpers shared by the renderers and by anything else that writes JSON by hand.

#include <string>
#include <string_view>

namespace opsctl::output {

/// `text` as a JSON string literal, quotes included: " \ and control characters escaped
/// (\n \t \r \b \f, others as \u00XX; also DEL, C1 controls and U+2028/U+2029), valid
/// UTF-8 passed through unchanged, each invalid byte replaced by U+FFFD. Always valid JSON.
std::string to_json_string(std::string_view text);

/// Appends to_json_string(text) to `out` without a temporary.
void append_json_string(std::string& out, std::string_view text);

/// True when `text` is a number in JSON's grammar ("-12", "3.50", "1e9"; not "NaN", "+1", ".5").
bool is_json_number(std::string_view text);

} // namespace opsctl::output
