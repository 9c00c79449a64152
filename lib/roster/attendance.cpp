#include "lib/roster/attendance.hpp"

#include "lib/core/error.hpp"
#include "lib/core/time.hpp"
#include "lib/context/audit.hpp"
#include "lib/roster/duty.hpp"
#include "lib/roster/override.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

namespace opsctl::roster {

Attendance check_in(const Context& ctx, const std::string& note) {
    require_person(ctx, ctx.actor);
    return store::write_transaction(ctx.db, [&] {
        if (auto open = store::open_checkin(ctx.db, ctx.actor)) {
            throw DataError(fmt::format("'{}' is already checked in since {}", ctx.actor,
                                        core::format_time_short(open->checkin_at, ctx.zone())),
                            "opsctl roster checkout first");
        }
        Attendance a;
        a.person = ctx.actor;
        a.checkin_at = ctx.now;
        a.note = note;
        a.id = store::insert_checkin(ctx.db, a.person, a.checkin_at, note);
        audit::record(ctx, "roster_attendance", std::to_string(a.id), "checked_in",
                      {{"person", a.person}, {"at", a.checkin_at}});
        return a;
    });
}

Attendance check_out(const Context& ctx) {
    require_person(ctx, ctx.actor);
    return store::write_transaction(ctx.db, [&] {
        auto open = store::open_checkin(ctx.db, ctx.actor);
        if (!open) {
            throw DataError(fmt::format("'{}' is not checked in", ctx.actor),
                            "opsctl roster checkin first");
        }
        if (ctx.now < open->checkin_at) {
            throw DataError(fmt::format("check-out at {} is before the check-in at {}",
                                        core::format_time_short(ctx.now, ctx.zone()),
                                        core::format_time_short(open->checkin_at, ctx.zone())));
        }
        store::close_checkin(ctx.db, open->id, ctx.now);
        open->checkout_at = ctx.now;
        audit::record(ctx, "roster_attendance", std::to_string(open->id), "checked_out",
                      {{"person", open->person}, {"at", ctx.now}});
        return *open;
    });
}

std::vector<AttendanceSummary> attendance(const Context& ctx, std::int64_t from, std::int64_t to) {
    const auto duties = schedule(ctx, from, to);
    const auto rows = store::attendance_between(ctx.db, from, to);
    std::map<std::string, AttendanceSummary> by_person;
    // A person's duties across rotations, joined where they touch: one turn at the desk.
    std::map<std::string, std::vector<std::pair<std::int64_t, std::int64_t>>> turns;
    for (const auto& d : duties) {
        by_person[d.person].person = d.person;
        by_person[d.person].scheduled_seconds += std::min(d.end, to) - std::max(d.start, from);
        turns[d.person].emplace_back(d.start, d.end);
    }
    std::map<std::string, std::vector<std::pair<std::int64_t, std::int64_t>>> present;
    for (const auto& r : rows) {
        const std::int64_t out = r.checkout_at.value_or(std::max(ctx.now, r.checkin_at));
        by_person[r.person].person = r.person;
        by_person[r.person].checked_in_seconds +=
            std::max<std::int64_t>(0, std::min(out, to) - std::max(r.checkin_at, from));
        present[r.person].emplace_back(r.checkin_at, out);
    }
    const std::int64_t late_after = ctx.policy.roster.late_after;
    for (auto& [person, spans] : turns) {
        std::sort(spans.begin(), spans.end());
        std::vector<std::pair<std::int64_t, std::int64_t>> joined;
        for (const auto& s : spans) {
            if (!joined.empty() && s.first <= joined.back().second) {
                joined.back().second = std::max(joined.back().second, s.second);
            } else {
                joined.push_back(s);
            }
        }
        AttendanceSummary& sum = by_person[person];
        const auto& here = present[person];
        for (const auto& [start, end] : joined) {
            // A turn that has not begun yet can be neither late nor missed; one that began in
            // the previous period is counted there.
            if (start >= ctx.now || start < from) {
                continue;
            }
            sum.turns += 1;
            std::optional<std::int64_t> first_in;
            for (const auto& [in, out] : here) {
                if (in < end && (out > start || (out == in && in >= start))) {
                    first_in = first_in ? std::min(*first_in, in) : in;
                }
            }
            if (!first_in) {
                sum.missed += 1;
            } else if (*first_in > start + late_after) {
                sum.late += 1;
            }
        }
    }
    std::vector<AttendanceSummary> out;
    for (auto& [person, sum] : by_person) {
        out.push_back(sum);
    }
    return out;
}

} // namespace opsctl::roster
