#include "lib/store/report_tickets.hpp"

#include <fmt/format.h>

#include <cmath>

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
        t.total = q.getColumn(9).getInt64();
        out.push_back(std::move(t));
    }
    return out;
}

// The window count is taken before LIMIT, so one query gives both the first rows and how
// many there are in all.
constexpr const char* k_ticket_columns = "id, type, priority, status, title, assignee, created_at, "
                                         "response_breached, resolution_breached, COUNT(*) OVER ()";

} // namespace

bool report_has_tickets(Database& db) { return report_table_has_rows(db, "tickets"); }

TicketFigures ticket_figures(Database& db, const ReportPeriod& p, const ReportTicketKinds& kinds) {
    return ticket_figures(db, p, kinds, ticket_sla_by_priority(db, p));
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

std::vector<PrioritySla> ticket_sla_by_priority(Database& db, const ReportPeriod& p) {
    SQLite::Statement q(db.sql(), fmt::format(R"sql(
SELECT priority,
       SUM(r), SUM(r * (response_target_secs IS NOT NULL)),
       SUM(r * (response_target_secs IS NOT NULL) * (response_breached = 0)), SUM(r * response_business_secs),
       SUM(s), SUM(s * (resolution_target_secs IS NOT NULL)),
       SUM(s * (resolution_target_secs IS NOT NULL) * (resolution_breached = 0)), SUM(s * resolution_business_secs)
FROM (SELECT priority, response_target_secs, response_breached, response_business_secs,
             resolution_target_secs, resolution_breached, resolution_business_secs,
             COALESCE(responded_at >= ?1 AND responded_at < ?2, 0) AS r,
             COALESCE(resolved_at >= ?1 AND resolved_at < ?2, 0) AS s
      FROM tickets WHERE {})
WHERE r = 1 OR s = 1
GROUP BY priority ORDER BY priority)sql",
                                              k_active));
    bind_period(q, p);
    std::vector<PrioritySla> out;
    while (q.executeStep()) {
        PrioritySla row;
        row.priority = q.getColumn(0).getString();
        row.response = {q.getColumn(1).getInt64(), q.getColumn(2).getInt64(), q.getColumn(3).getInt64(),
                        q.getColumn(4).getInt64(), std::nullopt};
        row.resolution = {q.getColumn(5).getInt64(), q.getColumn(6).getInt64(), q.getColumn(7).getInt64(),
                          q.getColumn(8).getInt64(), std::nullopt};
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
    SQLite::Statement q(db.sql(), "SELECT asset, COUNT(*) AS n, SUM(is_open) FROM tickets "
                                  "WHERE created_at >= ?1 AND created_at < ?2 AND asset IS NOT NULL AND asset <> '' "
                                  "AND type IN (" +
                                      report_placeholders(types.size(), 4) +
                                      ") GROUP BY asset ORDER BY n DESC, asset LIMIT ?3");
    bind_period(q, p);
    q.bind(3, static_cast<std::int64_t>(limit));
    bind_list(q, 4, types);
    std::vector<NamedCount> out;
    while (q.executeStep()) {
        out.push_back({q.getColumn(0).getString(), q.getColumn(1).getInt64(), q.getColumn(2).getInt64()});
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
    SQLite::Statement q(db.sql(), "SELECT COALESCE(complaint_type, ''), COUNT(*), SUM(is_open) FROM tickets "
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

std::vector<ReportTicket> breached_tickets(Database& db, const ReportPeriod& p, std::int64_t limit) {
    SQLite::Statement q(db.sql(), fmt::format(R"sql(SELECT {} FROM tickets WHERE {}
  AND (response_breached = 1 OR resolution_breached = 1)
  AND ((response_breached = 1 AND responded_at >= ?1 AND responded_at < ?2)
       OR (resolution_breached = 1 AND resolved_at >= ?1 AND resolved_at < ?2)
       OR is_open = 1)
ORDER BY created_at, id LIMIT ?3)sql",
                                              k_ticket_columns, k_active));
    bind_period(q, p);
    q.bind(3, static_cast<std::int64_t>(limit));
    return read_tickets(q);
}

std::vector<ReportTicket> open_tickets_of_types(Database& db, const std::vector<std::string>& types,
                                                std::int64_t limit) {
    SQLite::Statement q(db.sql(), fmt::format("SELECT {} FROM tickets WHERE is_open = 1 AND type IN ({}) "
                                              "ORDER BY created_at, id LIMIT ?1",
                                              k_ticket_columns, report_placeholders(types.size(), 2)));
    q.bind(1, static_cast<std::int64_t>(limit));
    bind_list(q, 2, types);
    return read_tickets(q);
}

std::vector<ReportTicket> open_breached_tickets(Database& db, std::int64_t limit) {
    SQLite::Statement q(db.sql(), fmt::format("SELECT {} FROM tickets WHERE is_open = 1 AND (response_breached = 1 "
                                              "OR resolution_breached = 1) ORDER BY created_at, id LIMIT ?1",
                                              k_ticket_columns));
    q.bind(1, static_cast<std::int64_t>(limit));
    return read_tickets(q);
}

} // namespace opsctl::store
