#include "lib/policy/parsers.hpp"

#include "lib/util/template.hpp"
#include "lib/util/text.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace opsctl::policy {

std::vector<std::string> SchedulePolicy::names() const {
    std::vector<std::string> out;
    for (const auto& [name, s] : schedules) {
        out.push_back(name);
    }
    return out;
}

const char* catch_up_name(CatchUp mode) { return mode == CatchUp::latest ? "latest" : "all"; }

namespace {

const std::vector<std::string> k_placeholders = {"period", "due", "schedule", "asset", "asset.name"};

// A title or body may name only the placeholders a run fills in, so that a typo shows up in
// `policy check` and not as a blank in the month's tickets.
void check_placeholders(Reader& r, const Node& node, const std::string& what, const std::string& text) {
    for (const auto& problem : util::template_problems(text, util::TemplateUse::text)) {
        r.error(node, fmt::format("{}: {}", what, problem));
    }
    for (std::size_t pos = 0; (pos = text.find("{{", pos)) != std::string::npos;) {
        const auto end = text.find("}}", pos + 2);
        if (end == std::string::npos) {
            break;
        }
        const std::string name(util::trim(std::string_view(text).substr(pos + 2, end - pos - 2)));
        bool known = false;
        for (const auto& k : k_placeholders) {
            known = known || k == name;
        }
        if (!known) {
            r.error(node, fmt::format("{}: unknown placeholder {{{{{}}}}} (known: {})", what, name,
                                      util::join(k_placeholders, ", ")));
        }
        pos = end + 2;
    }
}

void parse_cadence(Reader& r, const Node& value, const std::string& what, core::Cadence& c) {
    if (auto every = r.duration(value, "every", true)) {
        if (every->seconds != 0 || (every->days != 0 && every->months != 0) || every->is_zero()) {
            r.error(value["every"], fmt::format("{}: 'every' is a number of days, weeks, months or years "
                                                "(\"1d\", \"2w\", \"1mo\", \"3mo\", \"1y\")",
                                                what));
        } else if (every->days > core::k_cadence_max_days || every->months > core::k_cadence_max_months) {
            r.error(value["every"], fmt::format("{}: 'every' is at most 10 years", what));
        } else {
            c.days = every->days;
            c.months = static_cast<int>(every->months);
        }
    }
    const Node start = value["start"];
    if (auto d = r.date(value, "start")) {
        if (d->year < 2000 || d->year > 2200) {
            r.error(start, fmt::format("{}: 'start' must lie between 2000 and 2200", what));
        } else {
            c.start = *d;
        }
    } else if (!start.is_defined()) {
        c.start = core::Date{2000, 1, 1};
        if (c.days > 0) {
            r.error(value, fmt::format("{} needs 'start' (the first day of a cadence in days or weeks)", what));
        }
    }
    if (auto day = r.one_of(value, "day", {"start", "first-workday", "last-workday"})) {
        if (*day != "start" && c.months == 0) {
            r.error(value["day"], fmt::format("{}: 'day: {}' needs a cadence in months or years", what, *day));
        }
        c.day = *day == "first-workday"  ? core::CadenceDay::first_workday
                : *day == "last-workday" ? core::CadenceDay::last_workday
                                         : core::CadenceDay::anchor;
    }
    if (auto rule = r.one_of(value, "on_day_off", {"next", "previous", "skip", "keep"})) {
        if (c.day != core::CadenceDay::anchor) {
            r.error(value["on_day_off"], fmt::format("{}: 'on_day_off' does not apply to 'day: {}' (always a "
                                                     "working day)",
                                                     what, core::to_string(c.day)));
        }
        c.on_day_off = *rule == "previous" ? core::OnDayOff::previous
                       : *rule == "skip"   ? core::OnDayOff::skip
                       : *rule == "keep"   ? core::OnDayOff::keep
                                           : core::OnDayOff::next;
    }
}

} // namespace

