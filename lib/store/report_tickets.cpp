#include "lib/store/report_tickets.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

namespace opsctl::store {

namespace {

// Every ticket whose response, resolution or closure can fall in [start, end) is still
// open or was closed at or after `start` (a ticket is answered and resolved no later than
// it is closed), and was created before `end`. Filtering on closed_at first lets SQLite
// use the tickets_closed index instead of scanning the whole table; the unary + keeps the
// planner off tickets_created, whose range (everything before the period's end) is nearly
// the whole table when the period is the last month.
constexpr const char* k_active = "(closed_at IS NULL OR closed_at >= ?1) AND +created_at < ?2";

void bind_period(SQLite::Statement& q, const ReportPeriod& p) {
    q.bind(1, static_cast<std::int64_t>(p.start));
    q.bind(2, static_cast<std::int64_t>(p.end));
}

void bind_list(SQLite::Statement& q, int first, const std::vector<std::string>& items) {
    for (std::size_t i = 0; i < items.size(); ++i) {
        q.bind(first + static_cast<int>(i), items[i]);
    }
}

std::string text_or_empty(SQLite::Statement& q, int i) {
    return q.getColumn(i).isNull() ? std::string() : q.getColumn(i).getString();
}

// The business seconds at the nearest-rank 90th percentile: sorted ascending, the value
// at position ceil(0.9 n). SQLite sorts and skips; only one value comes back.
std::optional<std::int64_t> p90(Database& db, const ReportPeriod& p, const char* at, const char* secs,
                                std::int64_t n) {
    if (n <= 0) {
        return std::nullopt;
    }
    const std::string sql =
        fmt::format("SELECT {0} FROM tickets WHERE {2} AND {1} >= ?1 AND {1} < ?2 ORDER BY {0} LIMIT 1 OFFSET ?3",
                    secs, at, k_active);
    SQLite::Statement q(db.sql(), sql);
    bind_period(q, p);
    const auto rank = static_cast<std::int64_t>(std::ceil(0.9 * static_cast<double>(n)));
    q.bind(3, static_cast<std::int64_t>(rank - 1));
    if (!q.executeStep()) {
        return std::nullopt;
    }
    return q.getColumn(0).getInt64();
}

std::vector<ReportTicket> read_tickets(SQLite::Statement& q) {
    std::vector<ReportTicket> out;
    while (q.executeStep()) {
        ReportTicket t;
        t.id = q.getColumn(0).getInt64();
        t.type = q.getColumn(1).getString();
        t.priority = q.getColumn(2).getString();
        t.status = q.getColumn(3).getString();
        t.title = q.getColumn(4).getString();
        t.assignee = text_or_empty(q, 5);
        t.created_at = q.getColumn(6).getInt64();
        t.response_breached = q.getColumn(7).getInt() != 0;
        t.resolution_breached = q.getColumn(8).getInt() != 0;
        t.open_at_end = q.getColumn(9).getInt() != 0;
        t.since = q.getColumn(10).getInt64();
        t.total = q.getColumn(11).getInt64();
        out.push_back(std::move(t));
    }
    return out;
}

// A clock missed its deadline by an instant when the deadline passed before it and the
// clock had not stopped by then (the response, or the resolution or closing). The deadline
// is the stored one (sla.cpp: the instant the target was used up, or, for a clock that
// stopped in time, the instant it would have been), so a breach is decided from the
// record itself, whether or not `ticket sla` or a later change set the *_breached flags.
std::string response_missed(const std::string& from, const std::string& until) {
    return fmt::format("COALESCE(response_due_at >= {} AND response_due_at < {} AND (responded_at IS NULL OR "
                       "responded_at > response_due_at), 0)",
                       from, until);
}
std::string resolution_missed(const std::string& from, const std::string& until) {
    return fmt::format("COALESCE(resolution_due_at >= {} AND resolution_due_at < {} AND "
                       "(COALESCE(resolved_at, closed_at) IS NULL OR COALESCE(resolved_at, closed_at) > "
                       "resolution_due_at), 0)",
                       from, until);
}

// The ticket columns of a list, the two breaches, open at `open_at`, the breach instant (the
// earlier missed deadline, else the creation), and how many rows in all (the window count is
// taken before LIMIT).
std::string list_columns(const std::string& rb, const std::string& sb, const std::string& open_at) {
    return fmt::format("SELECT id, type, priority, status, title, assignee, created_at, rb, sb, "
                       "(closed_at IS NULL OR closed_at >= {0}), "
                       "CASE WHEN rb AND (NOT sb OR response_due_at <= resolution_due_at) THEN response_due_at "
                       "WHEN sb THEN resolution_due_at ELSE created_at END AS since, COUNT(*) OVER () "
                       "FROM (SELECT *, {1} AS rb, {2} AS sb FROM tickets WHERE id IN ",
                       open_at, rb, sb);
}

// The ids of the tickets open at ?N: created before it and not closed by it, as two index
// ranges on tickets_closed instead of one OR.
std::string open_ids(int n) {
    return fmt::format("(SELECT id FROM tickets WHERE closed_at IS NULL AND +created_at < ?{0} UNION ALL "
                       "SELECT id FROM tickets WHERE closed_at >= ?{0} AND +created_at < ?{0})",
                       n);
}

// The rank of a ticket's priority in the policy's order (most urgent first) from the names
// bound at ?first..; names the policy does not know come last.
std::string priority_rank(int first, std::size_t count) {
    if (count == 0) {
        return "0";
    }
    std::string out = "CASE priority";
    for (std::size_t i = 0; i < count; ++i) {
        out += fmt::format(" WHEN ?{} THEN {}", first + static_cast<int>(i), i);
    }
    return out + fmt::format(" ELSE {} END", count);
}

void bind_limit(SQLite::Statement& q, int n, std::int64_t limit) { q.bind(n, limit < 0 ? std::int64_t{-1} : limit); }

} // namespace

bool report_has_tickets(Database& db) { return report_table_has_rows(db, "tickets"); }

TicketFigures ticket_figures(Database& db, const ReportPeriod& p, std::int64_t until, const ReportTicketKinds& kinds) {
    return ticket_figures(db, p, kinds, ticket_sla_by_priority(db, p, until));
}

TicketFigures ticket_figures(Database& db, const ReportPeriod& p, const ReportTicketKinds& kinds,
                             const std::vector<PrioritySla>& sla) {
    TicketFigures f;
    {
        SQLite::Statement q(db.sql(),
                            "SELECT COUNT(*), COALESCE(SUM(priority = ?3), 0), "
                            "COALESCE(SUM(complaint_type IS NOT NULL OR type IN (" +
                                report_placeholders(kinds.complaint.size(), 4) +
                                ")), 0) FROM tickets WHERE created_at >= ?1 AND created_at < ?2");
        bind_period(q, p);
        q.bind(3, kinds.top_priority);
        bind_list(q, 4, kinds.complaint);
        q.executeStep();
        f.opened = q.getColumn(0).getInt64();
        f.top_priority = q.getColumn(1).getInt64();
        f.complaints = q.getColumn(2).getInt64();
    }
    {
        SQLite::Statement q(db.sql(), "SELECT COUNT(*), AVG(satisfaction) FROM tickets "
                                      "WHERE closed_at >= ?1 AND closed_at < ?2");
        bind_period(q, p);
        q.executeStep();
        f.closed = q.getColumn(0).getInt64();
        if (!q.getColumn(1).isNull()) {
            f.satisfaction = q.getColumn(1).getDouble();
        }
    }
    {
        // Two index ranges instead of one OR: open now, or closed after the period's end.
        SQLite::Statement q(db.sql(),
                            "SELECT (SELECT COUNT(*) FROM tickets WHERE closed_at IS NULL AND +created_at < ?1) + "
                            "(SELECT COUNT(*) FROM tickets WHERE closed_at >= ?1 AND +created_at < ?1)");
        q.bind(1, static_cast<std::int64_t>(p.end));
        q.executeStep();
        f.backlog = q.getColumn(0).getInt64();
    }
    for (const auto& row : sla) {
        for (auto [total, part] : {std::pair{&f.response, &row.response}, std::pair{&f.resolution, &row.resolution}}) {
            total->measured += part->measured;
            total->with_target += part->with_target;
            total->met += part->met;
            total->total_secs += part->total_secs;
        }
    }
    f.response.p90 = p90(db, p, "responded_at", "response_business_secs", f.response.measured);
    f.resolution.p90 = p90(db, p, "resolved_at", "resolution_business_secs", f.resolution.measured);
    return f;
}

std::vector<PrioritySla> ticket_sla_by_priority(Database& db, const ReportPeriod& p, std::int64_t until) {
    std::map<std::string, PrioritySla> rows;
    {
        // Attainment: every deadline that fell in [start, until), each read from its own index.
        SQLite::Statement q(db.sql(), R"sql(
SELECT priority, SUM(clock = 0), SUM(clock = 0 AND met), SUM(clock = 1), SUM(clock = 1 AND met)
FROM (SELECT priority, 0 AS clock, COALESCE(responded_at <= response_due_at, 0) AS met FROM tickets
      WHERE response_due_at >= ?1 AND response_due_at < ?2
      UNION ALL
      SELECT priority, 1, COALESCE(COALESCE(resolved_at, closed_at) <= resolution_due_at, 0) FROM tickets
      WHERE resolution_due_at >= ?1 AND resolution_due_at < ?2)
GROUP BY priority)sql");
        q.bind(1, static_cast<std::int64_t>(p.start));
        q.bind(2, static_cast<std::int64_t>(std::min(until, p.end)));
        while (q.executeStep()) {
            auto& row = rows[q.getColumn(0).getString()];
            row.response.with_target = q.getColumn(1).getInt64();
            row.response.met = q.getColumn(2).getInt64();
            row.resolution.with_target = q.getColumn(3).getInt64();
            row.resolution.met = q.getColumn(4).getInt64();
        }
    }
    {
        // Times: the clocks that stopped in the period.
        SQLite::Statement q(db.sql(), fmt::format(R"sql(
SELECT priority, SUM(r), SUM(r * response_business_secs), SUM(s), SUM(s * resolution_business_secs)
FROM (SELECT priority, response_business_secs, resolution_business_secs,
             COALESCE(responded_at >= ?1 AND responded_at < ?2, 0) AS r,
             COALESCE(resolved_at >= ?1 AND resolved_at < ?2, 0) AS s
      FROM tickets WHERE {})
WHERE r = 1 OR s = 1
GROUP BY priority)sql",
                                                  k_active));
        bind_period(q, p);
        while (q.executeStep()) {
            auto& row = rows[q.getColumn(0).getString()];
            row.response.measured = q.getColumn(1).getInt64();
            row.response.total_secs = q.getColumn(2).getInt64();
            row.resolution.measured = q.getColumn(3).getInt64();
            row.resolution.total_secs = q.getColumn(4).getInt64();
        }
    }
    std::vector<PrioritySla> out;
    for (auto& [priority, row] : rows) {
        row.priority = priority;
        out.push_back(std::move(row));
    }
    return out;
}

