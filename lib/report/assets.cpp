// The asset part of the review: added, retired and in service per class, maintenance done
// against what the class cadences asked for, and warranties and service lives ending in
// the following month, from lib/store/report_asset; today's overdue maintenance (from
// lib/asset) becomes action items.
#include "lib/asset/depreciation.hpp"
#include "lib/asset/maintenance.hpp"
#include "lib/util/money.hpp"
#include "lib/core/duration.hpp"
#include "lib/core/time.hpp"
#include "lib/report/asset_register.hpp"
#include "lib/store/custody_repo.hpp"
#include "lib/report/sections.hpp"
#include "lib/report/targets.hpp"
#include "lib/report/text.hpp"
#include "lib/store/report_asset.hpp"
#include "lib/store/stocktake_repo.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <map>
#include <tuple>

namespace opsctl::report {

using output::Cell;
using output::Table;

namespace {

core::Date minus(core::Date d, const core::Duration& by) {
    d = core::add_months(d, static_cast<int>(-by.months));
    return core::add_days(d, -by.days - by.seconds / 86400);
}

std::string class_title(const Context& ctx, const std::string& cls) {
    const auto* c = ctx.policy.assets.find_class(cls);
    return c && !c->label.empty() ? c->label : cls;
}

// One line of the maintenance table: a class's cadence for one kind in a period.
struct DueLine {
    std::string cls, kind;
    core::Duration every;
    std::int64_t cutoff = 0;
    MaintenanceDue due;
};

// Due when the last maintenance (or the registration) plus the cadence is at or before the
// end: at or before the end less the cadence, on the local calendar.
std::int64_t due_cutoff(const Context& ctx, std::int64_t end, const core::Duration& every) {
    const auto end_day = ctx.zone().date_of(end);
    const auto since_midnight = end - ctx.zone().start_of(end_day);
    return ctx.zone().start_of(minus(end_day, every)) + since_midnight - every.seconds % 86400;
}

// In the month in progress, what fell due by now.
store::ReportPeriod due_period(const Context& ctx, const store::ReportPeriod& p) {
    return {p.start, end_or_now(ctx, p)};
}

// Each class's cadences in a period, with their cutoffs; counted by due_counts().
std::vector<DueLine> due_lines(const Context& ctx, const store::ReportPeriod& p) {
    const auto until = due_period(ctx, p);
    std::vector<DueLine> out;
    for (const auto& cls : ctx.policy.assets.classes) {
        for (const auto& [kind, every] : cls.cadences) {
            out.push_back({cls.id, kind, every, due_cutoff(ctx, until.end, every), {}});
        }
    }
    return out;
}

void due_counts(const Context& ctx, AssetRegister& reg, const store::ReportPeriod& p, std::vector<DueLine>& lines) {
    const auto until = due_period(ctx, p);
    for (auto& line : lines) {
        line.due = reg.due(line.cls, line.kind, until, line.cutoff);
    }
}

// Warranties and service lives ending in the month after the period.
struct Ending {
    std::string tag, cls, name, owner, what, date;
};

std::vector<Ending> endings_after(Context& ctx, const AssetRegister& reg, const store::ReportPeriod& p) {
    const auto first = ctx.zone().date_of(p.end);
    const core::Date next_first{first.year, first.month, 1};
    const auto next_last = core::add_days(core::add_months(next_first, 1), -1);
    std::vector<Ending> out;
    for (const auto& a : store::warranties_of(
             ctx.db, reg.warranties_ending(core::format_date(next_first), core::format_date(next_last)))) {
        out.push_back({a.tag, a.cls, a.name, a.owner, "warranty", a.date});
    }
    for (const auto& cls : ctx.policy.assets.classes) {
        if (!cls.service_life) {
            continue;
        }
        for (const auto& a : store::purchased_between(ctx.db, cls.id, core::format_date(minus(next_first, *cls.service_life)),
                                                      core::format_date(minus(next_last, *cls.service_life)))) {
            auto end = *core::parse_date(a.date);
            end = core::add_months(end, static_cast<int>(cls.service_life->months));
            end = core::add_days(end, cls.service_life->days + cls.service_life->seconds / 86400);
            out.push_back({a.tag, a.cls, a.name, a.owner, "service_life", core::format_date(end)});
        }
    }
    std::stable_sort(out.begin(), out.end(), [](const Ending& x, const Ending& y) {
        return std::tie(x.date, x.tag, x.what) < std::tie(y.date, y.tag, y.what);
    });
    return out;
}

struct AssetMonth {
    std::vector<AssetClassCounts> classes;
    std::vector<DueLine> due;
    std::vector<Ending> ending;
    std::int64_t in_service = 0, added = 0, retired = 0, records = 0, due_count = 0, done = 0;
    std::int64_t warranties = 0, service_lives = 0;
};

AssetMonth asset_month(Context& ctx, AssetRegister& reg, const store::ReportPeriod& p, std::vector<DueLine> due) {
    AssetMonth m;
    m.classes = reg.by_class(p);
    for (const auto& c : m.classes) {
        m.in_service += c.in_service;
        m.added += c.added;
        m.retired += c.retired;
    }
    for (const auto& [kind, n] : store::maintenance_by_kind(ctx.db, p)) {
        m.records += n;
    }
    due_counts(ctx, reg, p, due);
    m.due = std::move(due);
    for (const auto& d : m.due) {
        m.due_count += d.due.due;
        m.done += d.due.done;
    }
    m.ending = endings_after(ctx, reg, p);
    for (const auto& e : m.ending) {
        (e.what == "warranty" ? m.warranties : m.service_lives) += 1;
    }
    return m;
}

// The latest instant whose maintenance, `every` later on the local calendar, falls due at or
// before `now`. Adding a calendar span only moves forward as its start does (a month end is
// clamped, never wrapped), so the instants due by `now` are those up to this one; found by
// bisection between a start certainly due and one certainly not.
std::int64_t latest_due_by(std::int64_t now, const core::Duration& every, const core::Zone& zone) {
    std::int64_t span = ((every.months + 1) * 31 + every.days + 2) * 86400 +
                        std::max<std::int64_t>(every.seconds, 0);
    std::int64_t lo = now - span;
    std::int64_t hi = now + 2 * 86400;
    while (core::add_calendar(lo, every, zone) > now) {
        lo -= span;
    }
    while (core::add_calendar(hi, every, zone) <= now) {
        hi += span;
    }
    while (hi - lo > 1) {
        const std::int64_t mid = lo + (hi - lo) / 2;
        (core::add_calendar(mid, every, zone) <= now ? lo : hi) = mid;
    }
    return lo;
}

// Around the bound found above, each asset's due time is worked out one by one: where the zone
// shifts its clocks, local arithmetic can step back by up to an hour or two, and two days of
// slack keep the counts exact there.
constexpr std::int64_t k_slack = 2 * 86400;

// Maintenance overdue at `at`: the first `limit` items in `asset due` order (due time, tag, kind)
// and how many there are. The same items as asset::due_items() with its warranties and
// service lives left out. Each class and kind is counted from the register (its records
// since the bound, read once); only the oldest items are read one by one, until the first
// `limit` cannot change. Reading every asset's newest maintenance (a seek per asset) took
// 0.4 s on 100,000 assets.
std::pair<std::vector<asset::DueItem>, std::int64_t> overdue_maintenance(Context& ctx, AssetRegister& reg,
                                                                         std::int64_t at, std::size_t limit) {
    auto later = [](const asset::DueItem& x, const asset::DueItem& y) {
        return std::tie(x.due_at, x.tag, x.what) < std::tie(y.due_at, y.tag, y.what);
    };
    std::vector<asset::DueItem> first; // a max-heap on `later` of at most `limit` items
    std::int64_t total = 0;
    // Each class and kind, in policy order, with its bound and how many are overdue.
    struct Cadence {
        const policy::AssetClass* cls;
        std::string kind;
        core::Duration every;
        std::int64_t bound = 0, overdue = 0;
    };
    std::vector<Cadence> cadences;
    for (const auto& cls : ctx.policy.assets.classes) {
        for (const auto& [kind, every] : cls.cadences) {
            cadences.push_back({&cls, kind, every, latest_due_by(at, every, ctx.zone()), 0});
        }
    }
    // Counted well before each bound from the register, then near the bound asset by asset.
    for (auto& c : cadences) {
        c.overdue = reg.maintained_by(c.cls->id, c.kind, c.bound - k_slack);
    }
    for (auto& c : cadences) {
        // Never maintained: the cadence runs from when the asset was registered.
        auto due_of = [&](const store::AssetLastMaintenance& a) {
            return core::add_calendar(a.last_at.value_or(a.created_at), c.every, ctx.zone());
        };
        store::visit_maintained_between(ctx.db, c.cls->id, c.kind, c.bound - k_slack + 1,
                                        c.bound + k_slack,
                                        [&](const store::AssetLastMaintenance& a) {
                                            c.overdue += due_of(a) <= at ? 1 : 0;
                                            return true;
                                        });
        total += c.overdue;
        if (limit == 0 || c.overdue == 0) {
            continue;
        }
        // The oldest first; stopped once every overdue item of this cadence was seen, or
        // once the rows fall due later than the kept items (to within the slack).
        std::int64_t seen = 0;
        store::visit_maintained_between(
            ctx.db, c.cls->id, c.kind, std::numeric_limits<std::int64_t>::min(), c.bound + k_slack,
            [&](const store::AssetLastMaintenance& a) {
                const std::int64_t due = due_of(a);
                if (first.size() == limit && due > first.front().due_at + k_slack) {
                    return false;
                }
                if (due > at) {
                    return true;
                }
                ++seen;
                using Key = std::tuple<std::int64_t, std::string_view, std::string_view>;
                if (first.size() < limit ||
                    Key(due, a.tag, c.kind) <
                        Key(first.front().due_at, first.front().tag, first.front().what)) {
                    if (first.size() == limit) {
                        std::pop_heap(first.begin(), first.end(), later);
                        first.pop_back();
                    }
                    first.push_back({std::string(a.tag), c.cls->id, std::string(a.name),
                                     std::string(a.owner), c.kind, due, a.last_at, true, ""});
                    std::push_heap(first.begin(), first.end(), later);
                }
                return seen < c.overdue;
            });
    }
    std::sort_heap(first.begin(), first.end(), later);
    return {std::move(first), total};
}

Table class_table(const Context& ctx, const std::vector<AssetClassCounts>& classes, Language lang) {
    Table t;
    t.add_column("class", tr(lang, "col.class"))
        .add_column("title", tr(lang, "col.title"))
        .add_column("in_service", tr(lang, "col.in_service"))
        .add_column("added", tr(lang, "col.added"))
        .add_column("retired", tr(lang, "col.retired"))
        .add_column("disposed", tr(lang, "col.disposed"));
    for (const auto& c : classes) {
        t.add_row({c.cls, class_title(ctx, c.cls), Cell::integer(c.in_service), Cell::integer(c.added),
                   Cell::integer(c.retired), Cell::integer(c.disposed)});
    }
    return t;
}

} // namespace

Table assets_table(Context& ctx, const store::ReportPeriod& p, Language lang) {
    Table t = class_table(ctx, AssetRegister(ctx.db).by_class(p), lang);
    // The book value on the period's last day, of the assets in service at its end, for the
    // classes that say how they depreciate; decimal text, never floating point.
    const core::Date last_day = ctx.zone().date_of(p.end - 1);
    std::map<std::string, asset::ClassBookValue> values;
    for (auto& v : asset::book_values_by_class(ctx, last_day, p.end)) {
        values.emplace(v.cls, std::move(v));
    }
    if (values.empty()) {
        return t; // no class depreciates: the table as it always was
    }
    t.add_column("valued", tr(lang, "col.valued"))
        .add_column("cost", tr(lang, "col.cost"))
        .add_column("book_value", tr(lang, "col.book_value"))
        .add_column("book_value_on", tr(lang, "col.book_value_on"));
    for (auto& row : t.rows) {
        const auto it = values.find(row.front().text);
        if (it == values.end()) {
            row.insert(row.end(), {Cell::null(), Cell::null(), Cell::null(), Cell::null()});
            continue;
        }
        row.push_back(Cell::integer(it->second.assets));
        row.emplace_back(util::format_cents(it->second.cost));
        row.emplace_back(util::format_cents(it->second.value));
        row.emplace_back(core::format_date(last_day));
    }
    return t;
}

std::optional<Section> asset_section(Context& ctx, const SectionInput& in, ActionList& actions) {
    if (!store::report_has_assets(ctx.db)) {
        return std::nullopt;
    }
    const Language lang = in.lang;
    // The register once, and each maintenance kind's records once from the earliest instant
    // any count below asks about.
    AssetRegister reg(ctx.db);
    auto cur_due = due_lines(ctx, in.current);
    auto prev_due = due_lines(ctx, in.previous);
    std::map<std::string, std::int64_t> earliest;
    auto need = [&](const std::string& kind, std::int64_t t) {
        const auto [it, fresh] = earliest.try_emplace(kind, t);
        it->second = std::min(it->second, t);
    };
    for (const auto* lines : {&cur_due, &prev_due}) {
        for (const auto& d : *lines) {
            need(d.kind, std::min(d.cutoff, (lines == &cur_due ? in.current : in.previous).start - 1));
        }
    }
    for (const auto& cls : ctx.policy.assets.classes) {
        for (const auto& [kind, every] : cls.cadences) {
            need(kind, latest_due_by(in.until, every, ctx.zone()) - k_slack);
        }
    }
    for (const auto& [kind, t] : earliest) {
        reg.load(kind, t);
    }
    const auto cur = asset_month(ctx, reg, in.current, std::move(cur_due));
    const auto prev = asset_month(ctx, reg, in.previous, std::move(prev_due));

    Section s;
    s.key = "assets";
    s.title = tr(lang, "assets.title");
    auto add = [&](std::string key, Unit unit, std::optional<double> v, std::optional<double> p) {
        s.figures.push_back({key, tr(lang, "fig." + key), unit, v, p});
    };
    add("assets_in_service", Unit::count, count_value(cur.in_service), count_value(prev.in_service));
    add("assets_added", Unit::count, count_value(cur.added), count_value(prev.added));
    add("assets_retired", Unit::count, count_value(cur.retired), count_value(prev.retired));
    add("maintenance_records", Unit::count, count_value(cur.records), count_value(prev.records));
    add("maintenance_due", Unit::count, count_value(cur.due_count), count_value(prev.due_count));
    add("maintenance_done", Unit::percent, percent_of(cur.done, cur.due_count), percent_of(prev.done, prev.due_count));
    s.figures.back().n = cur.due_count;
    s.figures.back().target = k_target_maintenance_done;
    s.figures.back().in_summary = true;
    add("warranties_ending", Unit::count, count_value(cur.warranties), count_value(prev.warranties));
    add("service_lives_ending", Unit::count, count_value(cur.service_lives), count_value(prev.service_lives));
    auto shown = [&](std::size_t i) { return format_value(s.figures[i], s.figures[i].value, lang); };
    s.sentences.push_back(fill(tr(lang, "sentence.assets"), {{"added", shown(1)},
                                                             {"retired", shown(2)},
                                                             {"in_service", shown(0)},
                                                             {"done", std::to_string(cur.done)},
                                                             {"due", shown(4)},
                                                             {"records", shown(3)},
                                                             {"warranties", shown(6)},
                                                             {"lives", shown(7)},
                                                             {"w_added", plural(lang, "noun.asset_was", cur.added)},
                                                             {"w_records", plural(lang, "noun.record", cur.records)},
                                                             {"w_warranties", plural(lang, "noun.warranty", cur.warranties)},
                                                             {"w_lives", plural(lang, "noun.service_life", cur.service_lives)}}));

    s.tables.push_back({"assets_by_class", tr(lang, "tbl.assets_by_class"), class_table(ctx, cur.classes, lang)});

    ReviewTable m{"maintenance_due", tr(lang, "tbl.maintenance_due"), {}};
    m.table.add_column("class", tr(lang, "col.class"))
        .add_column("kind", tr(lang, "col.kind"))
        .add_column("every", tr(lang, "col.every"))
        .add_column("due", tr(lang, "col.due"))
        .add_column("done", tr(lang, "col.done"))
        .add_column("not_done", tr(lang, "col.not_done"))
        .add_column("done_rate", tr(lang, "col.done_rate"));
    for (const auto& d : cur.due) {
        if (d.due.due == 0) {
            continue;
        }
        m.table.add_row({d.cls, d.kind, core::format_duration(d.every), Cell::integer(d.due.due),
                         Cell::integer(d.due.done), Cell::integer(d.due.due - d.due.done),
                         percent_cell(d.due.done, d.due.due)});
    }
    s.tables.push_back(std::move(m));

    // Warranties and service lives ending next month: counted by class, owner and what ends,
    // then the first of the list; every row is in assets_ending.csv.
    {
        ReviewTable g{"assets_ending_by_owner", tr(lang, "tbl.assets_ending_by_owner"), {}};
        g.table.add_column("class", tr(lang, "col.class"))
            .add_column("owner", tr(lang, "col.owner"))
            .add_column("what", tr(lang, "col.what"))
            .add_column("what_label", tr(lang, "col.what_label"))
            .add_column("count", tr(lang, "col.count"));
        std::map<std::tuple<std::string, std::string, std::string>, std::int64_t> groups;
        for (const auto& x : cur.ending) {
            ++groups[{x.cls, x.owner, x.what}];
        }
        for (const auto& [k, n] : groups) {
            const auto& [cls, owner, what] = k;
            g.table.add_row({cls, owner, what, tr(lang, "ending." + what), Cell::integer(n)});
        }
        g.md_rows = in.list_rows;
        s.tables.push_back(std::move(g));
    }
    ReviewTable e{"assets_ending", tr(lang, "tbl.assets_ending"), {}};
    e.table.add_column("tag", tr(lang, "col.tag"))
        .add_column("name", tr(lang, "col.asset_name"))
        .add_column("class", tr(lang, "col.class"))
        .add_column("owner", tr(lang, "col.owner"))
        .add_column("what", tr(lang, "col.what"))
        .add_column("what_label", tr(lang, "col.what_label"))
        .add_column("ends", tr(lang, "col.ends"));
    for (const auto& x : cur.ending) {
        e.table.add_row({x.tag, x.name, x.cls, x.owner, x.what, tr(lang, "ending." + x.what), x.date});
    }
    e.md_rows = in.list_rows;
    s.tables.push_back(std::move(e));

    // Maintenance overdue at the month's end, as `asset due` lists it; owned by the asset's
    // owner (counted together under "asset owners": the first rows are all that is read).
    const std::size_t limit = in.full_lists ? std::numeric_limits<std::size_t>::max() / 2 : k_top_rows;
    const auto overdue = overdue_maintenance(ctx, reg, in.until, limit);
    const std::string kind = tr(lang, "action.overdue_maintenance");
    for (const auto& d : overdue.first) {
        actions.items.push_back({"overdue_maintenance", kind, fmt::format("{} {}", d.tag, d.name),
                                 d.owner.empty() ? in.duty_owner : d.owner,
                                 fmt::format("{} ({})", d.what, d.last_at ? core::format_time_short(*d.last_at, ctx.zone())
                                                                          : tr(lang, "word.never")),
                                 d.due_at, 3});
    }
    actions.count("overdue_maintenance", kind, tr(lang, "owner.asset_owners"), overdue.second);

    // Lent assets not back by their day, as at the month's end: the holder's to return (a
    // place's, the person on duty's to fetch).
    const std::string late = tr(lang, "action.overdue_return");
    for (const auto& c : store::returns_overdue_at(ctx.db, in.until)) {
        actions.items.push_back({"overdue_return", late, c.tag,
                                 c.holder_kind == "person" ? c.holder : in.duty_owner,
                                 fmt::format("{} ({})", c.holder, core::format_time_short(c.out_at, ctx.zone())),
                                 *c.due_at, 3});
        actions.count("overdue_return", late, c.holder_kind == "person" ? c.holder : in.duty_owner, 1);
    }

    // Assets the month's stock-takes expected and did not see: the owner's to find (or the
    // person on duty's, for an asset without one).
    const std::string lost = tr(lang, "action.missing_asset");
    for (const auto& m : store::missing_between(ctx.db, in.current.start, in.until)) {
        const std::string owner = m.owner.empty() ? in.duty_owner : m.owner;
        actions.items.push_back({"missing_asset", lost, fmt::format("{} {}", m.tag, m.name), owner,
                                 fmt::format("#{} {}", m.audit_id, m.location), m.at, 2});
        actions.count("missing_asset", lost, owner, 1);
    }
    return s;
}

} // namespace opsctl::report
