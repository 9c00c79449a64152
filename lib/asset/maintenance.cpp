#include "lib/asset/maintenance.hpp"

#include "lib/asset/inventory.hpp"
#include "lib/store/custody_repo.hpp"
#include "lib/store/stocktake_repo.hpp"
#include "lib/context/audit.hpp"
#include "lib/core/date.hpp"
#include "lib/core/error.hpp"
#include "lib/policy/lookup.hpp"
#include "lib/core/time.hpp"
#include "lib/util/text.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace opsctl::asset {

namespace {

// The local calendar date of an instant in the site's zone.
core::Date local_date(const Context& ctx, std::int64_t t) {
    // Midnight-based arithmetic through the formatted local time keeps DST and offsets right.
    return *core::parse_date(core::format_time(t, ctx.zone()).substr(0, 10));
}

std::int64_t local_midnight(const Context& ctx, const core::Date& d) {
    return *core::parse_time(core::format_date(d), ctx.zone());
}

core::Date minus(core::Date d, const core::Duration& by) {
    d = core::add_months(d, static_cast<int>(-by.months));
    d = core::add_days(d, -by.days - by.seconds / 86400);
    return d;
}

core::Date plus(core::Date d, const core::Duration& by) {
    d = core::add_months(d, static_cast<int>(by.months));
    d = core::add_days(d, by.days + by.seconds / 86400);
    return d;
}

} // namespace

store::MaintenanceRow add_maintenance(Context& ctx, const MaintenanceInput& in) {
    policy::require_one_of("maintenance kind", in.kind, policy::maintenance_kinds());
    if (util::trim(in.note).empty()) {
        throw UsageError("a maintenance record needs a note", "say what was done with --note TEXT");
    }
    if (in.cost && *in.cost < 0) {
        throw UsageError("--cost cannot be negative");
    }
    return store::write_transaction(ctx.db, [&] {
        const Asset a = get_asset(ctx, in.tag);
        if (a.status == "disposed") {
            throw DataError(fmt::format("asset '{}' is disposed", in.tag));
        }
        store::MaintenanceRow row;
        row.tag = in.tag;
        row.kind = in.kind;
        row.at = in.at.value_or(ctx.now);
        if (row.at > ctx.now) {
            throw UsageError("a maintenance record cannot be in the future", "--at is for work already done");
        }
        row.note = std::string(util::trim(in.note));
        row.result = std::string(util::trim(in.result));
        row.spent_secs = in.spent_secs;
        row.cost = in.cost;
        row.actor = ctx.actor;
        row.created_at = ctx.now;
        row.id = store::insert_maintenance(ctx.db, row);
        nlohmann::json fields = {{"id", row.id}, {"kind", row.kind}, {"at", row.at}, {"note", row.note}};
        if (!row.result.empty()) {
            fields["result"] = row.result;
        }
        if (row.spent_secs) {
            fields["spent_secs"] = *row.spent_secs;
        }
        if (row.cost) {
            fields["cost"] = *row.cost;
        }
        audit::record(ctx, "asset", in.tag, "maintained", std::move(fields));
        return row;
    });
}

std::vector<store::MaintenanceRow> list_maintenance(Context& ctx, const store::MaintenanceFilter& filter) {
    if (!filter.kind.empty()) {
        policy::require_one_of("maintenance kind", filter.kind, policy::maintenance_kinds());
    }
    if (!filter.tag.empty() && !store::asset_exists(ctx.db, filter.tag)) {
        throw NotFound(fmt::format("no asset '{}'", filter.tag));
    }
    return store::select_maintenance(ctx.db, filter);
}

std::vector<DueItem> due_items(Context& ctx, const core::Duration& within) {
    std::vector<DueItem> out;
    const std::int64_t horizon = core::add_calendar(ctx.now, within, ctx.zone());
    const core::Date today = local_date(ctx, ctx.now);
    const core::Date last_day = local_date(ctx, horizon);
    for (const auto& cls : ctx.policy.assets.classes) {
        for (const auto& [kind, every] : cls.cadences) {
            for (const auto& l : store::last_maintenance(ctx.db, cls.id, kind)) {
                // Never maintained: the cadence runs from when the asset was registered.
                const std::int64_t base = l.last_at.value_or(l.created_at);
                const std::int64_t due = core::add_calendar(base, every, ctx.zone());
                if (due > horizon) {
                    continue;
                }
                out.push_back({l.tag, cls.id, l.name, l.owner, kind, due, l.last_at, due <= ctx.now, ""});
            }
        }
        if (cls.audit_every) {
            for (const auto& l : store::last_seen(ctx.db, cls.id)) {
                // Never counted: the cadence runs from when the asset was registered.
                const std::int64_t due = core::add_calendar(l.last_at.value_or(l.created_at), *cls.audit_every, ctx.zone());
                if (due > horizon) {
                    continue;
                }
                out.push_back({l.tag, cls.id, l.name, l.owner, "audit", due, l.last_at, due <= ctx.now, ""});
            }
        }
        if (cls.service_life) {
            const std::string cutoff = core::format_date(minus(last_day, *cls.service_life));
            for (const auto& a : store::purchased_before(ctx.db, cls.id, cutoff)) {
                const core::Date end = plus(*core::parse_date(a.purchased), *cls.service_life);
                out.push_back({a.tag, cls.id, a.name, a.owner, "service_life", local_midnight(ctx, end), std::nullopt,
                               end <= today, ""});
            }
        }
    }
    const core::Duration notice = std::max(within.approx_seconds(), ctx.policy.assets.warranty_notice.approx_seconds()) ==
                                          within.approx_seconds()
                                      ? within
                                      : ctx.policy.assets.warranty_notice;
    const core::Date warranty_last = local_date(ctx, core::add_calendar(ctx.now, notice, ctx.zone()));
    for (const auto& a : store::warranties_ending(ctx.db, core::format_date(today), core::format_date(warranty_last))) {
        // The warranty covers its last day: it ends at the following midnight.
        const core::Date end = core::add_days(*core::parse_date(a.warranty_until), 1);
        out.push_back({a.tag, a.cls, a.name, a.owner, "warranty", local_midnight(ctx, end), std::nullopt, false, ""});
    }
    for (const auto& r : store::returns_due(ctx.db, horizon)) {
        const auto& c = r.custody;
        out.push_back({c.tag, r.cls, r.name, r.owner, "return", *c.due_at, c.out_at, *c.due_at <= ctx.now, c.holder});
    }
    std::stable_sort(out.begin(), out.end(), [](const DueItem& x, const DueItem& y) {
        return std::tie(x.due_at, x.tag, x.what) < std::tie(y.due_at, y.tag, y.what);
    });
    return out;
}

} // namespace opsctl::asset
