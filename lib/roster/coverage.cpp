#include "lib/roster/coverage.hpp"

#include "lib/core/calendar.hpp"
#include "lib/core/error.hpp"
#include "lib/policy/lookup.hpp"
#include "lib/roster/duty.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

namespace opsctl::roster {

namespace {

// The rotations a scope names, validated.
std::vector<std::string> rotations_of(const Context& ctx, const Scope& scope) {
    std::vector<std::string> names;
    if (!scope.rotation.empty()) {
        require_rotation(ctx, scope.rotation);
    }
    if (!scope.team.empty()) {
        policy::require_name(ctx.policy, "teams", scope.team);
    }
    for (const auto& r : ctx.policy.roster.rotations) {
        if ((scope.rotation.empty() || r.name == scope.rotation) &&
            (scope.team.empty() || r.team == scope.team)) {
            names.push_back(r.name);
        }
    }
    if (names.empty() && !scope.team.empty()) {
        throw NotFound(fmt::format("team '{}' has no rotation", scope.team));
    }
    return names;
}

std::vector<Duty> duties_of(const Context& ctx, std::int64_t from, std::int64_t to,
                            const Scope& scope, const std::vector<std::string>& names) {
    auto all = schedule(ctx, from, to, scope.rotation);
    std::erase_if(all, [&](const Duty& d) {
        return std::find(names.begin(), names.end(), d.rotation) == names.end();
    });
    return all;
}

std::int64_t overlap(std::int64_t a0, std::int64_t a1, std::int64_t b0, std::int64_t b1) {
    return std::max<std::int64_t>(0, std::min(a1, b1) - std::max(a0, b0));
}

} // namespace

std::vector<Gap> gaps(const Context& ctx, std::int64_t from, std::int64_t to, const Scope& scope) {
    const auto names = rotations_of(ctx, scope);
    auto duties = duties_of(ctx, from, to, scope, names);
    std::sort(duties.begin(), duties.end(),
              [](const Duty& a, const Duty& b) { return a.start < b.start; });
    std::vector<Gap> out;
    std::int64_t covered_until = from;
    for (const auto& d : duties) {
        if (d.start > covered_until) {
            out.push_back({covered_until, std::min(d.start, to)});
        }
        covered_until = std::max(covered_until, d.end);
        if (covered_until >= to) {
            break;
        }
    }
    if (covered_until < to) {
        out.push_back({covered_until, to});
    }
    return out;
}

std::vector<PersonLoad> load(const Context& ctx, std::int64_t from, std::int64_t to,
                             const Scope& scope) {
    const auto names = rotations_of(ctx, scope);
    const auto duties = duties_of(ctx, from, to, scope, names);
    const core::BusinessCalendar cal = ctx.policy.business_calendar();
    const core::Zone& zone = ctx.zone();
    const core::WorkSpan night = ctx.policy.roster.night;

    std::map<std::string, PersonLoad> by_person;
    for (const auto& name : names) {
        for (const auto& m : ctx.policy.roster.rotation(name)->members) {
            by_person[m].person = m;
        }
    }
    for (const auto& d : duties) {
        PersonLoad& p = by_person[d.person];
        p.person = d.person;
        const std::int64_t s = std::max(d.start, from);
        const std::int64_t e = std::min(d.end, to);
        p.shifts += 1;
        p.seconds += e - s;
        // Night windows and day kinds are read on the local calendar of each date touched.
        for (core::Date day = core::add_days(zone.date_of(s), -1); day <= zone.date_of(e - 1);
             day = core::add_days(day, 1)) {
            const std::int64_t n0 =
                zone.from_civil(core::add_days(day, night.start / 86400), night.start % 86400);
            const std::int64_t n1 =
                zone.from_civil(core::add_days(day, night.end / 86400), night.end % 86400);
            p.night_seconds += overlap(s, e, n0, n1);
            const std::int64_t d0 = zone.start_of(day);
            const std::int64_t d1 = zone.start_of(core::add_days(day, 1));
            const std::int64_t in_day = overlap(s, e, d0, d1);
            if (in_day > 0) {
                if (cal.day_kind(day) == core::DayKind::holiday) {
                    p.holiday_seconds += in_day;
                }
                if (!cal.is_workday(day)) {
                    p.offday_seconds += in_day;
                }
            }
        }
    }
    std::int64_t total = 0;
    for (const auto& [id, p] : by_person) {
        total += p.seconds;
    }
    std::vector<PersonLoad> out;
    const double average = by_person.empty()
                               ? 0.0
                               : static_cast<double>(total) / static_cast<double>(by_person.size());
    for (auto& [id, p] : by_person) {
        p.share = total > 0 ? static_cast<double>(p.seconds) / static_cast<double>(total) : 0.0;
        p.vs_average = average > 0 ? static_cast<double>(p.seconds) / average : 0.0;
        out.push_back(p);
    }
    return out;
}

} // namespace opsctl::roster
