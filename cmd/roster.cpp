// opsctl roster now|show|override|handover|handovers|checkin|checkout|attendance|gaps|load
#include "cmd/common.hpp"
#include "lib/output/time.hpp"

#include "lib/core/date.hpp"
#include "lib/core/error.hpp"
#include "lib/core/relative_time.hpp"
#include "lib/core/time.hpp"
#include "lib/handover/handover.hpp"
#include "lib/roster/attendance.hpp"
#include "lib/roster/coverage.hpp"
#include "lib/roster/duty.hpp"
#include "lib/roster/ics.hpp"
#include "lib/roster/override.hpp"
#include "lib/util/file.hpp"

#include <fmt/format.h>

#include <iostream>
#include <optional>
#include <sstream>
#include <string_view>

namespace opsctl::cmd {

namespace {

constexpr unsigned k_sections =
    policy::section::k_roster | policy::section::k_calendar | policy::section::k_people;

struct RosterNowOptions {
    std::string rotation;
    std::string team;
    std::string at;
};
struct RosterShowOptions {
    std::string from;
    std::string to;
    std::string month;
    std::string rotation;
    std::string person;
    std::string out;
};
struct RosterOverrideAddOptions {
    std::string rotation;
    std::string person;
    std::string from;
    std::string to;
    std::string replaces;
    std::string note;
};
struct RosterOverrideListOptions {
    std::string from;
    std::string to;
    std::string month;
    std::string rotation;
};
struct RosterOverrideRemoveOptions {
    std::int64_t id = 0;
};
struct RosterHandoverOptions {
    std::string to;
    std::string rotation;
    std::string note;
};
struct RosterHandoversOptions {
    std::string since;
    std::string until;
};
struct RosterCheckinOptions {
    std::string note;
};
struct RosterCheckoutOptions {};
struct RosterAttendanceOptions {
    std::string month;
    std::string from;
    std::string to;
};
struct RosterGapsOptions {
    std::string from;
    std::string to;
    std::string month;
    std::string rotation;
    std::string team;
};
struct RosterLoadOptions {
    std::string from;
    std::string to;
    std::string month;
    std::string rotation;
    std::string team;
};

// Tables show short local times; machine formats get full ISO 8601 with the offset.
output::Cell time_cell(const Globals&, const Context& ctx, std::int64_t t) {
    return output::time_cell(t, ctx.zone());
}

output::Cell hours_cell(std::int64_t seconds) {
    return output::Cell::number(static_cast<double>(seconds) / 3600.0, 1);
}

std::string person_name(const Context& ctx, const std::string& id) {
    const policy::Person* p = ctx.policy.person(id);
    return p ? p->name : id;
}

// The end of a span: a bare date means the end of that day, so "--to 2026-10-12" includes it,
// and a relative date its span's end ("--to 'this week'" includes Sunday).
std::int64_t parse_end(const std::string& text, const Context& ctx, std::string_view what) {
    if (auto day = core::parse_date(text)) {
        return ctx.zone().start_of(core::add_days(*day, 1));
    }
    return core::parse_time_option(text, ctx.zone(), ctx.now, core::Bound::end, what);
}

// The longest range `roster show` and `roster overrides` take, and the longest override.
constexpr std::int64_t k_max_range_days = 366;

struct Range {
    std::int64_t from = 0;
    std::int64_t to = 0;
};

// --month YYYY-MM, or --from/--to (a bare date in --to includes that whole day), else the
// default range that `fallback` gives.
template <typename Fallback>
Range read_range(const Context& ctx, const std::string& month, const std::string& from,
                 const std::string& to, Fallback fallback) {
    const core::Zone& zone = ctx.zone();
    if (!month.empty()) {
        if (!from.empty() || !to.empty()) {
            throw UsageError("--month cannot be combined with --from or --to");
        }
        auto first = core::parse_date(month + "-01");
        if (!first || month.size() != 7) {
            throw UsageError(fmt::format("--month must be YYYY-MM, not '{}'", month));
        }
        return {zone.start_of(*first), zone.start_of(core::add_months(*first, 1))};
    }
    Range r = fallback();
    if (!from.empty()) {
        r.from = core::parse_time_option(from, zone, ctx.now, core::Bound::start, "--from");
    }
    if (!to.empty()) {
        r.to = parse_end(to, ctx, "--to");
    } else if (!from.empty() && r.to <= r.from) {
        r.to = r.from + 7 * 86400;
    }
    if (r.to <= r.from) {
        throw UsageError("the range ends before it begins", "--to must be later than --from");
    }
    // A schedule is expanded duty by duty: `--to 9999-12-31` once took a gigabyte.
    if (r.to - r.from > k_max_range_days * 86400 + 2 * 3600) {
        throw UsageError(fmt::format("the range from {} to {} is longer than {} days", from.empty() ? "now" : from,
                                     to.empty() ? "its default end" : to, k_max_range_days),
                         "ask for at most a year at a time");
    }
    return r;
}

Range this_month(const Context& ctx) {
    core::Date d = ctx.zone().date_of(ctx.now);
    d.day = 1;
    return {ctx.zone().start_of(d), ctx.zone().start_of(core::add_months(d, 1))};
}

Range next_week(const Context& ctx) {
    const std::int64_t today = ctx.zone().start_of(ctx.zone().date_of(ctx.now));
    return {today, ctx.zone().start_of(core::add_days(ctx.zone().date_of(ctx.now), 7))};
}

output::Table duty_table(const Globals& g, const Context& ctx,
                         const std::vector<roster::Duty>& duties, bool person_first) {
    output::Table t;
    if (person_first) {
        t.add_column("person", "Person")
            .add_column("name", "Name")
            .add_column("rotation", "Rotation");
        t.add_column("shift", "Shift").add_column("start", "From").add_column("end", "Until");
    } else {
        t.add_column("start", "From").add_column("end", "Until").add_column("rotation", "Rotation");
        t.add_column("shift", "Shift").add_column("person", "Person").add_column("name", "Name");
    }
    t.add_column("hours", "Hours")
        .add_column("overridden", "Override")
        .add_column("scheduled", "Scheduled");
    for (const auto& d : duties) {
        const output::Cell over =
            g.format == "table" || g.format == "md"
                ? output::Cell{d.overridden ? fmt::format("#{}", d.override_id) : std::string{}}
                : output::Cell::boolean(d.overridden);
        const output::Cell scheduled =
            d.overridden ? output::Cell{d.scheduled} : output::Cell::null();
        if (person_first) {
            t.add_row({d.person, person_name(ctx, d.person), d.rotation, d.shift,
                       time_cell(g, ctx, d.start), time_cell(g, ctx, d.end),
                       hours_cell(d.end - d.start), over, scheduled});
        } else {
            t.add_row({time_cell(g, ctx, d.start), time_cell(g, ctx, d.end), d.rotation, d.shift,
                       d.person, person_name(ctx, d.person), hours_cell(d.end - d.start), over,
                       scheduled});
        }
    }
    return t;
}

void run_roster_now(const RosterNowOptions& opt, Globals& g) {
    const Context ctx = g.context(k_sections);
    const std::int64_t at =
        opt.at.empty() ? ctx.now : core::parse_time_option(opt.at, ctx.zone(), ctx.now, core::Bound::start, "--at");
    const auto duties = roster::on_duty(ctx, at, opt.rotation, opt.team);
    if (duties.empty()) {
        std::string scope = !opt.rotation.empty() ? fmt::format(" for rotation '{}'", opt.rotation)
                            : !opt.team.empty()   ? fmt::format(" for team '{}'", opt.team)
                                                  : std::string{};
        throw Failure(fmt::format("nobody is on duty{} at {}", scope,
                                  core::format_time_short(at, ctx.zone())),
                      "see opsctl roster gaps");
    }
    g.print(duty_table(g, ctx, duties, true));
}

void run_roster_show(const RosterShowOptions& opt, Globals& g) {
    const bool ics = g.format == "ics";
    if (!ics) {
        g.render_options(); // an unknown format fails before any work
    }
    const Context ctx = g.context(k_sections);
    const Range r = read_range(ctx, opt.month, opt.from, opt.to, [&] { return next_week(ctx); });
    const auto duties = roster::schedule(ctx, r.from, r.to, opt.rotation, opt.person);
    if (!opt.out.empty()) {
        // A calendar that others subscribe to (e.g. in a web server's folder): written whole,
        // never through a planted name, and readable by the server: 0644.
        std::string text;
        if (ics) {
            text = roster::to_ics(duties, ctx.policy, ctx.now);
        } else {
            std::ostringstream rendered;
            output::render(duty_table(g, ctx, duties, false), g.render_options(), rendered);
            text = rendered.str();
        }
        util::write_file_atomic(opt.out, text, 0644);
        return;
    }
    if (ics) {
        std::cout << roster::to_ics(duties, ctx.policy, ctx.now);
        return;
    }
    g.print(duty_table(g, ctx, duties, false));
}

void run_roster_override_add(const RosterOverrideAddOptions& opt, Globals& g) {
    const Context ctx = g.context(k_sections | policy::section::k_notify, "roster.override");
    roster::OverrideRequest req;
    req.rotation = opt.rotation;
    req.person = opt.person;
    if (!opt.replaces.empty()) {
        req.replaces = opt.replaces;
    }
    req.from = core::parse_time_option(opt.from, ctx.zone(), ctx.now, core::Bound::start, "--from");
    req.to = parse_end(opt.to, ctx, "--to");
    if (req.to - req.from > k_max_range_days * 86400 + 2 * 3600) {
        throw UsageError(fmt::format("an override of more than {} days (from {} to {})", k_max_range_days, opt.from,
                                     opt.to),
                         "change the rotation in the policy instead");
    }
    req.note = text_or_stdin(opt.note);
    const auto o = roster::add_override(ctx, req);
    if (g.quiet) {
        std::cout << o.id << '\n';
        return;
    }
    std::cout << fmt::format("override {}: {} on duty for '{}' from {} to {}{}\n", o.id, o.person,
                             o.rotation, core::format_time_short(o.starts_at, ctx.zone()),
                             core::format_time_short(o.ends_at, ctx.zone()),
                             o.replaces ? fmt::format(" in place of {}", *o.replaces) : "");
}

void run_roster_override_list(const RosterOverrideListOptions& opt, Globals& g) {
    const Context ctx = g.context(k_sections);
    const Range r = read_range(ctx, opt.month, opt.from, opt.to, [&] {
        // By default: what is still to come, and what began in the last 30 days.
        return Range{ctx.now - 30 * 86400, ctx.now + 366 * 86400};
    });
    output::Table t;
    t.add_column("id", "ID").add_column("rotation", "Rotation").add_column("person", "Person");
    t.add_column("replaces", "Replaces").add_column("from", "From").add_column("to", "Until");
    t.add_column("note", "Note").add_column("created_by", "By");
    for (const auto& o : roster::list_overrides(ctx, r.from, r.to, opt.rotation)) {
        t.add_row({output::Cell::integer(o.id), o.rotation, o.person,
                   output::Cell::optional_text(o.replaces), time_cell(g, ctx, o.starts_at),
                   time_cell(g, ctx, o.ends_at), o.note, o.created_by});
    }
    g.print(t);
}

void run_roster_override_remove(const RosterOverrideRemoveOptions& opt, Globals& g) {
    const Context ctx = g.context(k_sections, "roster.override");
    const auto o = roster::remove_override(ctx, opt.id);
    if (!g.quiet) {
        std::cout << fmt::format("removed override {} ({} on '{}')\n", o.id, o.person, o.rotation);
    }
}

void run_roster_handover(const RosterHandoverOptions& opt, Globals& g) {
    const Context ctx = g.context(k_sections | policy::section::k_notify |
                                  policy::section::k_tickets | policy::section::k_sla |
                                  policy::section::k_checklists | policy::section::k_backups, "roster.handover");
    handover::HandoverRequest req;
    if (!opt.to.empty()) {
        req.to = opt.to;
    }
    req.rotation = opt.rotation;
    req.note = text_or_stdin(opt.note);
    const auto h = handover::record_handover(ctx, req);
    if (g.quiet) {
        std::cout << h.id << '\n';
        return;
    }
    output::Record rec;
    rec.add("id", "Handover", output::Cell::integer(h.id));
    rec.add("at", "At", time_cell(g, ctx, h.at));
    rec.add("rotation", "Rotation", output::Cell::optional_text(h.rotation));
    rec.add("from", "From", h.from);
    rec.add("to", "To", output::Cell::optional_text(h.to));
    rec.add("note", "Note", h.note);
    rec.add("open_tickets", "Open P1/P2 tickets", output::Cell::integer(h.open_tickets));
    rec.add("at_risk_slas", "Breached or at-risk SLAs", output::Cell::integer(h.at_risk_slas));
    rec.add("failed_inspections", "Failed inspections",
            output::Cell::integer(h.failed_inspections));
    rec.add("stale_backups", "Stale backups", output::Cell::integer(h.stale_backups));
    if (g.format == "json") {
        rec.add("snapshot", "Snapshot", output::Cell::json(handover::snapshot_for_output(h.snapshot, ctx.zone()).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)));
    } else {
        // The items themselves, one line each, so the next shift reads them at the desk.
        for (const char* key : {"tickets", "slas", "inspections", "backups"}) {
            std::vector<std::string> items;
            for (const auto& item : h.snapshot.value(key, nlohmann::json::array())) {
                items.push_back(item.value("summary", item.dump()));
            }
            if (!items.empty()) {
                std::string text;
                for (const auto& i : items) {
                    text += (text.empty() ? "" : "; ") + i;
                }
                rec.add(std::string("items_") + key, std::string("  ") + key, text);
            }
        }
        const auto missing = h.snapshot.value("unavailable", nlohmann::json::array());
        if (!missing.empty()) {
            std::string text;
            for (const auto& m : missing) {
                text += (text.empty() ? "" : ", ") + m.get<std::string>();
            }
            rec.add("unavailable", "Not collected", text);
        }
    }
    g.print(rec);
}

void run_roster_handovers(const RosterHandoversOptions& opt, Globals& g) {
    const Context ctx = g.context(k_sections);
    const std::int64_t from = opt.since.empty()
                                  ? ctx.now - 7 * 86400
                                  : core::parse_time_option(opt.since, ctx.zone(), ctx.now, core::Bound::start,
                                                            "--since");
    const std::int64_t to = opt.until.empty()
                                ? ctx.now + 1
                                : core::parse_time_option(opt.until, ctx.zone(), ctx.now, core::Bound::end,
                                                          "--until");
    output::Table t;
    t.add_column("id", "ID")
        .add_column("at", "At")
        .add_column("rotation", "Rotation")
        .add_column("from", "From");
    t.add_column("to", "To").add_column("open_tickets", "P1/P2").add_column("at_risk_slas", "SLA");
    t.add_column("failed_inspections", "Inspections").add_column("stale_backups", "Backups");
    t.add_column("note", "Note");
    const bool json = g.format == "json";
    if (json) {
        t.add_column("snapshot", "Snapshot");
    }
    for (const auto& h : handover::handovers(ctx, from, to)) {
        std::vector<output::Cell> row{output::Cell::integer(h.id),
                                      time_cell(g, ctx, h.at),
                                      output::Cell::optional_text(h.rotation),
                                      h.from,
                                      output::Cell::optional_text(h.to),
                                      output::Cell::integer(h.open_tickets),
                                      output::Cell::integer(h.at_risk_slas),
                                      output::Cell::integer(h.failed_inspections),
                                      output::Cell::integer(h.stale_backups),
                                      h.note};
        if (json) {
            row.push_back(output::Cell::json(handover::snapshot_for_output(h.snapshot, ctx.zone()).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)));
        }
        t.add_row(std::move(row));
    }
    g.print(t);
}

