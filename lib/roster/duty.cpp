#include "lib/roster/duty.hpp"

#include "lib/core/calendar.hpp"
#include "lib/core/error.hpp"
#include "lib/policy/lookup.hpp"
#include "lib/roster/override.hpp"
#include "lib/store/roster_repo.hpp"
#include "lib/util/text.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace opsctl::roster {

namespace {

using policy::Rotation;
using policy::Shift;
using policy::ShiftDays;

bool runs_on(const Shift& shift, const core::Date& date, const core::BusinessCalendar& cal) {
    if (cal.day_kind(date) == core::DayKind::holiday) {
        return shift.cover_holidays;
    }
    switch (shift.days) {
    case ShiftDays::workdays:
        return cal.is_workday(date);
    case ShiftDays::offdays:
        return !cal.is_workday(date);
    case ShiftDays::every_day:
        return true;
    case ShiftDays::weekdays:
        return shift.weekdays.count(core::iso_weekday(date)) > 0;
    }
    return false;
}

// The instant of a wall-clock reading `seconds` (may pass 86400) after the midnight of `date`.
std::int64_t at_local(const core::Zone& zone, const core::Date& date, int seconds) {
    return zone.from_civil(core::add_days(date, seconds / 86400), seconds % 86400);
}

// Who takes turn k: turns of whole weeks are laid on the local calendar (turn k runs from the
// handoff on start + 7k days), so a weekly handoff stays at Monday 09:00 across DST changes.
// Shorter turns advance only on the rotation's duty days (dates on which one of its shifts
// runs): a daily rotation over workdays then never parks a member on a Saturday that nobody
// works, which is how weekday-only rotations leave people without shifts.
struct Turn {
    std::int64_t index = 0;
    std::int64_t start = 0;
    std::int64_t end = 0;
};

class TurnClock {
  public:
    TurnClock(const Context& ctx, const Rotation& rot, const core::BusinessCalendar& cal,
              const core::Date& last)
        : m_ctx(ctx), m_rot(rot), m_cal(cal), m_zone(ctx.zone()),
          m_weekly(rot.length_days % 7 == 0) {
        if (!m_weekly) {
            // Duty days counted from the start, far enough past the range for the last turn's end.
            const std::int64_t first = core::days_from_civil(rot.start);
            const std::int64_t until = core::days_from_civil(last) + 7LL * rot.length_days + 7;
            for (std::int64_t day = first; day <= until; ++day) {
                if (is_duty_day(core::civil_from_days(day))) {
                    m_duty_days.push_back(day);
                }
            }
        }
    }

    // The turn that covers t; index -1 before the rotation's first turn.
    Turn at(std::int64_t t) const {
        const core::CivilTime c = m_zone.to_civil(t);
        core::Date date = c.date;
        if (t < m_zone.from_civil(date, m_rot.handoff_time)) {
            date = core::add_days(date, -1);
        }
        const std::int64_t day = core::days_from_civil(date);
        const std::int64_t first = core::days_from_civil(m_rot.start);
        const std::int64_t len = m_rot.length_days;
        Turn turn;
        if (m_weekly) {
            const std::int64_t k = day >= first ? (day - first) / len : -1;
            turn.index = k;
            turn.start = handoff_on(first + k * len);
            turn.end = handoff_on(first + (k + 1) * len);
            return turn;
        }
        // The number of duty days on or before `day` says which turn is running.
        const auto upto =
            std::upper_bound(m_duty_days.begin(), m_duty_days.end(), day) - m_duty_days.begin();
        if (upto == 0) {
            turn.index = -1;
            turn.end = m_duty_days.empty() ? INT64_MAX : handoff_on(m_duty_days.front());
            return turn;
        }
        const std::int64_t k = (upto - 1) / len;
        turn.index = k;
        turn.start = handoff_on(m_duty_days[static_cast<std::size_t>(k * len)]);
        const auto next = static_cast<std::size_t>((k + 1) * len);
        turn.end = next < m_duty_days.size() ? handoff_on(m_duty_days[next]) : INT64_MAX;
        return turn;
    }

  private:
    bool is_duty_day(const core::Date& date) const {
        for (const auto& name : m_rot.shifts) {
            const Shift* shift = m_ctx.policy.roster.shift(name);
            if (shift && runs_on(*shift, date, m_cal)) {
                return true;
            }
        }
        return false;
    }
    std::int64_t handoff_on(std::int64_t day) const {
        return m_zone.from_civil(core::civil_from_days(day), m_rot.handoff_time);
    }