std::vector<TypePriorityCount> tickets_by_type_priority(Database& db, const ReportPeriod& p) {
    SQLite::Statement q(db.sql(), "SELECT type, priority, COUNT(*) FROM tickets "
                                  "WHERE created_at >= ?1 AND created_at < ?2 GROUP BY type, priority");
    bind_period(q, p);
    std::vector<TypePriorityCount> out;
    while (q.executeStep()) {
        out.push_back({q.getColumn(0).getString(), q.getColumn(1).getString(), q.getColumn(2).getInt64()});
    }
    return out;
}

std::vector<DayCount> tickets_per_day(Database& db, const std::vector<std::int64_t>& day_starts) {
    std::vector<DayCount> out;
    if (day_starts.size() < 2) {
        return out;
    }
    // Local days are not all 86,400 s long where the zone has DST, so each day's bounds are
    // bound explicitly; every count is then one index range.
    SQLite::Statement opened(db.sql(), "SELECT COUNT(*) FROM tickets WHERE created_at >= ?1 AND created_at < ?2");
    SQLite::Statement closed(db.sql(), "SELECT COUNT(*) FROM tickets WHERE closed_at >= ?1 AND closed_at < ?2");
    for (std::size_t i = 0; i + 1 < day_starts.size(); ++i) {
        DayCount d;
        d.day_start = day_starts[i];
        for (auto [q, target] : {std::pair{&opened, &d.opened}, std::pair{&closed, &d.closed}}) {
            q->reset();
            q->bind(1, static_cast<std::int64_t>(day_starts[i]));
            q->bind(2, static_cast<std::int64_t>(day_starts[i + 1]));
            q->executeStep();
            *target = q->getColumn(0).getInt64();
        }
        out.push_back(d);
    }
    return out;
}

