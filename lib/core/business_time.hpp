#pragma once
// Durations of business time in the unit the SLA policy writes them: "2d" is two working days
// of the calendar (7h 30m each in the sample), not 48 hours.

#include <cstdint>
#include <string>

namespace opsctl::core {

/// Formats business seconds with `workday_seconds` to a day: "2d", "1d 4h", "1d 2h 30m",
/// "7h 05m", "45m", "30s"; negative gets a minus sign. A workday of 0 or less (a 24x7
/// clock) formats as format_seconds does.
std::string format_business_seconds(std::int64_t seconds, std::int64_t workday_seconds);

} // namespace opsctl::core
