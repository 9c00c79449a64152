// The roster part of the review: duty hours per person (the schedule computed by lib/roster),
// handovers, overrides, coverage gaps and attendance exceptions.
#include "lib/core/time.hpp"
#include "lib/report/sections.hpp"
#include "lib/report/targets.hpp"
#include "lib/report/text.hpp"
#include "lib/roster/attendance.hpp"
#include "lib/roster/coverage.hpp"
#include "lib/store/report_roster.hpp"

#include <fmt/format.h>

#include <map>

namespace opsctl::report {

using output::Cell;
using output::Table;

namespace {

// The numbers of one period, for the figures and their comparison.
struct RosterMonth {
    std::vector<roster::PersonLoad> load;
    std::vector<roster::AttendanceSummary> attendance;
    std::vector<roster::Gap> gaps;
    store::RosterCounts counts;
    std::int64_t duty_secs = 0, gap_secs = 0, late = 0, missed = 0;
};

RosterMonth roster_month(Context& ctx, const store::ReportPeriod& p) {
    RosterMonth m;
    m.load = roster::load(ctx, p.start, p.end);
    m.attendance = roster::attendance(ctx, p.start, p.end);
    m.gaps = roster::gaps(ctx, p.start, p.end);
    m.counts = store::roster_counts(ctx.db, p);
    for (const auto& l : m.load) {
        m.duty_secs += l.seconds;
    }
    for (const auto& g : m.gaps) {
        m.gap_secs += g.end - g.start;
    }
    // Attendance exceptions only count where people check in at all: a team that does not
    // use check-ins would otherwise show every turn as missed.
    if (m.counts.checkins > 0) {
        for (const auto& a : m.attendance) {
            m.late += a.late;
            m.missed += a.missed;
        }
    }
    return m;
}

double hours_of(std::int64_t secs) { return static_cast<double>(secs) / 3600.0; }

} // namespace

Table roster_table(Context& ctx, const store::ReportPeriod& p, Language lang) {
    const auto load = roster::load(ctx, p.start, p.end);
    const auto attendance = roster::attendance(ctx, p.start, p.end);
    const auto handovers = store::handovers_by_person(ctx.db, p);
    const bool checkins = store::roster_counts(ctx.db, p).checkins > 0;
    std::map<std::string, const roster::AttendanceSummary*> by_person;
    for (const auto& a : attendance) {
        by_person[a.person] = &a;
    }
    Table t;
    t.add_column("person", tr(lang, "col.person"))
        .add_column("name", tr(lang, "col.name"))
        .add_column("shifts", tr(lang, "col.shifts"))
        .add_column("hours", tr(lang, "col.hours"))
        .add_column("night_hours", tr(lang, "col.night_hours"))
        .add_column("offday_hours", tr(lang, "col.offday_hours"))
        .add_column("share", tr(lang, "col.share"))
        .add_column("handovers", tr(lang, "col.handovers"))
        .add_column("late", tr(lang, "col.late"))
        .add_column("missed", tr(lang, "col.missed"));
    for (const auto& l : load) {
        const auto* person = ctx.policy.person(l.person);
        const auto it = by_person.find(l.person);
        const auto h = handovers.find(l.person);
        auto attendance_cell = [&](std::int64_t roster::AttendanceSummary::*field) {
            if (!checkins || it == by_person.end()) {
                return Cell::null();
            }
            return Cell::integer(it->second->*field);
        };
        t.add_row({l.person, person ? person->name : l.person, Cell::integer(l.shifts),
                   Cell::number(hours_of(l.seconds), 1), Cell::number(hours_of(l.night_seconds), 1),
                   Cell::number(hours_of(l.offday_seconds), 1), Cell::number(100.0 * l.share, 1),
                   Cell::integer(h == handovers.end() ? 0 : h->second),
                   attendance_cell(&roster::AttendanceSummary::late),
                   attendance_cell(&roster::AttendanceSummary::missed)});
    }
    return t;
}

std::optional<Section> roster_section(Context& ctx, const SectionInput& in, ActionList& actions) {
    if (ctx.policy.roster.rotations.empty()) {
        return std::nullopt;
    }
    const Language lang = in.lang;
    const auto cur = roster_month(ctx, in.current);
    const auto prev = roster_month(ctx, in.previous);
    Section s;
    s.key = "roster";
    s.title = tr(lang, "roster.title");
    auto count = [](std::int64_t v) { return std::optional<double>(static_cast<double>(v)); };
    auto add = [&](std::string key, Unit unit, std::optional<double> v, std::optional<double> p) {
        s.figures.push_back({key, tr(lang, "fig." + key), unit, v, p});
    };
    add("duty_hours", Unit::hours, hours_of(cur.duty_secs), hours_of(prev.duty_secs));
    add("handovers", Unit::count, count(cur.counts.handovers), count(prev.counts.handovers));
    add("overrides", Unit::count, count(cur.counts.overrides), count(prev.counts.overrides));
    add("gap_hours", Unit::hours, hours_of(cur.gap_secs), hours_of(prev.gap_secs));
    s.figures.back().target = k_target_gap_hours;
    s.figures.back().lower_is_better = true;
    s.figures.back().in_summary = true;
    const bool checkins = cur.counts.checkins > 0;
    add("late_checkins", Unit::count, checkins ? count(cur.late) : std::nullopt,
        prev.counts.checkins > 0 ? count(prev.late) : std::nullopt);
    add("missed_turns", Unit::count, checkins ? count(cur.missed) : std::nullopt,
        prev.counts.checkins > 0 ? count(prev.missed) : std::nullopt);
    s.sentences.push_back(fill(tr(lang, "sentence.roster"),
                               {{"hours", format_value(s.figures[0], s.figures[0].value, lang)},
                                {"handovers", std::to_string(cur.counts.handovers)},
                                {"overrides", std::to_string(cur.counts.overrides)},
                                {"gaps", std::to_string(cur.gaps.size())},
                                {"w_handovers", plural(lang, "noun.handover", cur.counts.handovers)},
                                {"w_overrides", plural(lang, "noun.override", cur.counts.overrides)},
                                {"w_gaps", plural(lang, "noun.gap_had", static_cast<std::int64_t>(cur.gaps.size()))}}));

    s.tables.push_back({"roster_duty", tr(lang, "tbl.roster_duty"), roster_table(ctx, in.current, lang)});
    ReviewTable gaps{"roster_gaps", tr(lang, "tbl.roster_gaps"), {}};
    gaps.table.add_column("start", tr(lang, "col.start"))
        .add_column("end", tr(lang, "col.end"))
        .add_column("hours", tr(lang, "col.hours"));
    for (const auto& g : cur.gaps) {
        gaps.table.add_row({core::format_time_short(g.start, ctx.zone()), core::format_time_short(g.end, ctx.zone()),
                            Cell::number(hours_of(g.end - g.start), 1)});
    }
    s.tables.push_back(std::move(gaps));

    // Gaps in the month after the review's month are what the meeting can still fix.
    const auto next_start = in.current.end;
    const auto next_end = ctx.zone().start_of(core::add_months(ctx.zone().date_of(next_start), 1));
    const auto coming = roster::gaps(ctx, next_start, next_end);
    const std::string kind = tr(lang, "action.coverage_gap");
    for (const auto& g : coming) {
        actions.items.push_back({"coverage_gap", kind,
                                 fmt::format("{} – {}", core::format_time_short(g.start, ctx.zone()),
                                             core::format_time_short(g.end, ctx.zone())),
                                 in.duty_owner, fmt::format("{:.1f} h", hours_of(g.end - g.start)), g.start, 2});
    }
    actions.count("coverage_gap", kind, in.duty_owner, static_cast<std::int64_t>(coming.size()));
    return s;
}

} // namespace opsctl::report
