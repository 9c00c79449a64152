#include "lib/store/report_trends.hpp"

#include "lib/core/error.hpp"
#include "lib/store/tally.hpp"

#include <fmt/format.h>

#include <map>
#include <tuple>
#include <utility>

namespace opsctl::store {

namespace {

constexpr std::size_t k_max_trend_months = 24;

} // namespace

std::vector<TrendMonth> ticket_trend_months(Database& db, const std::vector<std::int64_t>& bounds) {
    if (bounds.size() < 2 || bounds.size() > k_max_trend_months + 1) {
        throw Failure(fmt::format("a ticket trend spans 1 to {} months, not {}", k_max_trend_months,
                                  bounds.size() < 2 ? 0 : bounds.size() - 1));
    }
    const std::size_t months = bounds.size() - 1;
    std::vector<TrendMonth> out(months);
    // Each month is the tally's hours that lie wholly in it (tally.hpp), plus, counted from the
    // indexes, what lies between its bounds and the nearest hours: nothing for a month of
    // local midnights in a zone on the hour, the minutes since the hour for one that ends now.
    Statement tally(db, "SELECT measure, SUM(n), SUM(met) FROM ticket_tally "
                        "WHERE measure IN (0, 1, 2, 3) AND bucket >= ?1 AND bucket < ?2 GROUP BY measure");
    // Opened and closed: a range of a covering index each (tickets_created, tickets_closed).
    Statement flow(db, "SELECT (SELECT COUNT(*) FROM tickets WHERE created_at >= ?1 AND created_at < ?2), "
                       "(SELECT COUNT(*) FROM tickets WHERE closed_at >= ?1 AND closed_at < ?2)");
    // Attainment: ranges of the deadline indexes, which carry the answer and resolution times
    // (migration 12): no ticket row is read.
    Statement response(db, "SELECT COUNT(*), COUNT(*) FILTER (WHERE responded_at <= response_due_at) FROM tickets "
                           "WHERE response_due_at >= ?1 AND response_due_at < ?2");
    Statement resolution(db, "SELECT COUNT(*), COUNT(*) FILTER (WHERE COALESCE(resolved_at, closed_at) <= resolution_due_at) "
                             "FROM tickets WHERE resolution_due_at >= ?1 AND resolution_due_at < ?2");
    auto run = [](Statement& q, std::int64_t from, std::int64_t to) -> Statement& {
        q.reset();
        q.bind(1, static_cast<std::int64_t>(from));
        q.bind(2, static_cast<std::int64_t>(to));
        return q;
    };
    auto count = [&](TrendMonth& m, std::int64_t from, std::int64_t to) {
        if (from >= to) {
            return;
        }
        auto& f = run(flow, from, to);
        f.step();
        m.opened += f.column(0).as_int64();
        m.closed += f.column(1).as_int64();
        for (auto [q, due, met] : {std::tuple{&response, &m.response_due, &m.response_met},
                                   std::tuple{&resolution, &m.resolution_due, &m.resolution_met}}) {
            auto& r = run(*q, from, to);
            r.step();
            *due += r.column(0).as_int64();
            *met += r.column(1).as_int64();
        }
    };
    for (std::size_t i = 0; i < months; ++i) {
        auto& m = out[i];
        m.start = bounds[i];
        m.end = bounds[i + 1];
        const std::int64_t first = tally_bucket_of(m.start + k_tally_bucket_secs - 1); // rounded up
        const std::int64_t last = tally_bucket_of(m.end);                               // rounded down
        if (first >= last) {
            count(m, m.start, m.end);
            continue;
        }
        count(m, m.start, first);
        count(m, last, m.end);
        auto& q = run(tally, first, last);
        while (q.step()) {
            const auto n = q.column(1).as_int64(), met = q.column(2).as_int64();
            switch (q.column(0).as_int64()) {
            case 0:
                m.opened += n;
                break;
            case 1:
                m.closed += n;
                break;
            case 2:
                m.response_due += n;
                m.response_met += met;
                break;
            default:
                m.resolution_due += n;
                m.resolution_met += met;
                break;
            }
        }
    }
    return out;
}

std::int64_t ticket_backlog_at(Database& db, std::int64_t at) {
    // Open at `at`: created before it and not closed before it (few tickets closed after it).
    Statement q(db, "SELECT (SELECT COUNT(*) FROM tickets WHERE closed_at IS NULL AND +created_at < ?1) + "
                    "(SELECT COUNT(*) FROM tickets WHERE closed_at >= ?1 AND +created_at < ?1)");
    q.bind(1, static_cast<std::int64_t>(at));
    q.step();
    return q.column(0).as_int64();
}

void chain_backlog(std::vector<TrendMonth>& months, std::int64_t backlog) {
    // Each earlier month's end follows from the last one's, since a ticket is closed no
    // earlier than it is created: backlog(start) = backlog(end) - opened + closed in between.
    for (auto it = months.rbegin(); it != months.rend(); ++it) {
        it->backlog = backlog;
        backlog -= it->opened - it->closed;
    }
}

std::vector<TrendMonth> ticket_trend(Database& db, const std::vector<std::int64_t>& bounds) {
    auto months = ticket_trend_months(db, bounds);
    chain_backlog(months, ticket_backlog_at(db, bounds.back()));
    return months;
}

std::vector<UrgentTicket> urgent_tickets(Database& db, const ReportPeriod& p, std::int64_t until,
                                         const std::string& top, const std::string& second,
                                         const std::vector<std::string>& types, std::int64_t limit) {
    // Resolved means resolved (or closed) before `until`: a past month reads the same later.
    Statement q(db, "SELECT id, type, priority, title, COALESCE(assignee, ''), COALESCE(asset, ''), "
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
    while (q.step()) {
        UrgentTicket t;
        t.id = q.column(0).as_int64();
        t.type = q.column(1).as_string();
        t.priority = q.column(2).as_string();
        t.title = q.column(3).as_string();
        t.assignee = q.column(4).as_string();
        t.asset = q.column(5).as_string();
        t.asset_name = column_text(q, 6);
        t.created_at = q.column(7).as_int64();
        if (!q.column(8).is_null()) {
            t.resolved_at = q.column(8).as_int64();
        }
        t.business_secs = q.column(9).as_int64();
        t.paused = q.column(10).as_int64() > 0;
        t.total = q.column(11).as_int64();
        out.push_back(std::move(t));
    }
    return out;
}

} // namespace opsctl::store
