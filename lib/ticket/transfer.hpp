#pragma once
// Tickets out to CSV and back: `ticket export` and `ticket import`.

#include "lib/context/context.hpp"

#include <cstdint>
#include <istream>
#include <ostream>
#include <string>
#include <vector>

namespace opsctl::ticket {

/// The CSV columns of an export, in order; import accepts the same header (any order,
/// computed SLA columns are ignored and recomputed).
const std::vector<std::string>& export_columns();

/// Writes every ticket as RFC 4180 CSV with a header row; times as ISO 8601 with offset.
/// Returns the number of tickets written.
std::int64_t export_tickets(Context& ctx, std::ostream& out);

/// What an import did or would do.
struct ImportResult {
    std::int64_t rows = 0;
    bool written = false;
};

/// Checks every row of a CSV export first; when any row is bad, throws DataError listing each
/// bad row by line number and writes nothing. Otherwise (unless `dry_run`) inserts all rows in
/// one transaction, each with an "imported" event that replays its timestamps for the SLA clocks.
ImportResult import_tickets(Context& ctx, std::istream& in, bool dry_run);

/// Splits RFC 4180 CSV into records; each record remembers the line it starts on.
struct CsvRecord {
    int line = 0;
    std::vector<std::string> fields;
};
/// The largest CSV field accepted (bytes); a larger one is refused as bad data.
inline constexpr std::size_t k_max_csv_field = 1024 * 1024;
/// Parses all of `text`; DataError naming the line of an unterminated quote, a NUL byte, a
/// field that is not valid UTF-8 or one larger than k_max_csv_field.
std::vector<CsvRecord> parse_csv(const std::string& text);
/// The same, reading `in` as it goes (memory stays bounded by the records, not the file).
std::vector<CsvRecord> parse_csv(std::istream& in);

} // namespace opsctl::ticket
