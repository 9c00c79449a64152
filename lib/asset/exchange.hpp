#pragma once
// Export and import of the register as CSV: the built-in columns, then every custom field of
// the policy as an extra column. An exported file imports back unchanged.

#include "lib/context/context.hpp"
#include "lib/output/render.hpp"
#include "lib/util/header_map.hpp"
#include "lib/util/progress.hpp"

#include <cstddef>
#include <istream>
#include <string>
#include <string_view>
#include <vector>

namespace opsctl::asset {

/// The export's column names: tag ... parent, then every custom field key.
std::vector<std::string> exchange_columns(const Context& ctx);
/// Every asset (of one class when `cls` is set) as rows under exchange_columns(), in tag order.
output::Table export_assets(Context& ctx, const std::string& cls);
/// The mode of an export written to a file: the register names people and places, 0600.
inline constexpr unsigned k_export_mode = 0600;

/// How `asset import` treats rows.
struct ImportOptions {
    bool dry_run = false;  // check and report, write nothing
    bool update = false;   // change existing assets instead of refusing them
    std::string key = "tag"; // match existing assets on "tag" or "serial"
    std::string source = "-"; // the file name used in messages
    util::RowProgressFn progress; // called every few hundred rows, when set
    std::vector<std::string> header_map; // "LABEL=column" for header cells (--map)
};

/// One planned change: an asset added or one field of an existing asset changed.
struct ImportChange {
    std::size_t line = 0;
    std::string tag, action, field, before, after; // action: add, update
};

/// What an import did (or, with dry_run, would do).
struct ImportResult {
    std::size_t added = 0, updated = 0, unchanged = 0;
    std::vector<ImportChange> changes;
};

/// The columns an import's header may name, with the labels that name them too: the built-in
/// table (policy::builtin_column_labels) and each custom field's labels from the policy.
std::vector<util::HeaderColumn> import_header_columns(const Context& ctx);

/// Reads CSV from `in` one record at a time (twice when it has a tag column: `in` must be
/// seekable) and checks every row; writes nothing when any is bad (DataError listing each bad
/// line as "file:line: message"), else writes all rows, with their events, in one transaction.
ImportResult import_assets(Context& ctx, std::istream& in, const ImportOptions& options);

} // namespace opsctl::asset
