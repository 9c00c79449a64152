#pragma once
// Asset custody: check-outs to a person or a place and their check-ins (table asset_custody).

#include "lib/store/database.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace opsctl::store {

/// One check-out, open (in_at empty) or returned.
struct CustodyRow {
    std::int64_t id = 0;
    std::string tag;
    std::string holder;
    std::string holder_kind; // "person" or "location"
    std::int64_t out_at = 0;
    std::optional<std::int64_t> due_at;
    std::optional<std::int64_t> in_at;
    std::string note, in_note, out_by, in_by;
};

/// Records a check-out; returns its id. The asset must not be out already (constraint).
std::int64_t insert_checkout(Database& db, const CustodyRow& row);
/// The asset's open check-out, if it is out.
std::optional<CustodyRow> open_checkout(Database& db, const std::string& tag);
/// Closes the open check-out `id` as returned at `at`.
void close_checkout(Database& db, std::int64_t id, std::int64_t at, const std::string& by, const std::string& note);
/// The asset's check-outs, newest first, at most `limit` (all when limit <= 0).
std::vector<CustodyRow> custody_history(Database& db, const std::string& tag, int limit);
/// An open check-out with the register fields of its asset.
struct ReturnDue {
    CustodyRow custody;
    std::string cls, name, owner;
};

/// Open check-outs whose expected return is at or before `until`, soonest first.
std::vector<ReturnDue> returns_due(Database& db, std::int64_t until);
/// Check-outs overdue at `at` as it stood then: out before it, due at or before it and not
/// back by then (returned later or still out), soonest due first.
std::vector<CustodyRow> returns_overdue_at(Database& db, std::int64_t at);

} // namespace opsctl::store
