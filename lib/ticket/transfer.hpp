#pragma once
// Tickets out to CSV and back: `ticket export` and `ticket import`.

#include "lib/context/context.hpp"
#include "lib/output/render.hpp"
#include "lib/util/progress.hpp"

#include <cstdint>
#include <istream>
#include <ostream>
#include <string>
#include <vector>

namespace opsctl::ticket {

/// The CSV columns of an export, in order; import accepts the same header (any order,
/// computed SLA columns are ignored and recomputed).
const std::vector<std::string>& export_columns();

/// Writes every ticket as RFC 4180 CSV with a header row and CRLF line ends; times as ISO 8601
/// with offset. `form` output::Format::excel writes the spreadsheet form (a UTF-8 byte order
/// mark, formulas neutralised), which import reads too. Returns the number of tickets written.
std::int64_t export_tickets(Context& ctx, std::ostream& out,
                            output::Format form = output::Format::csv);
/// The mode of an export written to a file: tickets hold people's names and problems, 0600.
inline constexpr unsigned k_export_mode = 0600;

/// What an import did or would do.
struct ImportResult {
    std::int64_t rows = 0;
    bool written = false;
};

/// Reads a CSV export one record at a time and checks every row; when any row is bad, throws
/// DataError listing each bad row by line number and writes nothing. Otherwise (unless
/// `dry_run`) inserts all rows in one transaction, each with an "imported" event that replays
/// its timestamps for the SLA clocks. Memory stays bounded whatever the number of rows.
/// Header cells may name columns by label (标题, see policy::builtin_column_labels) or through
/// `header_map` entries "LABEL=column"; assignees may be given by display name and times in
/// a spreadsheet's date forms (core::sheet_date_to_iso). `progress`, when set, is called every
/// few hundred rows.
ImportResult import_tickets(Context& ctx, std::istream& in, bool dry_run,
                            const std::vector<std::string>& header_map = {},
                            const util::RowProgressFn& progress = {});

} // namespace opsctl::ticket
