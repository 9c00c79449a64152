#pragma once
// SQL for the asset register: assets, their custom fields, maintenance records, tag numbers.

#include "lib/store/database.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace opsctl::store {

/// One row of `assets` with its custom fields.
struct AssetRow {
    std::string tag, cls, name, model, serial, owner, location, address, status;
    std::string purchased, warranty_until, parent; // empty when not set
    std::string retire_reason;
    std::int64_t created_at = 0, updated_at = 0;
    std::optional<std::int64_t> retired_at, disposed_at;
    std::map<std::string, std::string> fields;
};

/// What `asset list` selects; empty members match anything.
struct AssetFilter {
    std::string cls, status, owner, location, search;
    std::vector<std::pair<std::string, std::string>> columns; // built-in column = value
    std::vector<std::pair<std::string, std::string>> fields;  // custom field = value
    bool active_only = false;                                 // leave out retired and disposed
    std::int64_t limit = 0;                                   // 0: no limit
    bool with_fields = true;                                  // load custom fields
};

/// The asset with this tag.
std::optional<AssetRow> find_asset_row(Database& db, const std::string& tag);
/// Tags of the assets with this serial number (normally one).
std::vector<std::string> tags_with_serial(Database& db, const std::string& serial);
/// Assets matching a filter, in tag order.
std::vector<AssetRow> select_asset_rows(Database& db, const AssetFilter& filter);
/// Calls `fn` for every asset in tag order, custom fields loaded (for export).
void each_asset_row(Database& db, const std::string& cls, const std::function<void(const AssetRow&)>& fn);
/// Number of assets per value of a built-in column (class, status, owner or location).
std::vector<std::pair<std::string, std::int64_t>> count_assets_by(Database& db, const std::string& column);
/// True when an asset with this tag exists.
bool asset_exists(Database& db, const std::string& tag);
/// Every asset tag, in tag order (checking the tags that tickets name).
std::vector<std::string> all_asset_tags(Database& db);
/// Tags of assets whose parent is `tag`.
std::vector<std::string> child_tags(Database& db, const std::string& tag);

/// Looks assets up by tag or serial with statements prepared once (for imports).
class AssetLookup {
public:
    explicit AssetLookup(Database& db);
    ~AssetLookup();
    /// The asset with this tag, custom fields loaded.
    std::optional<AssetRow> find(const std::string& tag);
    /// True when an asset with this tag exists.
    bool exists(const std::string& tag);
    /// Tags of the assets with this (non-empty) serial.
    std::vector<std::string> tags_with_serial(const std::string& serial);
    /// The next free tag number for a prefix, as AssetWriter::next_number() gives it.
    std::int64_t next_number(const std::string& prefix, int digits);

private:
    struct Statements;
    std::unique_ptr<Statements> m_s;
};

/// Writes assets with statements prepared once (for one add and for a 100,000-row import
/// alike). Must be used inside a WriteTransaction.
class AssetWriter {
public:
    explicit AssetWriter(Database& db);
    ~AssetWriter();
    /// Inserts a new asset and its fields.
    void insert(const AssetRow& row);
    /// Rewrites every column of an existing asset and replaces its fields.
    void update(const AssetRow& row);
    /// The next free tag number for a prefix (above every number handed out or imported).
    std::int64_t next_number(const std::string& prefix, int digits);
    /// Records that `number` was used under `prefix`, so that generated tags stay above it.
    void note_number(const std::string& prefix, std::int64_t number);
    /// For a bulk import, inside its write transaction: references are checked at commit (a
    /// parent may come after its children), and the status CHECK is skipped, because it builds
    /// a temporary table on every INSERT (an IN list in SQLite 3.40), the largest single cost
    /// per row; the caller must have refused any status outside the same list itself.
    void begin_bulk_load();

private:
    struct Statements;
    Database& m_db;
    std::unique_ptr<Statements> m_s;
};

/// One row of `asset_maintenance`.
struct MaintenanceRow {
    std::int64_t id = 0;
    std::string tag, kind;
    std::int64_t at = 0;
    std::string note, result;
    std::optional<std::int64_t> spent_secs;
    std::optional<double> cost;
    std::string actor;
    std::int64_t created_at = 0;
};

/// What `asset maint list` selects.
struct MaintenanceFilter {
    std::string tag, kind;
    std::optional<std::int64_t> since;
    std::int64_t limit = 0;
};

/// Appends a maintenance record; returns its id.
std::int64_t insert_maintenance(Database& db, const MaintenanceRow& row);
/// Maintenance records, newest first.
std::vector<MaintenanceRow> select_maintenance(Database& db, const MaintenanceFilter& filter);

/// An asset that is due for something, with its last maintenance of one kind.
struct LastMaintenance {
    std::string tag, name, owner, status;
    std::int64_t created_at = 0;
    std::string purchased;
    std::optional<std::int64_t> last_at;
};
/// Every active asset of a class with the time of its latest maintenance of `kind`.
std::vector<LastMaintenance> last_maintenance(Database& db, const std::string& cls, const std::string& kind);
/// Active assets whose warranty ends on or before `until` (YYYY-MM-DD), and not before `from`.
std::vector<AssetRow> warranties_ending(Database& db, const std::string& from, const std::string& until);
/// The purchase day and the cost (a custom field's text) of an asset.
struct AssetCost {
    std::string purchased, cost;
};
/// Assets of a class in service at `at` (registered before it, not retired or disposed by
/// then) with a purchase day and a value in custom field `field`.
std::vector<AssetCost> asset_costs(Database& db, const std::string& cls, const std::string& field, std::int64_t at);
/// Active assets of a class purchased on or before `date` (YYYY-MM-DD).
std::vector<AssetRow> purchased_before(Database& db, const std::string& cls, const std::string& date);

} // namespace opsctl::store