    const Context& m_ctx;
    const Rotation& m_rot;
    const core::BusinessCalendar& m_cal;
    const core::Zone& m_zone;
    bool m_weekly;
    std::vector<std::int64_t> m_duty_days; // day numbers, ascending (turns shorter than a week)
};

// The rotation's own duties (no overrides) for shifts that overlap [from, to).
std::vector<Duty> planned(const Context& ctx, const Rotation& rot,
                          const core::BusinessCalendar& cal, std::int64_t from, std::int64_t to) {
    const core::Zone& zone = ctx.zone();
    // A shift belongs to the date it starts on and lasts at most a day, so one day before the
    // range is enough to catch a night shift running into it.
    const core::Date first = core::add_days(zone.date_of(from), -1);
    const core::Date last = zone.date_of(to - 1);
    std::vector<Duty> out;
    if (rot.members.empty()) {
        return out;
    }
    const TurnClock clock(ctx, rot, cal, last);
    for (const auto& shift_name : rot.shifts) {
        const Shift* shift = ctx.policy.roster.shift(shift_name);
        if (!shift) {
            continue;
        }
        for (core::Date d = first; d <= last; d = core::add_days(d, 1)) {
            if (!runs_on(*shift, d, cal)) {
                continue;
            }
            const std::int64_t s = at_local(zone, d, shift->start);
            const std::int64_t e = at_local(zone, d, shift->end);
            if (e <= from || s >= to || e <= s) {
                continue;
            }
            // Cut the shift where a turn ends; nobody is on duty before the rotation begins.
            std::int64_t t = s;
            while (t < e) {
                const Turn turn = clock.at(t);
                const std::int64_t piece_end = std::min(e, turn.end);
                if (turn.index < 0) {
                    t = piece_end;
                    continue;
                }
                const auto n = static_cast<std::int64_t>(rot.members.size());
                const std::string& member = rot.members[static_cast<std::size_t>(turn.index % n)];
                Duty duty;
                duty.rotation = rot.name;
                duty.shift = shift->name;
                duty.person = member;
                duty.scheduled = member;
                duty.start = t;
                duty.end = piece_end;
                duty.date = d;
                out.push_back(std::move(duty));
                t = piece_end;
            }
        }
    }
    std::stable_sort(out.begin(), out.end(),
                     [](const Duty& a, const Duty& b) { return a.start < b.start; });
    return out;
}

// Lays the overrides over the planned duties, oldest first, so that the latest wins where two
// overlap. An override only replaces the person it names in `replaces`, when it names one.
// Each duty is overridden on its own: the pieces of one duty never meet another duty, so this
// is the same as laying each override over the whole list in turn, without moving every duty
// of the month once per override (which was most of `roster show --month`'s own time).
std::vector<Duty> apply_overrides(std::vector<Duty> duties,
                                  const std::vector<store::OverrideRow>& overrides) {
    auto hits = [](const Duty& d, const store::OverrideRow& o) {
        return d.end > o.starts_at && d.start < o.ends_at && (!o.replaces || *o.replaces == d.scheduled);
    };
    std::vector<Duty> out;
    out.reserve(duties.size());
    std::vector<const store::OverrideRow*> touching;
    for (auto& duty : duties) {
        // A piece lies within its duty and keeps its `scheduled`: an override that misses the
        // duty misses every piece of it.
        touching.clear();
        for (const auto& o : overrides) {
            if (hits(duty, o)) {
                touching.push_back(&o);
            }
        }
        if (touching.empty()) {
            out.push_back(std::move(duty));
            continue;
        }
        std::vector<Duty> pieces;
        pieces.push_back(std::move(duty));
        for (const auto* o : touching) {
            std::vector<Duty> next;
            next.reserve(pieces.size() + 2);
            for (auto& d : pieces) {
                if (!hits(d, *o)) {
                    next.push_back(std::move(d));
                    continue;
                }
                const std::int64_t a = std::max(d.start, o->starts_at);
                const std::int64_t b = std::min(d.end, o->ends_at);
                if (d.start < a) {
                    Duty before = d;
                    before.end = a;
                    next.push_back(std::move(before));
                }
                Duty inside = d;
                inside.start = a;
                inside.end = b;
                inside.person = o->person;
                inside.overridden = true;
                inside.override_id = o->id;
                next.push_back(std::move(inside));
                if (b < d.end) {
                    Duty after = d;
                    after.start = b;
                    next.push_back(std::move(after));
                }
            }
            pieces = std::move(next);
        }
        for (auto& p : pieces) {
            out.push_back(std::move(p));
        }
    }
    return out;
}

// Joins consecutive pieces of the same shift and person that were cut only by a turn boundary
// or by the end of an override that changed nothing.
std::vector<Duty> merge(std::vector<Duty> duties) {
    std::vector<Duty> out;
    for (auto& d : duties) {
        if (!out.empty()) {
            Duty& p = out.back();
            if (p.end == d.start && p.shift == d.shift && p.person == d.person &&
                p.scheduled == d.scheduled && p.overridden == d.overridden &&
                p.override_id == d.override_id && p.date == d.date) {
                p.end = d.end;
                continue;
            }
        }
        out.push_back(std::move(d));
    }
    return out;
}

} // namespace