std::vector<NamedCount> backlog_by_age(Database& db, const ReportPeriod& p) {
    SQLite::Statement q(db.sql(), R"sql(
SELECT CASE WHEN ?1 - created_at < 86400 THEN 0
            WHEN ?1 - created_at < 3 * 86400 THEN 1
            WHEN ?1 - created_at < 7 * 86400 THEN 2
            WHEN ?1 - created_at < 30 * 86400 THEN 3
            ELSE 4 END AS bucket, COUNT(*)
FROM (SELECT created_at FROM tickets WHERE closed_at IS NULL AND +created_at < ?1
      UNION ALL
      SELECT created_at FROM tickets WHERE closed_at >= ?1 AND +created_at < ?1)
GROUP BY bucket)sql");
    q.bind(1, static_cast<std::int64_t>(p.end));
    std::vector<NamedCount> out{{"1d", 0, 0}, {"3d", 0, 0}, {"7d", 0, 0}, {"30d", 0, 0}, {"more", 0, 0}};
    while (q.executeStep()) {
        out.at(static_cast<std::size_t>(q.getColumn(0).getInt())).count = q.getColumn(1).getInt64();
    }
    return out;
}

std::vector<NamedCount> top_incident_assets(Database& db, const ReportPeriod& p, const std::vector<std::string>& types,
                                            std::size_t limit) {
    // "Still open" means open at the period's end, so that a past month does not change.
    SQLite::Statement q(db.sql(), "SELECT t.asset, COUNT(*) AS n, SUM(t.closed_at IS NULL OR t.closed_at >= ?2), "
                                  "(SELECT a.name FROM assets a WHERE a.tag = t.asset) FROM tickets t "
                                  "WHERE t.created_at >= ?1 AND t.created_at < ?2 AND t.asset IS NOT NULL "
                                  "AND t.asset <> '' AND t.type IN (" +
                                      report_placeholders(types.size(), 4) +
                                      ") GROUP BY t.asset ORDER BY n DESC, t.asset LIMIT ?3");
    bind_period(q, p);
    q.bind(3, static_cast<std::int64_t>(limit));
    bind_list(q, 4, types);
    std::vector<NamedCount> out;
    while (q.executeStep()) {
        out.push_back({q.getColumn(0).getString(), q.getColumn(1).getInt64(), q.getColumn(2).getInt64(),
                       text_or_empty(q, 3)});
    }
    return out;
}