void run_roster_checkin(const RosterCheckinOptions& opt, Globals& g) {
    const Context ctx = g.context(k_sections, "roster.attend");
    const auto a = roster::check_in(ctx, opt.note);
    if (!g.quiet) {
        std::cout << fmt::format("{} checked in at {}\n", a.person,
                                 core::format_time_short(a.checkin_at, ctx.zone()));
    }
}

void run_roster_checkout(const RosterCheckoutOptions&, Globals& g) {
    const Context ctx = g.context(k_sections, "roster.attend");
    const auto a = roster::check_out(ctx);
    if (!g.quiet) {
        std::cout << fmt::format("{} checked out at {} ({})\n", a.person,
                                 core::format_time_short(*a.checkout_at, ctx.zone()),
                                 core::format_seconds(*a.checkout_at - a.checkin_at));
    }
}

void run_roster_attendance(const RosterAttendanceOptions& opt, Globals& g) {
    const Context ctx = g.context(k_sections);
    const Range r = read_range(ctx, opt.month, opt.from, opt.to, [&] { return this_month(ctx); });
    output::Table t;
    t.add_column("person", "Person")
        .add_column("name", "Name")
        .add_column("scheduled_hours", "Scheduled h");
    t.add_column("checked_in_hours", "Checked-in h")
        .add_column("turns", "Turns")
        .add_column("late", "Late");
    t.add_column("missed", "Missed");
    for (const auto& a : roster::attendance(ctx, r.from, r.to)) {
        t.add_row({a.person, person_name(ctx, a.person), hours_cell(a.scheduled_seconds),
                   hours_cell(a.checked_in_seconds), output::Cell::integer(a.turns),
                   output::Cell::integer(a.late), output::Cell::integer(a.missed)});
    }
    g.print(t);
}

