#pragma once
// The asset register: adding, changing and listing assets, the lifecycle, handovers and
// inventory counts. Every change is written with its event in one transaction.

#include "lib/context/context.hpp"
#include "lib/store/asset_repo.hpp"
#include "lib/store/custody_repo.hpp"
#include "lib/store/stocktake_repo.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace opsctl::asset {

/// One asset with all its columns and custom fields.
using Asset = store::AssetRow;

/// The fixed statuses in lifecycle order.
const std::vector<std::string>& statuses();
/// True when the lifecycle allows `from` -> `to`: only forward
/// (in_stock, in_use, retired, disposed), except maintenance <-> in_use both ways.
bool can_move(const std::string& from, const std::string& to);
/// The built-in columns in export order (tag ... parent).
const std::vector<std::string>& builtin_columns();
/// The value of a built-in column or custom field of an asset ("" when unset).
std::string value_of(const Asset& asset, const std::string& key);
/// Sets a built-in column or custom field ("" clears a custom field).
void set_value(Asset& asset, const std::string& key, const std::string& value);

/// A column name looked up once (a built-in column or a custom field key), so that a file's
/// rows are set by position without comparing names on every row.
struct AssetColumn {
    std::string Asset::*member = nullptr; // the built-in column, or nullptr for a custom field
    std::string key;                      // the name as given
};
/// The column a name stands for.
AssetColumn resolve_column(const std::string& key);
/// Sets a resolved column; same rules as set_value by name.
void set_value(Asset& asset, const AssetColumn& column, const std::string& value);

/// A custom field value checked against its type and written canonically
/// (int decimal, date YYYY-MM-DD, bool true/false); nullopt with `problem` set when wrong.
std::optional<std::string> check_field_value(const policy::AssetField& field, const std::string& value,
                                             std::string& problem);

/// Checks a whole asset against the policy and normalises its values; returns one message
/// per problem (empty when valid). `new_owner` also refuses people marked inactive.
std::vector<std::string> check_asset(const Context& ctx, Asset& asset, bool new_owner);

/// One changed value.
struct FieldChange {
    std::string field, before, after;
};
/// The values that differ between two versions of an asset (columns, then custom fields).
std::vector<FieldChange> diff_assets(const Asset& before, const Asset& after);

/// What `asset add` and `asset update` set; unset members are left alone.
struct AssetInput {
    std::optional<std::string> name, model, serial, owner, location, address, purchased, warranty_until, parent,
        status;
    std::vector<std::string> set;   // "key=value" custom fields
    std::vector<std::string> unset; // custom field keys to clear
};

/// Adds an asset of class `cls`; the tag is generated from the class prefix when not given.
/// Throws DataError naming each problem, UsageError for an unknown class.
Asset add_asset(Context& ctx, const std::string& cls, const std::string& tag, const AssetInput& input);
/// Changes an asset; returns what changed (nothing written when nothing changed).
std::vector<FieldChange> update_asset(Context& ctx, const std::string& tag, const AssetInput& input);
/// Moves an asset to `retired`, keeping the reason.
Asset retire_asset(Context& ctx, const std::string& tag, const std::string& reason);
/// Moves a retired asset to `disposed`.
Asset dispose_asset(Context& ctx, const std::string& tag);
/// The asset with this tag; throws NotFound.
Asset get_asset(Context& ctx, const std::string& tag);

/// Everything `asset show` presents of the asset itself.
struct AssetDetail {
    Asset asset;
    std::vector<std::string> children;              // tags of the assets it contains
    std::vector<store::MaintenanceRow> maintenance; // newest first, at most `history`
    std::vector<store::CustodyRow> custody;         // check-outs, newest first, at most `history`
    std::optional<store::LastAudit> last_audit;     // the newest finished stock-take that counted it
};
/// The asset with its contents and its latest `history` maintenance records; throws NotFound.
AssetDetail asset_detail(Context& ctx, const std::string& tag, std::int64_t history);

/// One asset handed from one person to another.
struct Transfer {
    std::string tag, cls, name, from, to;
};
/// Moves every asset (still in stock, in use or in maintenance) owned by `from` to `to`,
/// optionally only of one class, in one transaction; `dry_run` only lists them.
std::vector<Transfer> transfer_assets(Context& ctx, const std::string& from, const std::string& to,
                                      const std::string& cls, bool dry_run);

/// What `asset list` asks for; `where` holds "key=value" on columns or custom fields.
struct ListQuery {
    std::string cls, status, owner, location, search;
    std::vector<std::string> where;
    std::int64_t limit = 0;
    bool with_fields = true; // load custom fields (a plain listing does not show them)
};
/// Assets matching a query, in tag order; throws UsageError for an unknown class, status or key.
std::vector<Asset> list_assets(Context& ctx, const ListQuery& query);

/// Number of assets per class, status, owner or location.
std::vector<std::pair<std::string, std::int64_t>> count_assets(Context& ctx, const std::string& by);

} // namespace opsctl::asset
