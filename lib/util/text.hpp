#pragma once
// Small string helpers that know nothing of operations.

#include <string>
#include <string_view>
#include <vector>

namespace opsctl::util {

/// Splits on a delimiter; empty fields are kept.
std::vector<std::string> split(std::string_view text, char delimiter);
/// Removes ASCII white space at both ends.
std::string_view trim(std::string_view text);
/// Joins with a separator.
std::string join(const std::vector<std::string>& parts, std::string_view separator);
/// Edit distance between two byte strings.
std::size_t edit_distance(std::string_view a, std::string_view b);
/// The candidate closest to `word` when it is a plausible misspelling, else empty.
std::string closest(std::string_view word, const std::vector<std::string>& candidates);
/// "did you mean 'x'?" for a misspelt word, or "known: a, b, c" when nothing is close.
std::string suggest(std::string_view word, const std::vector<std::string>& candidates);
/// ASCII lower case.
std::string to_lower(std::string_view text);

} // namespace opsctl::util
