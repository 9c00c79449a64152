#pragma once
// Item statuses as monitoring plugins speak them: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.

#include <optional>
#include <string>
#include <string_view>

namespace opsctl::inspect {

inline constexpr int k_ok = 0;
inline constexpr int k_warning = 1;
inline constexpr int k_critical = 2;
inline constexpr int k_unknown = 3;

/// "OK", "WARNING", "CRITICAL", "UNKNOWN"; "PENDING" for nullopt (a manual item not answered).
std::string status_name(std::optional<int> status);
/// Lower-case word for tables and JSON: "ok", "warning", "critical", "unknown", "pending".
std::string status_word(std::optional<int> status);
/// The worse of two statuses: CRITICAL > UNKNOWN > WARNING > OK (a known failure outranks
/// a check that could not tell).
int worse(int a, int b);
/// Reads "ok", "warn"/"warning", "fail"/"critical", "unknown" (any case); nullopt otherwise.
std::optional<int> parse_status_word(std::string_view word);

} // namespace opsctl::inspect
