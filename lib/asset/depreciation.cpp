#include "lib/asset/depreciation.hpp"

#include "lib/util/money.hpp"

namespace opsctl::asset {

namespace {

core::Date end_of_life(const policy::Depreciation& dep, core::Date purchased) {
    // Months first, then days: as service_life is counted everywhere else.
    return core::add_days(core::add_months(purchased, static_cast<int>(dep.life.months)), dep.life.days);
}

// a * b / c rounded half up, for non-negative values, without overflow.
std::int64_t mul_div_round(std::int64_t a, std::int64_t b, std::int64_t c) {
    const __int128 n = static_cast<__int128>(a) * b;
    return static_cast<std::int64_t>((n + c / 2) / c);
}

} // namespace

BookValue straight_line(const policy::Depreciation& dep, std::int64_t cost, core::Date purchased, core::Date on) {
    BookValue v;
    v.on = on;
    v.cost = cost;
    v.residual = dep.residual_cents ? std::min(*dep.residual_cents, cost)
                                    : mul_div_round(cost, dep.residual_basis_points, 10000);
    v.written_down = end_of_life(dep, purchased);
    const std::int64_t total = core::days_from_civil(v.written_down) - core::days_from_civil(purchased);
    const std::int64_t elapsed = core::days_from_civil(on) - core::days_from_civil(purchased);
    if (elapsed <= 0) {
        v.value = cost;
    } else if (total <= 0 || elapsed >= total) {
        v.value = v.residual;
    } else {
        v.value = cost - mul_div_round(cost - v.residual, elapsed, total);
    }
    return v;
}

std::optional<BookValue> book_value(const Context& ctx, const store::AssetRow& asset, core::Date on) {
    const auto* cls = ctx.policy.assets.find_class(asset.cls);
    if (!cls || !cls->depreciation || asset.purchased.empty()) {
        return std::nullopt;
    }
    const auto it = asset.fields.find(cls->depreciation->cost_field);
    if (it == asset.fields.end()) {
        return std::nullopt;
    }
    const auto cost = util::parse_cents(it->second);
    const auto purchased = core::parse_date(asset.purchased);
    if (!cost || !purchased) {
        return std::nullopt;
    }
    return straight_line(*cls->depreciation, *cost, *purchased, on);
}

std::vector<ClassBookValue> book_values_by_class(Context& ctx, core::Date on, std::int64_t at) {
    std::vector<ClassBookValue> out;
    for (const auto& cls : ctx.policy.assets.classes) {
        if (!cls.depreciation) {
            continue;
        }
        ClassBookValue c;
        c.cls = cls.id;
        for (const auto& row : store::asset_costs(ctx.db, cls.id, cls.depreciation->cost_field, at)) {
            const auto cost = util::parse_cents(row.cost);
            const auto purchased = core::parse_date(row.purchased);
            if (!cost || !purchased) {
                continue;
            }
            const auto v = straight_line(*cls.depreciation, *cost, *purchased, on);
            ++c.assets;
            c.cost += v.cost;
            c.value += v.value;
        }
        out.push_back(std::move(c));
    }
    return out;
}

} // namespace opsctl::asset
