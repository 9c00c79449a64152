#pragma once
// Stock-takes (盘点): a count of the assets at one place. Opened per place (one open at a
// time), tags recorded as a barcode scanner reads them, and at the finish compared with the
// register: what was expected and not seen is missing, what was seen and belongs elsewhere
// (or is not in the register at all) is unexpected. Each step is an event of the stock-take.

#include "lib/context/context.hpp"
#include "lib/store/stocktake_repo.hpp"

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace opsctl::asset {

/// A stock-take, and one tag of it, as stored.
using Audit = store::AuditRow;
using AuditItem = store::AuditItemRow;

/// The longest tag a scan may hold, in bytes.
inline constexpr std::size_t k_max_scanned_tag = 200;

/// Tags from a scanner's output, one a line, in order (repeats kept): a BOM, CR line ends,
/// blank lines and surrounding spaces are dropped. DataError naming `source` and the first
/// lines that hold a control character, invalid UTF-8 or too long a tag (nothing is used then).
std::vector<std::string> read_scanned_tags(std::istream& in, const std::string& source);

/// Opens a stock-take at `location` (a listed location when the policy lists them);
/// DataError when one is open there already.
store::AuditRow start_audit(Context& ctx, const std::string& location);

/// The stock-take meant: `id` when given, else the open one at `location`, else the only
/// open one. NotFound or UsageError (several open) otherwise; DataError when `open` is asked
/// and it is finished.
store::AuditRow resolve_audit(Context& ctx, std::optional<std::int64_t> id, const std::string& location, bool open);

/// What one scan batch did.
struct ScanResult {
    store::AuditRow audit;
    std::int64_t scans = 0;   // tags read, repeats included
    std::int64_t fresh = 0;   // tags new to the stock-take
    std::vector<std::string> unknown; // new tags the register does not know, in order
};
/// Records scanned tags in an open stock-take (all or nothing).
ScanResult scan_tags(Context& ctx, std::int64_t audit_id, const std::vector<std::string>& tags);

/// A stock-take with its tags (register fields joined), in tag order.
struct AuditReport {
    store::AuditRow audit;
    std::vector<store::AuditItemRow> items;
};
/// Compares an open stock-take with the register and closes it.
AuditReport finish_audit(Context& ctx, std::int64_t audit_id);
/// A stock-take as recorded; NotFound when there is none.
AuditReport audit_report(Context& ctx, std::int64_t audit_id);
/// Stock-takes, newest first.
std::vector<store::AuditRow> list_audits(Context& ctx, bool open_only, const std::string& location,
                                         std::int64_t limit);

} // namespace opsctl::asset
