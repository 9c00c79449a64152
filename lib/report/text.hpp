#pragma once
// Every title, label and phrase of the review in English and Simplified Chinese.

#include "lib/report/review.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace opsctl::report {

/// The text of `key` in `lang`; throws Failure for a key that has no translation (a bug).
const std::string& tr(Language lang, std::string_view key);
/// True when `key` has a translation.
bool has_text(std::string_view key);
/// The word of `key` for `n` things: its English text is "singular|plural" ("ticket|tickets"),
/// its Chinese text has no plural.
std::string plural(Language lang, std::string_view key, std::int64_t n);

} // namespace opsctl::report