KindFlow ticket_kind_flow(Database& db, const ReportPeriod& p, const std::vector<std::string>& types) {
    SQLite::Statement q(db.sql(), fmt::format("SELECT COALESCE(SUM(created_at >= ?1), 0), "
                                              "COALESCE(SUM(closed_at >= ?1 AND closed_at < ?2), 0), "
                                              "COALESCE(SUM(closed_at IS NULL OR closed_at >= ?2), 0) "
                                              "FROM tickets WHERE {} AND type IN ({})",
                                              k_active, report_placeholders(types.size(), 3)));
    bind_period(q, p);
    bind_list(q, 3, types);
    q.executeStep();
    return {q.getColumn(0).getInt64(), q.getColumn(1).getInt64(), q.getColumn(2).getInt64()};
}

std::vector<NamedCount> complaints_by_type(Database& db, const ReportPeriod& p, const std::vector<std::string>& types) {
    SQLite::Statement q(db.sql(), "SELECT COALESCE(complaint_type, ''), COUNT(*), "
                                  "SUM(closed_at IS NULL OR closed_at >= ?2) FROM tickets "
                                  "WHERE created_at >= ?1 AND created_at < ?2 AND (complaint_type IS NOT NULL "
                                  "OR type IN (" +
                                      report_placeholders(types.size(), 3) +
                                      ")) GROUP BY 1 ORDER BY 2 DESC, 1");
    bind_period(q, p);
    bind_list(q, 3, types);
    std::vector<NamedCount> out;
    while (q.executeStep()) {
        out.push_back({q.getColumn(0).getString(), q.getColumn(1).getInt64(), q.getColumn(2).getInt64()});
    }
    return out;
}

