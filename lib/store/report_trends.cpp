#include "lib/store/report_trends.hpp"

#include "lib/core/error.hpp"

#include <fmt/format.h>

#include <map>
#include <utility>

namespace opsctl::store {

namespace {

constexpr std::size_t k_max_trend_months = 24;

// The months as a table m(i, s, e) from the bounds bound at ?1..?(n+1): month i is [s, e).
std::string month_values(std::size_t months) {
    std::string out = "WITH m(i, s, e) AS (VALUES ";
    for (std::size_t i = 0; i < months; ++i) {
        out += fmt::format("{}({}, ?{}, ?{})", i == 0 ? "" : ", ", i, i + 1, i + 2);
    }
    return out + ") ";
}

void bind_bounds(SQLite::Statement& q, const std::vector<std::int64_t>& bounds) {
    for (std::size_t i = 0; i < bounds.size(); ++i) {
        q.bind(static_cast<int>(i + 1), static_cast<std::int64_t>(bounds[i]));
    }
}

std::string text_or_empty(SQLite::Statement& q, int i) {
    return q.getColumn(i).isNull() ? std::string() : q.getColumn(i).getString();
}

} // namespace

std::vector<TrendMonth> ticket_trend(Database& db, const std::vector<std::int64_t>& bounds) {
    if (bounds.size() < 2 || bounds.size() > k_max_trend_months + 1) {
        throw Failure(fmt::format("a ticket trend spans 1 to {} months, not {}", k_max_trend_months,
                                  bounds.size() < 2 ? 0 : bounds.size() - 1));
    }
    const std::size_t months = bounds.size() - 1;
    const std::string with = month_values(months);
    std::vector<TrendMonth> out(months);
    for (std::size_t i = 0; i < months; ++i) {
        out[i].start = bounds[i];
        out[i].end = bounds[i + 1];
    }
    {
        // Opened and closed: each month one range of a covering index (tickets_created,
        // tickets_closed), joined to the months and grouped by them.
        SQLite::Statement q(db.sql(), with + R"sql(
SELECT m.i, COUNT(t.created_at), 0 FROM m JOIN tickets t ON t.created_at >= m.s AND t.created_at < m.e GROUP BY m.i
UNION ALL
SELECT m.i, 0, COUNT(t.closed_at) FROM m JOIN tickets t ON t.closed_at >= m.s AND t.closed_at < m.e GROUP BY m.i)sql");
        bind_bounds(q, bounds);
        while (q.executeStep()) {
            auto& m = out.at(static_cast<std::size_t>(q.getColumn(0).getInt64()));
            m.opened += q.getColumn(1).getInt64();
            m.closed += q.getColumn(2).getInt64();
        }
    }
    {
        // The backlog at the last month's end (few tickets closed after it); each earlier
        // month's end follows, since a ticket is closed no earlier than it is created:
        // backlog(start) = backlog(end) - opened + closed in between.
        SQLite::Statement q(db.sql(),
                            "SELECT (SELECT COUNT(*) FROM tickets WHERE closed_at IS NULL AND +created_at < ?1) + "
                            "(SELECT COUNT(*) FROM tickets WHERE closed_at >= ?1 AND +created_at < ?1)");
        q.bind(1, static_cast<std::int64_t>(bounds.back()));
        q.executeStep();
        std::int64_t backlog = q.getColumn(0).getInt64();
        for (auto it = out.rbegin(); it != out.rend(); ++it) {
            it->backlog = backlog;
            backlog -= it->opened - it->closed;
        }
    }
    {
        // Attainment: the deadlines of each month, from the two due-time indexes.
        SQLite::Statement q(db.sql(), with + R"sql(
SELECT m.i, COUNT(*), COALESCE(SUM(t.responded_at <= t.response_due_at), 0), 0, 0
FROM m JOIN tickets t ON t.response_due_at >= m.s AND t.response_due_at < m.e GROUP BY m.i
UNION ALL
SELECT m.i, 0, 0, COUNT(*), COALESCE(SUM(COALESCE(t.resolved_at, t.closed_at) <= t.resolution_due_at), 0)
FROM m JOIN tickets t ON t.resolution_due_at >= m.s AND t.resolution_due_at < m.e GROUP BY m.i)sql");
        bind_bounds(q, bounds);
        while (q.executeStep()) {
            auto& m = out.at(static_cast<std::size_t>(q.getColumn(0).getInt64()));
            m.response_due += q.getColumn(1).getInt64();
            m.response_met += q.getColumn(2).getInt64();
            m.resolution_due += q.getColumn(3).getInt64();
            m.resolution_met += q.getColumn(4).getInt64();
        }
    }
    return out;
}

std::vector<Workload> workload(Database& db, const ReportPeriod& p, std::int64_t until) {
    // The ids come from six index ranges (open at the end is two: open now, closed after
    // the end, as in report_tickets.cpp); each ticket is then read once, whatever it counts
    // for: a third of the row reads of one pass per range.
    SQLite::Statement q(db.sql(), R"sql(
SELECT COALESCE(team, ''), COALESCE(assignee, ''),
       SUM(created_at >= ?1 AND created_at < ?2), SUM(COALESCE(closed_at >= ?1 AND closed_at < ?2, 0)),
       SUM(created_at < ?2 AND (closed_at IS NULL OR closed_at >= ?2)),
       SUM(COALESCE(response_due_at >= ?1 AND response_due_at < ?3, 0)),
       SUM(COALESCE(response_due_at >= ?1 AND response_due_at < ?3 AND responded_at <= response_due_at, 0)),
       SUM(COALESCE(resolution_due_at >= ?1 AND resolution_due_at < ?3, 0)),
       SUM(COALESCE(resolution_due_at >= ?1 AND resolution_due_at < ?3
                    AND COALESCE(resolved_at, closed_at) <= resolution_due_at, 0))
FROM tickets
WHERE id IN (SELECT id FROM tickets WHERE created_at >= ?1 AND created_at < ?2
             UNION SELECT id FROM tickets WHERE closed_at >= ?1 AND closed_at < ?2
             UNION SELECT id FROM tickets WHERE closed_at IS NULL AND +created_at < ?2
             UNION SELECT id FROM tickets WHERE closed_at >= ?2 AND +created_at < ?2
             UNION SELECT id FROM tickets WHERE response_due_at >= ?1 AND response_due_at < ?3
             UNION SELECT id FROM tickets WHERE resolution_due_at >= ?1 AND resolution_due_at < ?3)
GROUP BY 1, 2
ORDER BY 5 DESC, 3 DESC, 1, 2)sql");
    q.bind(1, static_cast<std::int64_t>(p.start));
    q.bind(2, static_cast<std::int64_t>(p.end));
    q.bind(3, static_cast<std::int64_t>(std::min(until, p.end)));
    std::vector<Workload> out;
    while (q.executeStep()) {
        Workload w;
        w.team = q.getColumn(0).getString();
        w.assignee = q.getColumn(1).getString();
        w.opened = q.getColumn(2).getInt64();
        w.closed = q.getColumn(3).getInt64();
        w.open_at_end = q.getColumn(4).getInt64();
        w.response_due = q.getColumn(5).getInt64();
        w.response_met = q.getColumn(6).getInt64();
        w.resolution_due = q.getColumn(7).getInt64();
        w.resolution_met = q.getColumn(8).getInt64();
        out.push_back(std::move(w));
    }
    return out;
}

std::vector<UrgentTicket> urgent_tickets(Database& db, const ReportPeriod& p, std::int64_t until,
                                         const std::string& top, const std::string& second,
                                         const std::vector<std::string>& types, std::int64_t limit) {
    // Resolved means resolved (or closed) before `until`: a past month reads the same later.
    SQLite::Statement q(db.sql(),
                        "SELECT id, type, priority, title, COALESCE(assignee, ''), COALESCE(asset, ''), "
                        "(SELECT a.name FROM assets a WHERE a.tag = t.asset), created_at, "
                        "CASE WHEN COALESCE(resolved_at, closed_at) < ?3 THEN COALESCE(resolved_at, closed_at) END, "
                        "resolution_business_secs, paused_secs, COUNT(*) OVER () "
                        "FROM tickets t WHERE created_at >= ?1 AND created_at < ?2 "
                        "AND (priority = ?4 OR (priority = ?5 AND type IN (" +
                            report_placeholders(types.size(), 7) +
                            "))) ORDER BY priority <> ?4, created_at, id LIMIT ?6");
    q.bind(1, static_cast<std::int64_t>(p.start));
    q.bind(2, static_cast<std::int64_t>(p.end));
    q.bind(3, static_cast<std::int64_t>(std::min(until, p.end)));
    q.bind(4, top);
    q.bind(5, second);
    q.bind(6, limit < 0 ? std::int64_t{-1} : limit);
    for (std::size_t i = 0; i < types.size(); ++i) {
        q.bind(7 + static_cast<int>(i), types[i]);
    }
    std::vector<UrgentTicket> out;
    while (q.executeStep()) {
        UrgentTicket t;
        t.id = q.getColumn(0).getInt64();
        t.type = q.getColumn(1).getString();
        t.priority = q.getColumn(2).getString();
        t.title = q.getColumn(3).getString();
        t.assignee = q.getColumn(4).getString();
        t.asset = q.getColumn(5).getString();
        t.asset_name = text_or_empty(q, 6);
        t.created_at = q.getColumn(7).getInt64();
        if (!q.getColumn(8).isNull()) {
            t.resolved_at = q.getColumn(8).getInt64();
        }
        t.business_secs = q.getColumn(9).getInt64();
        t.paused = q.getColumn(10).getInt64() > 0;
        t.total = q.getColumn(11).getInt64();
        out.push_back(std::move(t));
    }
    return out;
}

} // namespace opsctl::store
