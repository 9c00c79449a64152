#pragma once
// Amounts of money as integer cents: parsed from and written as decimal text ("12000.50"),
// never through binary floating point.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace opsctl::util {

/// The largest amount accepted, in cents (one trillion units).
inline constexpr std::int64_t k_max_cents = 100'000'000'000'000;

/// Parses "12000", "12000.5", "12000.50", "12,000.50" (thousands commas), "¥12000" (a currency
/// sign before it is dropped); nullopt when negative, malformed, above k_max_cents or with
/// more than two decimals.
std::optional<std::int64_t> parse_cents(std::string_view text);
/// Writes cents as a decimal with two places: 1200050 -> "12000.50", -5 -> "-0.05".
std::string format_cents(std::int64_t cents);

} // namespace opsctl::util
