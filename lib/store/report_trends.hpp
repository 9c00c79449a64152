#pragma once
// The review's views across months: ticket trends over the last months and the month's most
// urgent incidents (workload per team and assignee comes with store::ticket_figures). Each figure is one
// grouped query over the whole span; the month bounds (local midnights in the site's zone)
// are bound as parameters, so no query runs once per month.

#include "lib/store/report_common.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace opsctl::store {

/// One month of the ticket trend. Counts as in report_tickets.hpp: opened by created_at,
/// closed by closed_at, backlog = created before the month's end and not closed by then;
/// attainment over the deadlines that fell in the month (met = the clock stopped by it).
struct TrendMonth {
    std::int64_t start = 0, end = 0;
    std::int64_t opened = 0, closed = 0, backlog = 0;
    std::int64_t response_due = 0, response_met = 0;
    std::int64_t resolution_due = 0, resolution_met = 0;
};

/// The months between consecutive `bounds` (month starts, then the last month's end, which
/// may be "now" in the month in progress): at most 24 months, each with every figure.
std::vector<TrendMonth> ticket_trend(Database& db, const std::vector<std::int64_t>& bounds);

/// ticket_trend() in steps, so that the months can be counted in parts (on two connections
/// in one snapshot) and joined: every figure but the backlog...
std::vector<TrendMonth> ticket_trend_months(Database& db, const std::vector<std::int64_t>& bounds);
/// ...the tickets open at `at` (the last month's end)...
std::int64_t ticket_backlog_at(Database& db, std::int64_t at);
/// ...and from it the backlog at each month's end, from the last month back.
void chain_backlog(std::vector<TrendMonth>& months, std::int64_t backlog_at_end);

/// An urgent ticket of the period, with what its durations need.
struct UrgentTicket {
    std::int64_t total = 0; // how many matched before the limit
    std::int64_t id = 0;
    std::string type, priority, title, assignee, asset, asset_name;
    std::int64_t created_at = 0;
    std::optional<std::int64_t> resolved_at; // resolved (or closed) by `until`, else nullopt
    std::int64_t business_secs = 0;          // creation to resolution, pauses excluded (when resolved)
    bool paused = false;                     // the clock was paused on the way (paused_secs > 0)
};

/// Tickets opened in the period of priority `top`, or of one of `types` with priority
/// `second`: most urgent first, then oldest; at most `limit` (< 0: all).
std::vector<UrgentTicket> urgent_tickets(Database& db, const ReportPeriod& p, std::int64_t until,
                                         const std::string& top, const std::string& second,
                                         const std::vector<std::string>& types, std::int64_t limit);

} // namespace opsctl::store
