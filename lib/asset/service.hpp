#pragma once
// The asset register as other domains see it (tickets, inspections, reports): read-only
// summaries by tag, class and status. Stable: other groups build on these signatures.

#include "lib/context/context.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace opsctl::asset {

/// What another domain needs to know about one asset. `fields` holds the custom fields of
/// its class as canonical text (int as decimal, date YYYY-MM-DD, bool true/false).
struct AssetSummary {
    std::string tag, cls, name, status, owner, location, address;
    std::map<std::string, std::string> fields;
};

/// The asset with this tag, or nullopt when there is none.
std::optional<AssetSummary> find_asset(Context& ctx, const std::string& tag);

/// Every registered tag, in tag order (tickets check the tags they name against these).
std::vector<std::string> asset_tags(Context& ctx);

/// Assets of a class and status in tag order; an empty class or status matches any
/// (e.g. the inspect targets: select_assets(ctx, "server", "in_use")).
std::vector<AssetSummary> select_assets(Context& ctx, const std::string& cls, const std::string& status);

} // namespace opsctl::asset
