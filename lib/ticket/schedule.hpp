#pragma once
// Scheduled work: the policy's `schedules` opened as tickets, once per period (`ticket schedule
// run`, from cron), and the dates they fall due on (`ticket schedule list`).

#include "lib/context/context.hpp"
#include "lib/ticket/service.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace opsctl::ticket {

/// The policy sections the schedule verbs read: tickets, who is on duty, the assets.
inline constexpr unsigned k_schedule_sections =
    k_assign_sections | policy::section::k_schedules | policy::section::k_assets;

/// The most periods one run opens per schedule (and asset) when it catches up; older missed
/// periods beyond it are left, and the run says so.
inline constexpr std::size_t k_max_catch_up = 100;

/// One period of one schedule, opened or about to be.
struct ScheduledTicket {
    std::string schedule;
    std::string period; // the period's nominal date, YYYY-MM-DD
    std::string due;    // the working day it fell due on
    std::string asset;  // the asset of the ticket, if any
    std::int64_t ticket = 0; // 0: not opened (a dry run)
    std::string assignee;
    std::string title;
};

/// What one `schedule run` did.
struct ScheduleRunReport {
    std::vector<ScheduledTicket> opened; // in schedule order, oldest period first
    std::size_t already = 0;             // periods found opened by a run at the same time
    std::vector<std::string> problems;   // a schedule or period that could not be opened, and why
};

/// Opens a ticket for every period of the schedules (all, or those named: NotFound for an
/// unknown name) that is due today on the business calendar and not yet opened: one write
/// transaction per period records the ticket, its "created" event (with schedule, period and
/// due) and the period together, so each period opens exactly once however often and however
/// concurrently this runs. A schedule's first run opens its latest due period only; later runs
/// catch up every missed period (catch_up: all, at most k_max_catch_up) or the newest (latest).
/// With `dry_run` nothing is written.
ScheduleRunReport run_schedules(Context& ctx, const std::vector<std::string>& names, bool dry_run);

/// One coming (or due and not yet opened) date of a schedule.
struct ScheduleDate {
    const policy::Schedule* schedule = nullptr;
    std::string period;
    std::string due;
    bool pending = false; // due today or earlier and not opened yet: the next run opens it
    std::string last;     // the newest period opened for it (any asset); empty when none
    std::string title;    // with {{period}}, {{due}} and {{schedule}} filled in
    std::string type;     // the ticket type and priority it opens with (defaults applied)
    std::string priority;
};

/// The next `count` dates of each schedule (all, or those named) after the newest period
/// opened, in schedule order; a schedule never run starts from the period the first run would
/// open. `count` is 1..100 (UsageError otherwise).
std::vector<ScheduleDate> schedule_dates(Context& ctx, const std::vector<std::string>& names, std::size_t count);

/// "zhangwei", "rotation ops-primary" or "on duty (team ops)": whom a schedule's tickets go to.
std::string schedule_assignee(const Context& ctx, const policy::Schedule& s);
/// "UPS-01", "class ups in_use at 机房A" or "": what a schedule's tickets are about.
std::string schedule_assets(const policy::Schedule& s);

} // namespace opsctl::ticket