void run_roster_gaps(const RosterGapsOptions& opt, Globals& g) {
    const Context ctx = g.context(k_sections);
    const Range r = read_range(ctx, opt.month, opt.from, opt.to, [&] {
        return Range{ctx.now, ctx.now + 14 * 86400};
    });
    const auto gaps = roster::gaps(ctx, r.from, r.to, roster::Scope{opt.rotation, opt.team});
    output::Table t;
    t.add_column("from", "From").add_column("to", "Until").add_column("hours", "Hours");
    for (const auto& gap : gaps) {
        t.add_row({time_cell(g, ctx, gap.start), time_cell(g, ctx, gap.end),
                   hours_cell(gap.end - gap.start)});
    }
    g.print(t);
    if (!gaps.empty()) {
        std::int64_t total = 0;
        for (const auto& gap : gaps) {
            total += gap.end - gap.start;
        }
        throw Failure(fmt::format("{} gap{} with nobody on duty ({} in all)", gaps.size(),
                                  gaps.size() == 1 ? "" : "s", core::format_seconds(total)));
    }
}

void run_roster_load(const RosterLoadOptions& opt, Globals& g) {
    const Context ctx = g.context(k_sections);
    const Range r = read_range(ctx, opt.month, opt.from, opt.to, [&] { return this_month(ctx); });
    output::Table t;
    t.add_column("person", "Person").add_column("name", "Name").add_column("shifts", "Shifts");
    t.add_column("hours", "Hours")
        .add_column("night_hours", "Night h")
        .add_column("holiday_hours", "Holiday h");
    t.add_column("offday_hours", "Off-day h")
        .add_column("share", "Share %")
        .add_column("vs_average", "vs avg");
    for (const auto& p : roster::load(ctx, r.from, r.to, roster::Scope{opt.rotation, opt.team})) {
        t.add_row({p.person, person_name(ctx, p.person), output::Cell::integer(p.shifts),
                   hours_cell(p.seconds), hours_cell(p.night_seconds),
                   hours_cell(p.holiday_seconds), hours_cell(p.offday_seconds),
                   output::Cell::number(p.share * 100.0, 1),
                   output::Cell::number(p.vs_average, 2)});
    }
    g.print(t);
}