void parse_schedules(Reader& r, const Node& node, Policy& p) {
    r.entries(node, "schedule", [&](const std::string& name, const Node& key, const Node& value) {
        if (auto it = p.schedules.schedules.find(name); it != p.schedules.schedules.end()) {
            r.error(key, fmt::format("schedule '{}' is defined twice (first at {})", name, it->second.origin.str()));
            return;
        }
        const std::string what = fmt::format("schedule '{}'", name);
        if (!r.map(value, what,
                   {"title", "body", "type", "priority", "assignee", "rotation", "asset", "assets", "every", "start",
                    "day", "on_day_off", "catch_up"})) {
            return;
        }
        Schedule s;
        s.name = name;
        s.origin = r.origin(key);
        if (auto title = r.string(value, "title", true)) {
            if (util::trim(*title).empty()) {
                r.error(value["title"], fmt::format("{}: 'title' is empty", what));
            } else if (title->find_first_of("\r\n") != std::string::npos) {
                r.error(value["title"], fmt::format("{}: 'title' is one line", what));
            }
            s.title = *title;
            check_placeholders(r, value["title"], what + " 'title'", s.title);
        }
        s.body = r.string(value, "body").value_or("");
        check_placeholders(r, value["body"], what + " 'body'", s.body);
        s.type = r.string(value, "type").value_or("");
        s.priority = r.string(value, "priority").value_or("");
        s.assignee = r.string(value, "assignee").value_or("");
        s.rotation = r.string(value, "rotation").value_or("");
        if (!s.assignee.empty() && !s.rotation.empty()) {
            r.error(value["rotation"], fmt::format("{}: give 'assignee' or 'rotation', not both", what));
        }
        s.asset = r.string(value, "asset").value_or("");
        const Node assets = value["assets"];
        if (assets.is_defined() && !assets.is_null()) {
            if (!s.asset.empty()) {
                r.error(assets, fmt::format("{}: give 'asset' or 'assets', not both", what));
            } else if (r.map(assets, what + " assets", {"class", "status", "location"})) {
                ScheduleAssets a;
                a.asset_class = r.string(assets, "class").value_or("");
                a.status = r.one_of(assets, "status", {"in_stock", "in_use", "maintenance", "retired", "disposed"})
                               .value_or("in_use");
                a.location = r.string(assets, "location").value_or("");
                s.assets = a;
            }
        }
        parse_cadence(r, value, what, s.cadence);
        if (auto mode = r.one_of(value, "catch_up", {"all", "latest"})) {
            s.catch_up = *mode == "latest" ? CatchUp::latest : CatchUp::all;
        }
        p.schedules.schedules.emplace(name, std::move(s));
    });
}

// The names a schedule gives are checked against the sections loaded with it: `policy check`
// loads them all; a command that loads fewer checks what it has.
void finish_schedules(Diagnostics& d, Policy& p) {
    for (const auto& entry : p.schedules.schedules) {
        const auto& s = entry.second;
        auto problem = [&d, &s](const std::string& message) {
            d.error(s.origin, fmt::format("schedule '{}': {}", s.name, message));
        };
        if (p.loaded & section::k_tickets) {
            if (!s.type.empty() && !p.tickets.type(s.type)) {
                problem(fmt::format("type '{}' is not a ticket type ({})", s.type,
                                    util::suggest(s.type, p.tickets.type_names())));
            }
            if (!s.priority.empty() && !p.tickets.priority(s.priority)) {
                problem(fmt::format("priority '{}' is not a priority ({})", s.priority,
                                    util::suggest(s.priority, p.tickets.priority_names())));
            }
        }
        if ((p.loaded & section::k_people) && !s.assignee.empty() && !p.person(s.assignee)) {
            std::vector<std::string> ids;
            for (const auto& [id, person] : p.people) {
                ids.push_back(id);
            }
            problem(fmt::format("assignee '{}' is not in 'people' ({})", s.assignee, util::suggest(s.assignee, ids)));
        }
        if ((p.loaded & section::k_roster) && !s.rotation.empty() && !p.roster.rotation(s.rotation)) {
            problem(fmt::format("rotation '{}' is not in 'roster' ({})", s.rotation,
                                util::suggest(s.rotation, p.roster.rotation_names())));
        }
        if ((p.loaded & section::k_assets) && s.assets) {
            if (!s.assets->asset_class.empty() && !p.assets.find_class(s.assets->asset_class)) {
                problem(fmt::format("asset class '{}' is not in 'assets' ({})", s.assets->asset_class,
                                    util::suggest(s.assets->asset_class, p.assets.class_ids())));
            }
            const auto& places = p.assets.locations;
            if (!s.assets->location.empty() && !places.empty() &&
                std::find(places.begin(), places.end(), s.assets->location) == places.end()) {
                problem(fmt::format("location '{}' is not in assets.locations ({})", s.assets->location,
                                    util::suggest(s.assets->location, places)));
            }
        }
    }
}

} // namespace opsctl::policy
