#pragma once
// The `assets` section: asset classes (tag prefix, typed custom fields, service life,
// maintenance cadences) and the known locations.

#include "lib/core/duration.hpp"
#include "lib/policy/origin.hpp"

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace opsctl::policy {

/// The type of a custom field; values are stored as text in canonical form.
enum class FieldType { string, integer, date, boolean, enumeration, money };

/// The policy word for a field type ("string", "int", "date", "bool", "enum", "money").
const char* field_type_name(FieldType type);

/// One custom field of an asset class.
struct AssetField {
    std::string key;
    std::string label; // shown in tables; the key when not set
    FieldType type = FieldType::string;
    bool required = false;
    std::vector<std::string> values; // the allowed values of an enum
    Origin origin;
};

/// The maintenance kinds a record may have, in display order.
const std::vector<std::string>& maintenance_kinds();

/// How a class loses value: straight line from the purchase day over `life` down to the
/// residual value. Amounts are integer cents.
struct Depreciation {
    std::string method = "straight_line"; // the only method
    std::string cost_field;               // the class's money field holding the purchase cost
    core::Duration life;                  // the class's service_life when not given
    std::optional<std::int64_t> residual_cents;    // a fixed residual value, or
    std::int64_t residual_basis_points = 0;        // a share of the cost (10% = 1000)
    Origin origin;
};

/// One class of asset: `server`, `pc`, `meeting-room`, ...
struct AssetClass {
    std::string id;
    std::string label;                               // e.g. 服务器; the id when not set
    std::string prefix;                              // tag prefix: SRV gives SRV-0001
    int digits = 4;                                  // width of the generated number
    std::vector<AssetField> fields;                  // in policy order
    std::optional<core::Duration> service_life;      // retire after this long since purchase
    std::map<std::string, core::Duration> cadences;  // maintenance kind -> how often
    std::optional<core::Duration> audit_every;       // each asset seen by a stock-take this often
    std::optional<Depreciation> depreciation;        // none: no book value
    Origin origin;

    /// The field with this key, or nullptr.
    const AssetField* field(const std::string& key) const;
};

/// Validated `assets` policy.
struct AssetPolicy {
    std::vector<AssetClass> classes;     // in policy order
    std::vector<std::string> locations;  // empty: any location is accepted
    core::Duration warranty_notice{0, 30, 0}; // how early `asset due` mentions a warranty's end
    std::optional<Origin> locations_origin;

    /// The class with this id, or nullptr.
    const AssetClass* find_class(const std::string& id) const;
    /// Every class id, in policy order.
    std::vector<std::string> class_ids() const;
    /// Every custom field key over all classes, first appearance first.
    std::vector<std::string> field_keys() const;
    std::size_t count() const { return classes.size(); }
};

} // namespace opsctl::policy