std::vector<ReportTicket> breached_tickets(Database& db, const ReportPeriod& p, std::int64_t until,
                                           std::int64_t limit) {
    SQLite::Statement q(db.sql(), list_columns(response_missed("?1", "?2"), resolution_missed("?1", "?2"), "?3") +
                                      "(SELECT id FROM tickets WHERE response_due_at >= ?1 AND response_due_at < ?2 "
                                      "UNION SELECT id FROM tickets WHERE resolution_due_at >= ?1 AND "
                                      "resolution_due_at < ?2)) WHERE rb OR sb ORDER BY since, id LIMIT ?4");
    q.bind(1, static_cast<std::int64_t>(p.start));
    q.bind(2, static_cast<std::int64_t>(std::min(until, p.end)));
    q.bind(3, static_cast<std::int64_t>(p.end));
    bind_limit(q, 4, limit);
    return read_tickets(q);
}

std::vector<ReportTicket> open_tickets_of_types(Database& db, const std::vector<std::string>& types, std::int64_t at,
                                                const std::vector<std::string>& priority_order, std::int64_t limit) {
    const int first_type = 3 + static_cast<int>(priority_order.size());
    SQLite::Statement q(db.sql(), list_columns(response_missed("0", "?1"), resolution_missed("0", "?1"), "?1") +
                                      open_ids(1) + " AND type IN (" + report_placeholders(types.size(), first_type) +
                                      ")) ORDER BY " + priority_rank(3, priority_order.size()) +
                                      ", created_at, id LIMIT ?2");
    q.bind(1, static_cast<std::int64_t>(at));
    bind_limit(q, 2, limit);
    bind_list(q, 3, priority_order);
    bind_list(q, first_type, types);
    return read_tickets(q);
}

std::vector<ReportTicket> open_breached_tickets(Database& db, std::int64_t at,
                                                const std::vector<std::string>& priority_order, std::int64_t limit) {
    SQLite::Statement q(db.sql(), list_columns(response_missed("0", "?1"), resolution_missed("0", "?1"), "?1") +
                                      open_ids(1) + ") WHERE rb OR sb ORDER BY " +
                                      priority_rank(3, priority_order.size()) + ", since, id LIMIT ?2");
    q.bind(1, static_cast<std::int64_t>(at));
    bind_limit(q, 2, limit);
    bind_list(q, 3, priority_order);
    return read_tickets(q);
}

std::vector<NamedCount> open_tickets_by_assignee(Database& db, std::int64_t at, const std::vector<std::string>& types) {
    const std::string filter = types.empty()
                                   ? fmt::format("({} OR {})", response_missed("0", "?1"), resolution_missed("0", "?1"))
                                   : "type IN (" + report_placeholders(types.size(), 2) + ")";
    SQLite::Statement q(db.sql(), "SELECT COALESCE(assignee, ''), COUNT(*) FROM tickets WHERE id IN " + open_ids(1) +
                                      " AND " + filter + " GROUP BY 1 ORDER BY 2 DESC, 1");
    q.bind(1, static_cast<std::int64_t>(at));
    bind_list(q, 2, types);
    std::vector<NamedCount> out;
    while (q.executeStep()) {
        out.push_back({q.getColumn(0).getString(), q.getColumn(1).getInt64(), q.getColumn(1).getInt64()});
    }
    return out;
}

} // namespace opsctl::store
