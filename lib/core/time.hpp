#pragma once
// Instants: "now" (fixed by OPSCTL_NOW in tests), parsing and ISO 8601 formatting.

#include "lib/core/zone.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace opsctl::core {

/// Unix seconds now, or the instant in $OPSCTL_NOW when set; a malformed
/// OPSCTL_NOW throws UsageError rather than silently using the real clock.
std::int64_t now();

/// Parses an instant. Accepts ISO 8601 with or without seconds and offset
/// ("2026-10-01T09:00:00+08:00", "2026-10-01 09:00", "2026-10-01T01:00Z"),
/// a bare date (its midnight in `zone`), and "@UNIX". A reading without an
/// offset is taken in `zone`. nullopt when malformed.
std::optional<std::int64_t> parse_time(std::string_view text, const Zone& zone);

/// Like parse_time, but throws UsageError naming `what` when malformed.
std::int64_t parse_time_or_throw(std::string_view text, const Zone& zone, std::string_view what);

/// ISO 8601 with the zone's offset: "2026-10-01T09:00:00+08:00".
std::string format_time(std::int64_t unix_time, const Zone& zone);
/// Short local form for tables: "2026-10-01 09:00".
std::string format_time_short(std::int64_t unix_time, const Zone& zone);

} // namespace opsctl::core
