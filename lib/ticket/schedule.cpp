#include "lib/ticket/schedule.hpp"

#include "lib/asset/service.hpp"
#include "lib/core/cadence.hpp"
#include "lib/core/error.hpp"
#include "lib/roster/duty.hpp"
#include "lib/store/schedule_repo.hpp"
#include "lib/util/template.hpp"
#include "lib/util/text.hpp"

#include <fmt/format.h>

#include <map>

namespace opsctl::ticket {

namespace {

// What one ticket of a schedule is about: an asset of its selector, or none ("" target).
struct Target {
    std::string key;   // the target column: the tag for a per-asset schedule, else ""
    std::string asset; // the ticket's asset
    std::string asset_name;
};

std::vector<const policy::Schedule*> select(const Context& ctx, const std::vector<std::string>& names) {
    const auto& all = ctx.policy.schedules.schedules;
    std::vector<const policy::Schedule*> out;
    if (names.empty()) {
        for (const auto& [name, s] : all) {
            out.push_back(&s);
        }
        return out;
    }
    for (const auto& name : names) {
        auto it = all.find(name);
        if (it == all.end()) {
            throw NotFound(fmt::format("no schedule '{}'", name), util::suggest(name, ctx.policy.schedules.names()));
        }
        out.push_back(&it->second);
    }
    return out;
}

std::vector<Target> targets_of(Context& ctx, const policy::Schedule& s) {
    if (s.assets) {
        std::vector<Target> out;
        for (auto& a : asset::select_assets(ctx, s.assets->asset_class, s.assets->status)) {
            if (s.assets->location.empty() || a.location == s.assets->location) {
                out.push_back(Target{a.tag, a.tag, a.name});
            }
        }
        return out;
    }
    if (!s.asset.empty()) {
        const auto a = asset::find_asset(ctx, s.asset);
        if (!a) {
            throw DataError(fmt::format("asset '{}' is not registered", s.asset), "fix 'asset' of the schedule");
        }
        return {Target{"", a->tag, a->name}};
    }
    return {Target{}};
}

std::string fill(const std::string& text, const std::map<std::string, std::string>& vars) {
    return util::expand_template(text, vars, util::TemplateUse::text).text;
}

std::optional<core::Date> parse_period(const std::optional<std::string>& text) {
    return text ? core::parse_date(*text) : std::nullopt;
}

// Opens one period in its own transaction; false when a concurrent run opened it first.
bool open_period(Context& ctx, const policy::Schedule& s, const Target& target, const core::Period& p,
                 NewTicket t, ScheduledTicket& out) {
    store::WriteTransaction tx(ctx.db);
    if (store::schedule_period_ticket(ctx.db, s.name, target.key, out.period)) {
        return false;
    }
    auto created = create_ticket_in(ctx, t);
    store::insert_schedule_run(ctx.db, store::ScheduleRunRow{s.name, out.period, target.key, core::format_date(p.due),
                                                             created.row.id, ctx.now});
    tx.commit();
    for (const auto& [kind, extra] : created.notices) {
        announce(ctx, kind, created.row, extra);
    }
    out.ticket = created.row.id;
    out.assignee = created.row.assignee.value_or("");
    return true;
}

} // namespace

std::string schedule_assignee(const Context& ctx, const policy::Schedule& s) {
    if (!s.assignee.empty()) {
        return s.assignee;
    }
    if (!s.rotation.empty()) {
        return "rotation " + s.rotation;
    }
    const auto* type = ctx.policy.tickets.type(s.type.empty() ? ctx.policy.tickets.default_type : s.type);
    return type && !type->team.empty() ? fmt::format("on duty (team {})", type->team) : "";
}

std::string schedule_assets(const policy::Schedule& s) {
    if (!s.assets) {
        return s.asset;
    }
    std::string out = s.assets->asset_class.empty() ? "every class" : "class " + s.assets->asset_class;
    out += " " + s.assets->status;
    if (!s.assets->location.empty()) {
        out += " at " + s.assets->location;
    }
    return out;
}

ScheduleRunReport run_schedules(Context& ctx, const std::vector<std::string>& names, bool dry_run) {
    ScheduleRunReport report;
    const auto selected = select(ctx, names);
    const auto calendar = ctx.policy.business_calendar();
    const core::Date today = ctx.zone().date_of(ctx.now);
    for (const auto* sp : selected) {
        const auto& s = *sp;
        const core::Recurrence recurrence(s.cadence, calendar);
        std::vector<Target> targets;
        std::string assignee = s.assignee;
        try {
            targets = targets_of(ctx, s);
            // Whom the tickets go to is decided once per schedule and run: the person on duty
            // now; nobody on duty leaves it to the automatic assignment of the type's team.
            if (assignee.empty() && !s.rotation.empty()) {
                const auto duties = roster::on_duty(ctx, ctx.now, s.rotation);
                if (!duties.empty()) {
                    assignee = duties.front().person;
                }
            }
        } catch (const Busy&) {
            throw;
        } catch (const Error& e) {
            report.problems.push_back(fmt::format("schedule '{}': {}", s.name, e.what()));
            continue;
        }
        for (const auto& target : targets) {
            const auto after = parse_period(store::last_schedule_period(ctx.db, s.name, target.key));
            // A schedule's first run has no missed periods to catch up: it starts with the one due.
            const std::size_t limit = (!after || s.catch_up == policy::CatchUp::latest) ? 1 : k_max_catch_up;
            const auto periods = recurrence.due(today, after, limit);
            if (periods.size() == k_max_catch_up && after) {
                const auto all = recurrence.due(today, after, k_max_catch_up + 1);
                if (all.size() > k_max_catch_up) {
                    report.problems.push_back(fmt::format(
                        "schedule '{}'{}: more than {} periods missed since {}; opening the newest {}", s.name,
                        target.key.empty() ? "" : " asset '" + target.key + "'", k_max_catch_up,
                        core::format_date(*after), k_max_catch_up));
                }
            }
            for (const auto& p : periods) {
                ScheduledTicket out;
                out.schedule = s.name;
                out.period = core::format_date(p.nominal);
                out.due = core::format_date(p.due);
                out.asset = target.asset;
                const std::map<std::string, std::string> vars = {{"period", out.period},
                                                                 {"due", out.due},
                                                                 {"schedule", s.name},
                                                                 {"asset", target.asset},
                                                                 {"asset.name", target.asset_name}};
                NewTicket t;
                t.type = s.type;
                t.priority = s.priority;
                t.title = fill(s.title, vars);
                t.body = fill(s.body, vars);
                t.asset = target.asset;
                t.reporter = ctx.actor;
                t.assignee = assignee;
                t.auto_assign = assignee.empty();
                t.source = fmt::format("schedule:{}:{}{}", s.name, out.period,
                                       target.key.empty() ? "" : ":" + target.key);
                t.event_fields = {{"schedule", s.name}, {"period", out.period}, {"due", out.due}};
                out.title = t.title;
                out.assignee = assignee;
                if (dry_run) {
                    if (!store::schedule_period_ticket(ctx.db, s.name, target.key, out.period)) {
                        report.opened.push_back(std::move(out));
                    }
                    continue;
                }
                try {
                    bool opened = false;
                    try {
                        opened = open_period(ctx, s, target, p, t, out);
                    } catch (const DataError&) {
                        if (!t.auto_assign) {
                            throw;
                        }
                        // Nobody to pick automatically: open it unassigned rather than not at all.
                        t.auto_assign = false;
                        opened = open_period(ctx, s, target, p, t, out);
                    }
                    if (opened) {
                        report.opened.push_back(std::move(out));
                    } else {
                        ++report.already;
                    }
                } catch (const Busy&) {
                    throw;
                } catch (const Error& e) {
                    report.problems.push_back(fmt::format("schedule '{}' period {}{}: {}", s.name, out.period,
                                                          target.key.empty() ? "" : " asset '" + target.key + "'",
                                                          e.what()));
                }
            }
        }
    }
    return report;
}

std::vector<ScheduleDate> schedule_dates(Context& ctx, const std::vector<std::string>& names, std::size_t count) {
    if (count < 1 || count > 100) {
        throw UsageError(fmt::format("--next {} is out of range", count), "give 1 to 100 dates per schedule");
    }
    const auto selected = select(ctx, names);
    const auto calendar = ctx.policy.business_calendar();
    const core::Date today = ctx.zone().date_of(ctx.now);
    const auto opened = store::last_schedule_periods(ctx.db);
    std::vector<ScheduleDate> out;
    for (const auto* sp : selected) {
        const core::Recurrence recurrence(sp->cadence, calendar);
        std::string last;
        if (auto it = opened.find(sp->name); it != opened.end()) {
            last = it->second;
        }
        auto after = parse_period(last.empty() ? std::nullopt : std::optional<std::string>(last));
        if (!after || sp->catch_up == policy::CatchUp::latest) {
            // Never run, or catching up the newest only: the next run opens the latest period due.
            const auto first = recurrence.due(today, after, 1);
            if (!first.empty()) {
                after = core::add_days(first.front().nominal, -1);
            }
        }
        const auto& tp = ctx.policy.tickets;
        const std::string type = sp->type.empty() ? tp.default_type : sp->type;
        const auto* type_def = tp.type(type);
        const std::string priority = !sp->priority.empty() ? sp->priority : type_def ? type_def->priority : "";
        for (const auto& p : recurrence.following(after, count)) {
            const std::string period = core::format_date(p.nominal);
            const std::string due = core::format_date(p.due);
            const std::string title = fill(sp->title, {{"period", period}, {"due", due}, {"schedule", sp->name}});
            out.push_back(ScheduleDate{sp, period, due, p.due <= today, last, title, type, priority});
        }
    }
    return out;
}

} // namespace opsctl::ticket
