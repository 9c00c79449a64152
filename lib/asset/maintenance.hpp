#pragma once
// Maintenance records (never edited: a correction is a new record) and what is due:
// maintenance by class cadence, warranties ending, service life reached.

#include "lib/context/context.hpp"
#include "lib/core/duration.hpp"
#include "lib/store/asset_repo.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace opsctl::asset {

/// One maintenance record, as stored.
using MaintenanceRecord = store::MaintenanceRow;
/// What `asset maint list` selects.
using MaintenanceFilter = store::MaintenanceFilter;

/// What `asset maint add` records.
struct MaintenanceInput {
    std::string tag, kind, note, result;
    std::optional<std::int64_t> spent_secs;
    std::optional<double> cost;
    std::optional<std::int64_t> at; // default: now
};

/// Appends a maintenance record with its event; returns it with its id.
store::MaintenanceRow add_maintenance(Context& ctx, const MaintenanceInput& input);
/// Maintenance records, newest first; an unknown tag or kind throws.
std::vector<store::MaintenanceRow> list_maintenance(Context& ctx, const store::MaintenanceFilter& filter);

/// One thing due for one asset.
struct DueItem {
    std::string tag, cls, name, owner;
    std::string what;                   // a maintenance kind, "audit", "warranty", "service_life" or "return"
    std::int64_t due_at = 0;            // when it is (or was) due
    std::optional<std::int64_t> last_at; // the last maintenance of that kind (a return: the check-out;
                                         // an audit: the last stock-take that saw the asset)
    bool overdue = false;               // maintenance late, service life reached, return late
    std::string holder;                 // a return: who (or where) has the asset
};

/// Everything due within `within` of now (and everything overdue), soonest first: maintenance,
/// stock-takes by the class's audit_every, service life, returns of checked-out assets (asset/custody.hpp). Warranties are listed when they end within the longer of `within` and assets.warranty_notice.
std::vector<DueItem> due_items(Context& ctx, const core::Duration& within);

} // namespace opsctl::asset
