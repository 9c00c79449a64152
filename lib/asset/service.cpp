#include "lib/asset/service.hpp"

#include "lib/store/asset_repo.hpp"

namespace opsctl::asset {

namespace {

AssetSummary summary_of(store::AssetRow&& row) {
    return AssetSummary{std::move(row.tag),     std::move(row.cls),      std::move(row.name),
                        std::move(row.status),  std::move(row.owner),    std::move(row.location),
                        std::move(row.address), std::move(row.fields)};
}

} // namespace

std::optional<AssetSummary> find_asset(Context& ctx, const std::string& tag) {
    auto row = store::find_asset_row(ctx.db, tag);
    if (!row) {
        return std::nullopt;
    }
    return summary_of(std::move(*row));
}

std::vector<std::string> asset_tags(Context& ctx) { return store::all_asset_tags(ctx.db); }

std::vector<AssetSummary> select_assets(Context& ctx, const std::string& cls, const std::string& status) {
    store::AssetFilter filter;
    filter.cls = cls;
    filter.status = status;
    std::vector<AssetSummary> out;
    for (auto& row : store::select_asset_rows(ctx.db, filter)) {
        out.push_back(summary_of(std::move(row)));
    }
    return out;
}

} // namespace opsctl::asset
