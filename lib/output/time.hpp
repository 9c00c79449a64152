#pragma once
// A time as a cell: one form for every command (see Cell::time).

#include "lib/core/zone.hpp"
#include "lib/output/render.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace opsctl::output {

/// The instant in `zone` as a time cell: ISO 8601 with offset in CSV, TSV and JSON,
/// "YYYY-MM-DD HH:MM" in tables and Markdown.
Cell time_cell(std::int64_t unix_time, const core::Zone& zone);
/// As above; null when there is no time.
Cell time_cell(const std::optional<std::int64_t>& unix_time, const core::Zone& zone);
/// `value` with every integer under a key "at" or ending in "_at" (Unix seconds, as events
/// and snapshots store them) turned into ISO 8601 with the zone's offset, at any depth.
nlohmann::json iso_times(const nlohmann::json& value, const core::Zone& zone);
/// The same time inside a text cell: "YYYY-MM-DD HH:MM" for table and md, else ISO 8601.
std::string time_text(std::int64_t unix_time, const core::Zone& zone, Format format);

} // namespace opsctl::output
