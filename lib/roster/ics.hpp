#pragma once
// The schedule as an iCalendar file (RFC 5545), for calendar programs.

#include "lib/policy/policy.hpp"
#include "lib/roster/duty.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace opsctl::roster {

/// A VCALENDAR with one VEVENT per duty: times in UTC, a UID that stays the same for the same
/// rotation, shift and start, the person's name in the summary; CRLF line ends and lines
/// folded at 75 octets without splitting a UTF-8 character. `stamp` is the DTSTAMP.
std::string to_ics(const std::vector<Duty>& duties, const policy::Policy& policy, std::int64_t stamp);

/// Escapes TEXT for an iCalendar property value (backslash, semicolon, comma, newline).
std::string ics_escape(std::string_view text);

/// Folds one content line (without its CRLF) into lines of at most 75 octets, joined by CRLF
/// and a space, never inside a UTF-8 sequence.
std::string ics_fold(std::string_view line);

} // namespace opsctl::roster
