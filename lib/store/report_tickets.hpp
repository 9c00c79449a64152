#pragma once
// The review's ticket aggregates, all computed in SQL over the denormalised SLA columns of
// `tickets` (see schema_tickets.cpp). Which tickets each figure counts:
//   opened        created_at in the period
//   closed        closed_at in the period (entry into a final state, cancelled included)
//   backlog       created before the period's end and not closed by then
//   response_*    tickets whose first response falls in the period; attainment only over
//                 those with a response target
//   resolution_*  tickets whose resolution falls in the period; the same for targets
//   satisfaction  the average score of tickets closed in the period
//   complaints    tickets opened in the period with a complaint type or of a complaint type

#include "lib/store/report_common.hpp"

#include <optional>
#include <string>
#include <vector>

namespace opsctl::store {

/// Which ticket types count as what (from the report policy).
struct ReportTicketKinds {
    std::string top_priority; // the most urgent priority name ("P1")
    std::vector<std::string> incident, problem, change, complaint;
};

/// One SLA clock's outcome over a set of tickets.
struct SlaOutcome {
    std::int64_t measured = 0;        // tickets whose clock ended in the period
    std::int64_t with_target = 0;     // of those, with a target
    std::int64_t met = 0;             // of those, not breached
    std::int64_t total_secs = 0;      // business seconds summed over `measured`
    std::optional<std::int64_t> p90;  // nearest-rank 90th percentile of business seconds
};

/// The headline ticket figures of a period.
struct TicketFigures {
    std::int64_t opened = 0, closed = 0, backlog = 0, top_priority = 0, complaints = 0;
    SlaOutcome response, resolution;
    std::optional<double> satisfaction;
};

/// SLA outcome of one priority.
struct PrioritySla {
    std::string priority;
    SlaOutcome response, resolution;
};

/// A count under a name (a type, a bucket, an asset).
struct NamedCount {
    std::string name;
    std::int64_t count = 0;
    std::int64_t open = 0; // where it applies: how many of them are still open
};

/// Tickets opened of one type and priority.
struct TypePriorityCount {
    std::string type, priority;
    std::int64_t count = 0;
};

/// Opened and closed on one local day.
struct DayCount {
    std::int64_t day_start = 0;
    std::int64_t opened = 0, closed = 0;
};

/// Opened, closed and open-at-end of a group of ticket types.
struct KindFlow {
    std::int64_t opened = 0, closed = 0, open_at_end = 0;
};

/// A ticket as the review lists it; `total` is how many matched before the limit.
struct ReportTicket {
    std::int64_t total = 0;
    std::int64_t id = 0;
    std::string type, priority, status, title, assignee;
    std::int64_t created_at = 0;
    bool response_breached = false, resolution_breached = false;
};

/// True when the tickets table holds any ticket.
bool report_has_tickets(Database& db);
/// Headline figures of the period.
TicketFigures ticket_figures(Database& db, const ReportPeriod& p, const ReportTicketKinds& kinds);
/// The same, from the period's ticket_sla_by_priority() rows when the caller has them already.
TicketFigures ticket_figures(Database& db, const ReportPeriod& p, const ReportTicketKinds& kinds,
                             const std::vector<PrioritySla>& sla);
/// Response and resolution outcome per priority (only priorities with a measured clock).
std::vector<PrioritySla> ticket_sla_by_priority(Database& db, const ReportPeriod& p);
/// Tickets opened per type and priority.
std::vector<TypePriorityCount> tickets_by_type_priority(Database& db, const ReportPeriod& p);
/// Opened and closed per day; `day_starts` holds each day's first instant plus the period end.
std::vector<DayCount> tickets_per_day(Database& db, const std::vector<std::int64_t>& day_starts);
/// Backlog at the period's end by age: names "1d", "3d", "7d", "30d", "more" (all five, in order).
std::vector<NamedCount> backlog_by_age(Database& db, const ReportPeriod& p);
/// Assets with the most incident tickets opened in the period, at most `limit`.
std::vector<NamedCount> top_incident_assets(Database& db, const ReportPeriod& p, const std::vector<std::string>& types,
                                            std::size_t limit);
/// Opened, closed and open at the end of the period for tickets of these types.
KindFlow ticket_kind_flow(Database& db, const ReportPeriod& p, const std::vector<std::string>& types);
/// Complaints opened in the period by complaint type ("" when a complaint ticket has none).
std::vector<NamedCount> complaints_by_type(Database& db, const ReportPeriod& p, const std::vector<std::string>& types);
/// Tickets whose breach counts in the period (response or resolution in it and breached),
/// and open tickets created before its end that are breached; oldest first, at most `limit`.
std::vector<ReportTicket> breached_tickets(Database& db, const ReportPeriod& p, std::int64_t limit);
/// Open tickets of these types, oldest first (open problems), at most `limit`.
std::vector<ReportTicket> open_tickets_of_types(Database& db, const std::vector<std::string>& types,
                                                std::int64_t limit);
/// Open tickets with a breached clock, oldest first, at most `limit`.
std::vector<ReportTicket> open_breached_tickets(Database& db, std::int64_t limit);

} // namespace opsctl::store
