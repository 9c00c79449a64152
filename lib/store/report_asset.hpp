#pragma once
// What the review reads of assets and asset_maintenance (see schema_assets.cpp): the register
// and the recent records one row at a time, for lib/report to count in service, due and
// overdue; warranties and service lives ending.

#include "lib/store/report_common.hpp"

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace opsctl::store {

/// An asset whose warranty or service life ends in a span.
struct AssetEnding {
    std::string tag, cls, name, owner;
    std::string date; // YYYY-MM-DD: the warranty's last day, or the purchase date
};

/// An asset not retired or disposed, with its newest maintenance of one kind; the views are
/// valid only during the visit.
struct AssetLastMaintenance {
    std::string_view tag, name, owner;
    std::int64_t created_at = 0;
    std::optional<std::int64_t> last_at;
};

/// True when the register holds any asset.
bool report_has_assets(Database& db);
/// One asset's class, status and life, for counting in service, due and overdue one asset at
/// a time; `row` is its row number in the register, the views are valid only during the visit.
struct AssetLife {
    std::int64_t row = 0;
    std::string_view tag, cls, status;
    std::string_view warranty_until; // YYYY-MM-DD, or empty
    std::int64_t created_at = 0;
    std::optional<std::int64_t> retired_at, disposed_at;
};
/// Visits every asset of the register, in ascending order of `row`.
void visit_asset_lives(Database& db, const std::function<void(const AssetLife&)>& visit);
/// Visits the maintenance records of `kind` made after `after` (the asset's tag and the
/// instant) in ascending order of the instant: the kind's range of asset_maintenance_kind_at
/// alone, never a row of the table.
void visit_maintenance_after(Database& db, const std::string& kind, std::int64_t after,
                             const std::function<void(std::string_view tag, std::int64_t at)>& visit);
/// True when the asset `tag` has a maintenance record of `kind` at or before `at`.
bool has_maintenance_by(Database& db, std::string_view tag, const std::string& kind, std::int64_t at);
/// Maintenance records made in the period per kind.
std::vector<std::pair<std::string, std::int64_t>> maintenance_by_kind(Database& db, const ReportPeriod& p);
/// Visits the assets of `cls` not retired or disposed whose newest maintenance of `kind` (or
/// registration) is in [from, to], in ascending order of that instant, then tag; the views are
/// valid only during the call, and `visit` returns false to stop.
void visit_maintained_between(Database& db, const std::string& cls, const std::string& kind,
                              std::int64_t from, std::int64_t to,
                              const std::function<bool(const AssetLastMaintenance&)>& visit);
/// The warranties of the assets of these register rows (AssetLife::row), by date and tag.
std::vector<AssetEnding> warranties_of(Database& db, const std::vector<std::int64_t>& rows);
/// Assets of a class in service purchased in [from, to] (YYYY-MM-DD), by date and tag.
std::vector<AssetEnding> purchased_between(Database& db, const std::string& cls, const std::string& from,
                                           const std::string& to);

} // namespace opsctl::store
