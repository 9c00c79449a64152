#pragma once
// The review's ticket aggregates over the denormalised SLA columns of `tickets` (see
// schema_tickets.cpp). Which tickets each figure counts:
//   opened        created_at in the period
//   closed        closed_at in the period (entry into a final state, cancelled included)
//   backlog       created before the period's end and not closed by then
//   response_*    attainment (met / due): tickets whose response deadline (response_due_at)
//                 fell in the period, met when answered by it, breached otherwise (answered
//                 late or not at all), decided from the stored deadline and answer time, not
//                 from the response_breached flag that only a change or `ticket sla` sets;
//                 mean and P90 over the tickets answered in the period
//   resolution_*  the same with resolution_due_at and the resolution (or closing) time
// A deadline counts only once it has passed (`until`: the period's end, or now in the month
// in progress), so a past month reads the same whenever it is generated.
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
    std::int64_t with_target = 0;     // tickets whose deadline fell in the period (answered or not)
    std::int64_t met = 0;             // of those, stopped by the deadline
    std::int64_t total_secs = 0;      // business seconds summed over `measured`
    std::optional<std::int64_t> p90;  // nearest-rank 90th percentile of business seconds
};

/// Opened, closed and open-at-end of a group of ticket types.
struct KindFlow {
    std::int64_t opened = 0, closed = 0, open_at_end = 0;
};

/// The headline ticket figures of a period.
struct TicketFigures {
    std::int64_t opened = 0, closed = 0, backlog = 0, top_priority = 0, complaints = 0;
    KindFlow problems, changes; // tickets of the problem and of the change types
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
    std::int64_t open = 0;     // where it applies: how many of them were open at the period's end
    std::string label = {};    // where it applies: the asset's name
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

/// A ticket as the review lists it; `total` is how many matched before the limit.
struct ReportTicket {
    std::int64_t total = 0;
    std::int64_t id = 0;
    std::string type, priority, status, title, assignee;
    std::int64_t created_at = 0;
    bool response_breached = false, resolution_breached = false;
    bool open_at_end = false;         // not closed at the period's end
    std::int64_t since = 0;           // the breach instant (the earlier missed deadline), else created_at
};

/// True when the tickets table holds any ticket.
bool report_has_tickets(Database& db);
/// Work of one team and assignee in a period ("" for none).
struct Workload {
    std::string team, assignee;
    std::int64_t opened = 0, closed = 0, open_at_end = 0;
    std::int64_t response_due = 0, response_met = 0;
    std::int64_t resolution_due = 0, resolution_met = 0;
};

/// A period whose figures are wanted, and up to when its deadlines count (<= p.end).
struct TicketPeriod {
    ReportPeriod p;
    std::int64_t until = 0;
};
/// A period's headline figures, its SLA outcome per priority (priorities with a deadline or a
/// stopped clock in the period, in order of name) and its workload per (team, assignee):
/// opened and closed in the period, open at its end, SLA attainment over its deadlines up to
/// `until`; pairs with any such ticket, most open at the end first, then most opened.
struct TicketPeriodFigures {
    TicketFigures figures;
    std::vector<PrioritySla> sla;
    std::vector<Workload> workload;
    /// The tickets that breached in [p.start, until): a response or resolution deadline in
    /// it that was missed; `since` is the earlier missed deadline, oldest first (then by id).
    /// Read with breached_tickets() for the list.
    struct Breach {
        std::int64_t id = 0, since = 0;
        bool response = false, resolution = false, open_at_end = false;
    };
    std::vector<Breach> breached;
    /// Tickets opened in the period per type and priority, in order of type, then priority.
    std::vector<TypePriorityCount> opened_by_type;
};
/// The figures of each period, in the order given: every ticket any of them counts is read
/// once, whatever the number of periods and figures (the union of the periods' index ranges
/// of creation, closing and both deadlines, and the tickets still open).
std::vector<TicketPeriodFigures> ticket_figures(Database& db, const std::vector<TicketPeriod>& periods,
                                                const ReportTicketKinds& kinds);
/// Tickets opened per type and priority.
std::vector<TypePriorityCount> tickets_by_type_priority(Database& db, const ReportPeriod& p);
/// Opened and closed per day; `day_starts` holds each day's first instant plus the period end.
std::vector<DayCount> tickets_per_day(Database& db, const std::vector<std::int64_t>& day_starts);
/// Backlog at the period's end by age: names "1d", "3d", "7d", "30d", "more" (all five, in order).
std::vector<NamedCount> backlog_by_age(Database& db, const ReportPeriod& p);
/// Assets with the most incident tickets opened in the period (with the asset's name), at
/// most `limit`.
std::vector<NamedCount> top_incident_assets(Database& db, const ReportPeriod& p, const std::vector<std::string>& types,
                                            std::size_t limit);
/// Tickets of the incident types whose resolution in the period recorded a known error's
/// workaround (`ticket resolve --kb`, ticket_known_errors.at in the period).
std::int64_t solved_by_known_workaround(Database& db, const ReportPeriod& p, const std::vector<std::string>& types);
/// Complaints opened in the period by complaint type ("" when a complaint ticket has none).
std::vector<NamedCount> complaints_by_type(Database& db, const ReportPeriod& p, const std::vector<std::string>& types);
/// The first `limit` (< 0: all) of a period's breached tickets (TicketPeriodFigures::breached,
/// in that order), each with `total` the number breached.
std::vector<ReportTicket> breached_tickets(Database& db, const TicketPeriodFigures& figures, std::int64_t limit);
/// The open tickets the review's action items name, as they stood at `at`.
struct OpenTicketActions {
    /// Tickets of the problem types open at `at` (created before it, not closed by it), most
    /// urgent priority (in `priority_order`; names it lacks come last) first, then oldest.
    std::vector<ReportTicket> problems;
    /// Tickets open at `at` with a deadline missed before it, most urgent priority first,
    /// then oldest breach.
    std::vector<ReportTicket> breached;
    /// How many of each each assignee holds ("" for none), most first, then by name.
    std::vector<NamedCount> problem_owners, breached_owners;
};
/// The open problems and the open breached tickets at `at`, each list at most `limit`
/// (< 0: all) with its `total`: the tickets open at `at` are read once for all four.
OpenTicketActions open_ticket_actions(Database& db, std::int64_t at, const std::vector<std::string>& problem_types,
                                      const std::vector<std::string>& priority_order, std::int64_t limit);

} // namespace opsctl::store