void add_range_options(CLI::App* sub, std::string& from, std::string& to, std::string* month) {
    sub->add_option("--from", from, "Start (date or time; default depends on the verb)");
    sub->add_option("--to", to, "End (a bare date includes that day)");
    if (month) {
        sub->add_option("--month", *month, "A calendar month, YYYY-MM");
    }
}

} // namespace

void register_roster(CLI::App& app, Globals& g) {
    auto* group = app.add_subcommand(
        "roster", "Duty rotations, who is on duty, overrides, handovers, attendance");
    group->require_subcommand(1);
    const VerbFilter want(g, {"now", "show", "override", "handover", "handovers", "checkin",
                              "checkout", "attendance", "gaps", "load"});

    if (want("now")) {
        auto now_opt = std::make_shared<RosterNowOptions>();
        auto* now = group->add_subcommand(
            "now", "Who is on duty now or at --at (exit 1 when nobody; -q prints ids)");
        now->add_option("--rotation", now_opt->rotation, "Only this rotation");
        now->add_option("--team", now_opt->team, "Only the rotations of this team");
        now->add_option("--at", now_opt->at, "At this time instead of now");
        now->callback([now_opt, &g] { run_roster_now(*now_opt, g); });
    }

    if (want("show")) {
        auto show_opt = std::make_shared<RosterShowOptions>();
        auto* show = group->add_subcommand("show", "The final schedule (rotations plus overrides); "
                                                   "also --format ics (default: the next 7 days)");
        add_range_options(show, show_opt->from, show_opt->to, &show_opt->month);
        show->add_option("--rotation", show_opt->rotation, "Only this rotation");
        show->add_option("--person", show_opt->person, "Only this person's duties");
        show->add_option("--out", show_opt->out,
                         "Write to FILE (mode 0644, replaced atomically) instead of stdout");
        show->callback([show_opt, &g] { run_roster_show(*show_opt, g); });
    }

    if (want("override")) {
        auto* override_group =
            group->add_subcommand("override", "Covers and swaps that change the schedule");
        override_group->require_subcommand(1);
        auto add_opt = std::make_shared<RosterOverrideAddOptions>();
        auto* add = override_group->add_subcommand(
            "add", "Put PERSON on duty for a rotation from --from to --to");
        add->add_option("--rotation", add_opt->rotation, "The rotation")->required();
        add->add_option("--person", add_opt->person, "Who covers")->required();
        add->add_option("--from", add_opt->from, "Start time")->required();
        add->add_option("--to", add_opt->to, "End time (a bare date includes that day)")
            ->required();
        add->add_option("--replaces", add_opt->replaces, "Only in place of this person (a swap)");
        add->add_option("--note", add_opt->note, "Why (- reads stdin)");
        add->callback([add_opt, &g] { run_roster_override_add(*add_opt, g); });
        auto list_opt = std::make_shared<RosterOverrideListOptions>();
        auto* list =
            override_group->add_subcommand("list", "Overrides (default: from 30 days ago on)");
        add_range_options(list, list_opt->from, list_opt->to, &list_opt->month);
        list->add_option("--rotation", list_opt->rotation, "Only this rotation");
        list->callback([list_opt, &g] { run_roster_override_list(*list_opt, g); });
        auto remove_opt = std::make_shared<RosterOverrideRemoveOptions>();
        auto* remove = override_group->add_subcommand(
            "remove", "Remove an override (exit 66 when there is none)");
        remove->add_option("id", remove_opt->id, "Override id")->required();
        remove->callback([remove_opt, &g] { run_roster_override_remove(*remove_opt, g); });
    }

    if (want("handover")) {
        auto handover_opt = std::make_shared<RosterHandoverOptions>();
        auto* handover = group->add_subcommand(
            "handover", "Record a shift handover with what is open now (P1/P2 "
                        "tickets, SLAs, inspections, backups)");
        handover->add_option("--to", handover_opt->to,
                             "Who takes over (default: the next person on duty)");
        handover->add_option("--rotation", handover_opt->rotation,
                             "The rotation (default: the one you are on duty for)");
        handover->add_option("--note", handover_opt->note, "Handover note (- reads stdin)");
        handover->callback([handover_opt, &g] { run_roster_handover(*handover_opt, g); });
    }

    if (want("handovers")) {
        auto handovers_opt = std::make_shared<RosterHandoversOptions>();
        auto* handovers =
            group->add_subcommand("handovers", "Recorded handovers (default: the last 7 days)");
        handovers->add_option("--since", handovers_opt->since, "From this date or time");
        handovers->add_option("--until", handovers_opt->until, "Before this date or time");
        handovers->callback([handovers_opt, &g] { run_roster_handovers(*handovers_opt, g); });
    }

    if (want("checkin") || want("checkout")) {
        auto checkin_opt = std::make_shared<RosterCheckinOptions>();
        auto* checkin = group->add_subcommand("checkin", "Check in (the acting user, see --as)");
        checkin->add_option("--note", checkin_opt->note, "A note");
        checkin->callback([checkin_opt, &g] { run_roster_checkin(*checkin_opt, g); });
        auto checkout_opt = std::make_shared<RosterCheckoutOptions>();
        auto* checkout = group->add_subcommand("checkout", "Check out (the acting user)");
        checkout->callback([checkout_opt, &g] { run_roster_checkout(*checkout_opt, g); });
    }

    if (want("attendance")) {
        auto attendance_opt = std::make_shared<RosterAttendanceOptions>();
        auto* attendance = group->add_subcommand(
            "attendance", "Per person: scheduled hours, hours checked in, late "
                          "arrivals, missed turns (default: this month)");
        add_range_options(attendance, attendance_opt->from, attendance_opt->to,
                          &attendance_opt->month);
        attendance->callback([attendance_opt, &g] { run_roster_attendance(*attendance_opt, g); });
    }

    if (want("gaps")) {
        auto gaps_opt = std::make_shared<RosterGapsOptions>();
        auto* gaps = group->add_subcommand(
            "gaps", "Spans with nobody on duty (exit 1 if any; default: the next 14 days)");
        add_range_options(gaps, gaps_opt->from, gaps_opt->to, &gaps_opt->month);
        gaps->add_option("--rotation", gaps_opt->rotation, "Only this rotation");
        gaps->add_option("--team", gaps_opt->team, "Only the rotations of this team");
        gaps->callback([gaps_opt, &g] { run_roster_gaps(*gaps_opt, g); });
    }

    if (want("load")) {
        auto load_opt = std::make_shared<RosterLoadOptions>();
        auto* load = group->add_subcommand(
            "load", "Hours, night hours and holiday hours per person, and each "
                    "share against the average (default: this month)");
        add_range_options(load, load_opt->from, load_opt->to, &load_opt->month);
        load->add_option("--rotation", load_opt->rotation, "Only this rotation");
        load->add_option("--team", load_opt->team, "Only the rotations of this team");
        load->callback([load_opt, &g] { run_roster_load(*load_opt, g); });
    }
}

} // namespace opsctl::cmd