void require_rotation(const Context& ctx, const std::string& rotation) {
    if (!ctx.policy.roster.rotation(rotation)) {
        const auto names = ctx.policy.roster.rotation_names();
        if (names.empty()) {
            throw DataError(fmt::format("no rotation '{}'", rotation), "the policy defines no roster.rotations");
        }
        policy::require_one_of("rotation", rotation, names);
    }
}

std::vector<Duty> schedule(const Context& ctx, std::int64_t from, std::int64_t to,
                           const std::string& rotation, const std::string& person) {
    if (!person.empty()) {
        require_person(ctx, person);
    }
    if (!rotation.empty()) {
        require_rotation(ctx, rotation);
    }
    std::vector<Duty> out;
    if (to <= from) {
        return out;
    }
    if (to - from > k_max_schedule_days * 86400 + 2 * 3600) { // + a DST change or two
        throw DataError(fmt::format("a schedule of more than {} days was asked for", k_max_schedule_days),
                        "ask for a shorter range");
    }
    const core::BusinessCalendar cal = ctx.policy.business_calendar();
    // Overrides are read once for the widened range (a night shift may start the day before).
    const std::int64_t widened = from - 2 * 86400;
    const auto overrides = store::overrides_between(ctx.db, widened, to + 2 * 86400, rotation);
    for (const auto& rot : ctx.policy.roster.rotations) {
        if (!rotation.empty() && rot.name != rotation) {
            continue;
        }
        std::vector<store::OverrideRow> mine;
        for (const auto& o : overrides) {
            if (o.rotation == rot.name) {
                mine.push_back(o);
            }
        }
        auto duties = merge(apply_overrides(planned(ctx, rot, cal, from, to), mine));
        for (auto& d : duties) {
            if (d.end > from && d.start < to) {
                out.push_back(std::move(d));
            }
        }
    }
    std::stable_sort(out.begin(), out.end(),
                     [](const Duty& a, const Duty& b) { return a.start < b.start; });
    if (!person.empty()) {
        std::erase_if(out, [&](const Duty& d) { return d.person != person; });
    }
    return out;
}

std::vector<Duty> on_duty(const Context& ctx, std::int64_t at, const std::string& rotation,
                          const std::string& team) {
    if (!team.empty()) {
        policy::require_name(ctx.policy, "teams", team);
    }
    auto duties = schedule(ctx, at, at + 1, rotation);
    if (!team.empty()) {
        std::erase_if(duties, [&](const Duty& d) {
            const auto* rot = ctx.policy.roster.rotation(d.rotation);
            return !rot || rot->team != team;
        });
    }
    const auto& rotations = ctx.policy.roster.rotations;
    auto rank = [&](const Duty& d) {
        return std::find_if(rotations.begin(), rotations.end(),
                            [&](const auto& r) { return r.name == d.rotation; }) -
               rotations.begin();
    };
    std::stable_sort(duties.begin(), duties.end(),
                     [&](const Duty& a, const Duty& b) { return rank(a) < rank(b); });
    return duties;
}

std::optional<std::string> on_duty_for_team(const Context& ctx, const std::string& team,
                                            std::int64_t at) {
    for (const auto& rot : ctx.policy.roster.rotations) {
        if (rot.team != team) {
            continue;
        }
        const auto duties = on_duty(ctx, at, rot.name);
        if (!duties.empty()) {
            return duties.front().person;
        }
    }
    return std::nullopt;
}

} // namespace opsctl::roster
