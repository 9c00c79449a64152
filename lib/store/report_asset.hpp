#pragma once
// The review's asset aggregates over assets and asset_maintenance (see schema_assets.cpp).
// An asset is "in service" at an instant when it was registered before it and not retired
// (or disposed) by then.

#include "lib/store/report_common.hpp"

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace opsctl::store {

/// Assets of one class in a period.
struct AssetClassCounts {
    std::string cls;
    std::int64_t in_service = 0; // at the period's end
    std::int64_t added = 0, retired = 0, disposed = 0;
};

/// Maintenance of one class and kind in a period against what its cadence asked for.
struct MaintenanceDue {
    std::int64_t due = 0;  // assets in service whose maintenance fell due before the period's end
    std::int64_t done = 0; // of those, maintained (this kind) in the period
};

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
/// Counts per class for the period (classes with any asset registered before its end).
std::vector<AssetClassCounts> assets_by_class(Database& db, const ReportPeriod& p);
/// Maintenance records made in the period per kind.
std::vector<std::pair<std::string, std::int64_t>> maintenance_by_kind(Database& db, const ReportPeriod& p);
/// Due and done for one class and kind: an asset is due when its last maintenance of `kind`
/// before the period (or its registration) is at or before `cutoff` (the period's end less
/// the cadence).
MaintenanceDue maintenance_due(Database& db, const std::string& cls, const std::string& kind, const ReportPeriod& p,
                               std::int64_t cutoff);
/// For each (class, bound) given, in that order: how many assets of the class not retired or
/// disposed have their newest maintenance of `kind` (their registration when they have none)
/// at or before the bound.
std::vector<std::int64_t>
count_maintained_by(Database& db, const std::string& kind,
                    const std::vector<std::pair<std::string, std::int64_t>>& bounds);
/// Visits the assets of `cls` not retired or disposed whose newest maintenance of `kind` (or
/// registration) is in [from, to], in ascending order of that instant, then tag; the views are
/// valid only during the call, and `visit` returns false to stop.
void visit_maintained_between(Database& db, const std::string& cls, const std::string& kind,
                              std::int64_t from, std::int64_t to,
                              const std::function<bool(const AssetLastMaintenance&)>& visit);
/// Assets in service whose warranty's last day is in [from, to] (YYYY-MM-DD), by date and tag.
std::vector<AssetEnding> warranties_ending_between(Database& db, const std::string& from, const std::string& to);
/// Assets of a class in service purchased in [from, to] (YYYY-MM-DD), by date and tag.
std::vector<AssetEnding> purchased_between(Database& db, const std::string& cls, const std::string& from,
                                           const std::string& to);

} // namespace opsctl::store
