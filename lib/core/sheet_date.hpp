#pragma once
// Dates and times as spreadsheets (Excel, WPS) write them into CSV, rewritten in the ISO
// form that parse_date and parse_time read.

#include <optional>
#include <string>
#include <string_view>

namespace opsctl::core {

/// What sheet_date_to_iso made of a cell.
struct SheetDate {
    enum class Kind { not_a_date, ambiguous, iso } kind = Kind::not_a_date;
    std::string iso; // with Kind::iso: "2023-05-06" or "2023-05-06T14:30[:SS]"
};

/// Year-first dates with '/', '.', '-' or 年月日 ("2023/5/6", "2023.5.6", "2023-5-6",
/// "2023年5月6日"), optionally followed by a time of day "H:MM" or "H:MM:SS" after a space,
/// become "YYYY-MM-DD[THH:MM[:SS]]". A date with the year last ("5/6/2023") is day-first in
/// some locales and month-first in others: Kind::ambiguous, never guessed. Text that is
/// already ISO 8601 (or anything else) is Kind::not_a_date: the caller keeps it as it is.
SheetDate sheet_date_to_iso(std::string_view text);

} // namespace opsctl::core
