#include "lib/policy/parsers.hpp"
#include "lib/util/text.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace opsctl::policy {

const Shift* RosterPolicy::shift(const std::string& name) const {
    auto it =
        std::find_if(shifts.begin(), shifts.end(), [&](const Shift& s) { return s.name == name; });
    return it == shifts.end() ? nullptr : &*it;
}

const Rotation* RosterPolicy::rotation(const std::string& name) const {
    auto it = std::find_if(rotations.begin(), rotations.end(),
                           [&](const Rotation& r) { return r.name == name; });
    return it == rotations.end() ? nullptr : &*it;
}

std::vector<std::string> RosterPolicy::rotation_names() const {
    std::vector<std::string> names;
    for (const auto& r : rotations) {
        names.push_back(r.name);
    }
    return names;
}

namespace {

void parse_shift(Reader& r, const std::string& name, const Node& key, const Node& value,
                 Policy& p) {
    if (const Shift* first = p.roster.shift(name)) {
        r.error(key, fmt::format("shift '{}' is defined twice (first at {})", name,
                                 first->origin.str()));
        return;
    }
    if (!r.map(value, fmt::format("shift '{}'", name), {"start", "end", "days", "holidays"})) {
        return;
    }
    Shift s;
    s.name = name;
    s.origin = r.origin(key);
    auto start = r.time_of_day(value, "start", true);
    auto end = r.time_of_day(value, "end", true);
    if (!start || !end) {
        return;
    }
    if (*start >= 86400) {
        r.error(value["start"],
                fmt::format("shift '{}' cannot start at 24:00 (write 00:00)", name));
        return;
    }
    s.start = *start;
    // An end at or before the start runs over midnight; the same time is a 24-hour shift.
    s.end = *end > *start ? *end : *end + 86400;
    if (s.end - s.start > 86400) {
        s.end -= 86400;
    }
    if (auto days = r.strings(value, "days")) {
        const std::string first = days->empty() ? "" : util::to_lower((*days)[0]);
        if (days->size() == 1 && first == "workdays") {
            s.days = ShiftDays::workdays;
        } else if (days->size() == 1 && first == "offdays") {
            s.days = ShiftDays::offdays;
        } else if (days->size() == 1 &&
                   (first == "every day" || first == "everyday" || first == "daily")) {
            s.days = ShiftDays::every_day;
        } else {
            s.days = ShiftDays::weekdays;
            for (const auto& d : *days) {
                if (auto n = core::parse_weekday(d)) {
                    s.weekdays.insert(*n);
                } else {
                    r.error(
                        value["days"],
                        fmt::format(
                            "shift '{}': unknown days '{}' (use workdays, offdays, every day, or a "
                            "list of mon..sun)",
                            name, d));
                }
            }
            if (s.weekdays.empty()) {
                r.error(value["days"], fmt::format("shift '{}' runs on no day", name));
            }
        }
    }
    // Workdays leave holidays off by their nature; any other pattern is staffed on holidays
    // unless the policy says otherwise.
    s.cover_holidays = s.days != ShiftDays::workdays;
    if (auto h = r.string(value, "holidays")) {
        const std::string word = util::to_lower(*h);
        if (word == "covered" || word == "true" || word == "yes" || word == "on") {
            s.cover_holidays = true;
        } else if (word == "off" || word == "false" || word == "no") {
            s.cover_holidays = false;
        } else {
            r.error(
                value["holidays"],
                fmt::format("shift '{}': 'holidays' must be covered or off, not '{}'", name, *h));
        }
    }
    p.roster.shifts.push_back(std::move(s));
}

void parse_rotation(Reader& r, const std::string& name, const Node& key,
                    const Node& value, Policy& p) {
    if (const Rotation* first = p.roster.rotation(name)) {
        r.error(key, fmt::format("rotation '{}' is defined twice (first at {})", name,
                                 first->origin.str()));
        return;
    }
    if (!r.map(value, fmt::format("rotation '{}'", name),
               {"team", "shifts", "members", "length", "handoff", "start"})) {
        return;
    }
    Rotation rot;
    rot.name = name;
    rot.origin = r.origin(key);
    rot.team = r.string(value, "team", true).value_or("");
    rot.shifts = r.strings(value, "shifts", true).value_or(std::vector<std::string>{});
    rot.members = r.strings(value, "members", true).value_or(std::vector<std::string>{});
    if (value["members"].is_defined() && rot.members.empty()) {
        r.error(value["members"], fmt::format("rotation '{}' has no members", name));
    }
    if (value["shifts"].is_defined() && rot.shifts.empty()) {
        r.error(value["shifts"], fmt::format("rotation '{}' has no shifts", name));
    }
    if (auto length = r.duration(value, "length")) {
        if (length->seconds != 0 || length->months != 0 || length->days <= 0) {
            r.error(value["length"],
                    fmt::format("rotation '{}': 'length' must be whole days or weeks (1d, 1w), not "
                                "'{}'",
                                name, core::format_duration(*length)));
        } else {
            rot.length_days = static_cast<int>(length->days);
        }
    }
    auto start = r.date(value, "start", true);
    if (!start) {
        return;
    }
    rot.start = *start;
    if (auto handoff = r.string(value, "handoff")) {
        // "mon 09:00" for weekly turns, "09:00" for daily ones.
        const auto parts = util::split(util::trim(*handoff), ' ');
        std::vector<std::string> words;
        for (const auto& w : parts) {
            if (!w.empty()) {
                words.push_back(w);
            }
        }
        std::optional<int> weekday;
        std::optional<int> time;
        if (words.size() == 2) {
            weekday = core::parse_weekday(words[0]);
            time = parse_time_of_day(words[1]);
        } else if (words.size() == 1) {
            time = parse_time_of_day(words[0]);
            if (!time) {
                weekday = core::parse_weekday(words[0]);
                time = weekday ? std::optional<int>(0) : std::nullopt;
            }
        }
        if (!time || *time >= 86400 || (words.size() == 2 && !weekday)) {
            r.error(
                value["handoff"],
                fmt::format("rotation '{}': 'handoff' must be a weekday and a time ('mon 09:00') "
                            "or a time ('09:00'), not '{}'",
                            name, *handoff));
            return;
        }
        rot.handoff_time = *time;
        rot.handoff_weekday = weekday;
    }
    if (rot.handoff_weekday) {
        if (rot.length_days % 7 != 0) {
            r.error(value["handoff"],
                    fmt::format("rotation '{}': a handoff weekday needs a length in whole weeks",
                                name));
        } else if (core::iso_weekday(rot.start) != *rot.handoff_weekday) {
            r.error(value["start"],
                    fmt::format("rotation '{}': start {} is not on the handoff weekday", name,
                                core::format_date(rot.start)));
        }
    }
    p.roster.rotations.push_back(std::move(rot));
}

} // namespace

