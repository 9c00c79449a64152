#pragma once
// Book values: what an asset is still worth on a day, by its class's depreciation method
// (straight line from the purchase day over the class's life, down to the residual value).
// Amounts are integer cents throughout.

#include "lib/context/context.hpp"
#include "lib/core/date.hpp"
#include "lib/store/asset_repo.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace opsctl::asset {

/// An asset's value on a day.
struct BookValue {
    core::Date on;
    std::int64_t cost = 0, residual = 0, value = 0; // cents
    core::Date written_down; // the day the value reaches the residual
};

/// The straight-line value of `cost` cents bought on `purchased` on day `on`: the cost on the
/// purchase day (and before), falling by the same amount each day, the residual from the
/// end of `dep.life` on; rounded half up to a cent.
BookValue straight_line(const policy::Depreciation& dep, std::int64_t cost, core::Date purchased, core::Date on);

/// The book value of an asset on `on`; nullopt when its class has no depreciation or the
/// asset has no purchase day or no cost.
std::optional<BookValue> book_value(const Context& ctx, const store::AssetRow& asset, core::Date on);

/// Book values of one class's assets in service at an instant.
struct ClassBookValue {
    std::string cls;
    std::int64_t assets = 0;    // with a cost and a purchase day
    std::int64_t cost = 0;      // cents
    std::int64_t value = 0;     // cents, on the day
};
/// Every class with depreciation: the sum of its assets' costs and book values on `on`, over
/// the assets in service at `at` (registered before, not retired or disposed by then).
std::vector<ClassBookValue> book_values_by_class(Context& ctx, core::Date on, std::int64_t at);

} // namespace opsctl::asset