void parse_roster(Reader& r, const Node& node, Policy& p) {
    if (node.is_null()) {
        return;
    }
    if (!r.map(node, "section 'roster'", {"shifts", "rotations", "night", "late_after"})) {
        return;
    }
    if (auto night = r.string(node, "night")) {
        if (auto span = core::parse_work_span(*night)) {
            p.roster.night = *span;
        } else {
            r.error(node["night"],
                    fmt::format("'night' must be a span HH:MM-HH:MM, not '{}'", *night));
        }
    }
    if (auto late = r.duration(node, "late_after")) {
        if (late->months != 0) {
            r.error(node["late_after"], "'late_after' must be minutes or hours");
        } else {
            p.roster.late_after = late->approx_seconds();
        }
    }
    if (node["shifts"].is_defined()) {
        r.entries(node["shifts"], "shift",
                  [&](const std::string& name, const Node& key, const Node& value) {
                      parse_shift(r, name, key, value, p);
                  });
    }
    if (node["rotations"].is_defined()) {
        r.entries(node["rotations"], "rotation",
                  [&](const std::string& name, const Node& key, const Node& value) {
                      parse_rotation(r, name, key, value, p);
                  });
    }
}

void finish_roster(Diagnostics& d, Policy& p) {
    // Cross-references are checked once every file is read: shifts may be defined in another
    // file than the rotations that use them.
    std::vector<std::string> shift_names;
    for (const auto& s : p.roster.shifts) {
        shift_names.push_back(s.name);
    }
    const bool people = (p.loaded & section::k_people) != 0;
    std::vector<std::string> person_ids;
    for (const auto& [id, person] : p.people) {
        person_ids.push_back(id);
    }
    const auto teams = p.teams();
    for (const auto& rot : p.roster.rotations) {
        for (const auto& s : rot.shifts) {
            if (!p.roster.shift(s)) {
                d.error(rot.origin, fmt::format("rotation '{}' names no shift '{}' ({})", rot.name,
                                                s, util::suggest(s, shift_names)));
            }
        }
        if (!people) {
            continue;
        }
        for (const auto& m : rot.members) {
            if (!p.person(m)) {
                d.error(rot.origin, fmt::format("rotation '{}' names no person '{}' ({})", rot.name,
                                                m, util::suggest(m, person_ids)));
            }
        }
        if (!rot.team.empty() && std::find(teams.begin(), teams.end(), rot.team) == teams.end()) {
            d.error(rot.origin, fmt::format("rotation '{}' names no team '{}' ({})", rot.name,
                                            rot.team, util::suggest(rot.team, teams)));
        }
    }
}

} // namespace opsctl::policy
