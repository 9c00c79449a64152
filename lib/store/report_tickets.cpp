#include "lib/store/report_tickets.hpp"
#include "lib/store/driver.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>
#include <unordered_set>

namespace opsctl::store {

namespace {

void bind_period(Statement& q, const ReportPeriod& p) {
    q.bind(1, static_cast<std::int64_t>(p.start));
    q.bind(2, static_cast<std::int64_t>(p.end));
}

void bind_list(Statement& q, int first, const std::vector<std::string>& items) {
    for (std::size_t i = 0; i < items.size(); ++i) {
        q.bind(first + static_cast<int>(i), items[i]);
    }
}

// A clock missed its deadline by an instant when the deadline passed before it and the
// clock had not stopped by then (the response, or the resolution or closing). The deadline
// is the stored one (sla.cpp: the instant the target was used up, or, for a clock that
// stopped in time, the instant it would have been), so a breach is decided from the
// record itself, whether or not `ticket sla` or a later change set the *_breached flags.
std::string response_missed(const std::string& from, const std::string& until) {
    return fmt::format("COALESCE(response_due_at >= {} AND response_due_at < {} AND (responded_at IS NULL OR "
                       "responded_at > response_due_at), FALSE)",
                       from, until);
}
std::string resolution_missed(const std::string& from, const std::string& until) {
    return fmt::format("COALESCE(resolution_due_at >= {} AND resolution_due_at < {} AND "
                       "(COALESCE(resolved_at, closed_at) IS NULL OR COALESCE(resolved_at, closed_at) > "
                       "resolution_due_at), FALSE)",
                       from, until);
}

// The ids of the tickets open at ?N: created before it and not closed by it, as two index
// ranges on tickets_closed instead of one OR.
std::string open_ids(int n) {
    return fmt::format("(SELECT id FROM tickets WHERE closed_at IS NULL AND +created_at < ?{0} UNION ALL "
                       "SELECT id FROM tickets WHERE closed_at >= ?{0} AND +created_at < ?{0})",
                       n);
}

} // namespace

bool report_has_tickets(Database& db) { return report_table_has_rows(db, "tickets"); }

namespace {

// The columns every headline figure and SLA outcome is computed from, one ticket per row.
struct FigureRow {
    std::int64_t id = 0;
    std::int64_t created_at = 0;
    std::optional<std::int64_t> closed_at, satisfaction;
    std::optional<std::int64_t> response_due_at, responded_at, resolution_due_at, resolved_at;
    std::optional<std::int64_t> response_secs, resolution_secs;
    std::string type, priority, team, assignee;
    bool top = false, complaint = false, problem = false, change = false;
};

bool in(const std::optional<std::int64_t>& t, std::int64_t from, std::int64_t to) {
    return t && *t >= from && *t < to;
}

// The nearest-rank 90th percentile: sorted ascending, the value at position ceil(0.9 n);
// a clock without business seconds sorts first and reads as 0.
std::optional<std::int64_t> p90(std::vector<std::optional<std::int64_t>> secs) {
    if (secs.empty()) {
        return std::nullopt;
    }
    const auto rank = static_cast<std::size_t>(std::ceil(0.9 * static_cast<double>(secs.size())));
    const auto nth = secs.begin() + static_cast<std::ptrdiff_t>(rank - 1);
    std::nth_element(secs.begin(), nth, secs.end());
    return nth->value_or(0);
}

TicketPeriodFigures figures_of(const std::vector<FigureRow>& rows, const TicketPeriod& period) {
    const auto s = period.p.start, e = period.p.end;
    const auto until = std::min(period.until, e);
    TicketPeriodFigures out;
    auto& f = out.figures;
    std::map<std::string, PrioritySla> by_priority;
    std::map<std::pair<std::string, std::string>, Workload> work;
    std::vector<std::optional<std::int64_t>> response_secs, resolution_secs;
    std::map<std::pair<std::string, std::string>, std::int64_t> opened_by_type;
    double satisfaction = 0;
    std::int64_t rated = 0;
    for (const auto& t : rows) {
        // Problems and changes: opened and closed in the period, open at its end.
        for (auto [member, flow] : {std::pair{t.problem, &f.problems}, std::pair{t.change, &f.changes}}) {
            const bool active = member && (!t.closed_at || *t.closed_at >= s) && t.created_at < e;
            flow->opened += active && t.created_at >= s ? 1 : 0;
            flow->closed += active && in(t.closed_at, s, e) ? 1 : 0;
            flow->open_at_end += active && (!t.closed_at || *t.closed_at >= e) ? 1 : 0;
        }
        if (t.created_at >= s && t.created_at < e) {
            ++f.opened;
            ++opened_by_type[{t.type, t.priority}];
            f.top_priority += t.top ? 1 : 0;
            f.complaints += t.complaint ? 1 : 0;
        }
        if (in(t.closed_at, s, e)) {
            ++f.closed;
            if (t.satisfaction) {
                satisfaction += static_cast<double>(*t.satisfaction);
                ++rated;
            }
        }
        if (t.created_at < e && (!t.closed_at || *t.closed_at >= e)) {
            ++f.backlog;
        }
        const bool opened = t.created_at >= s && t.created_at < e;
        const bool closed = in(t.closed_at, s, e);
        const bool open_at_end = t.created_at < e && (!t.closed_at || *t.closed_at >= e);
        const bool response_due = in(t.response_due_at, s, until);
        const bool resolution_due = in(t.resolution_due_at, s, until);
        const bool response_met = response_due && t.responded_at && *t.responded_at <= *t.response_due_at;
        const auto stopped = t.resolved_at ? t.resolved_at : t.closed_at;
        const bool resolution_met = resolution_due && stopped && *stopped <= *t.resolution_due_at;
        if (opened || closed || open_at_end || response_due || resolution_due) {
            auto& w = work[{t.team, t.assignee}];
            w.opened += opened ? 1 : 0;
            w.closed += closed ? 1 : 0;
            w.open_at_end += open_at_end ? 1 : 0;
            w.response_due += response_due ? 1 : 0;
            w.response_met += response_met ? 1 : 0;
            w.resolution_due += resolution_due ? 1 : 0;
            w.resolution_met += resolution_met ? 1 : 0;
        }
        // Attainment: every deadline that fell in [start, until); met when the clock stopped
        // by it (the answer; the resolution, else the closing).
        PrioritySla* row = nullptr;
        auto sla = [&]() -> PrioritySla& {
            if (!row) {
                row = &by_priority[t.priority];
            }
            return *row;
        };
        if ((response_due && !response_met) || (resolution_due && !resolution_met)) {
            TicketPeriodFigures::Breach b;
            b.id = t.id;
            b.response = response_due && !response_met;
            b.resolution = resolution_due && !resolution_met;
            b.since = b.response && (!b.resolution || *t.response_due_at <= *t.resolution_due_at) ? *t.response_due_at
                      : b.resolution                                                            ? *t.resolution_due_at
                                                                                                : t.created_at;
            b.open_at_end = !t.closed_at || *t.closed_at >= e;
            out.breached.push_back(b);
        }
        if (response_due) {
            auto& o = sla().response;
            ++o.with_target;
            o.met += response_met ? 1 : 0;
        }
        if (resolution_due) {
            auto& o = sla().resolution;
            ++o.with_target;
            o.met += resolution_met ? 1 : 0;
        }
        // Times: the clocks that stopped in the period, of the tickets active in it (open at
        // its start or later, created before its end).
        if ((t.closed_at && *t.closed_at < s) || t.created_at >= e) {
            continue;
        }
        if (in(t.responded_at, s, e)) {
            auto& o = sla().response;
            ++o.measured;
            o.total_secs += t.response_secs.value_or(0);
            response_secs.push_back(t.response_secs);
        }
        if (in(t.resolved_at, s, e)) {
            auto& o = sla().resolution;
            ++o.measured;
            o.total_secs += t.resolution_secs.value_or(0);
            resolution_secs.push_back(t.resolution_secs);
        }
    }
    if (rated > 0) {
        f.satisfaction = satisfaction / static_cast<double>(rated);
    }
    for (auto& [priority, row] : by_priority) {
        row.priority = priority;
        for (auto [total, part] : {std::pair{&f.response, &row.response}, std::pair{&f.resolution, &row.resolution}}) {
            total->measured += part->measured;
            total->with_target += part->with_target;
            total->met += part->met;
            total->total_secs += part->total_secs;
        }
        out.sla.push_back(std::move(row));
    }
    for (auto& [key, w] : work) {
        w.team = key.first;
        w.assignee = key.second;
        out.workload.push_back(std::move(w));
    }
    std::stable_sort(out.workload.begin(), out.workload.end(), [](const Workload& a, const Workload& b) {
        return std::tie(b.open_at_end, b.opened, a.team, a.assignee) < std::tie(a.open_at_end, a.opened, b.team, b.assignee);
    });
    for (const auto& [key, n] : opened_by_type) {
        out.opened_by_type.push_back({key.first, key.second, n});
    }
    std::sort(out.breached.begin(), out.breached.end(), [](const auto& a, const auto& b) {
        return std::tie(a.since, a.id) < std::tie(b.since, b.id);
    });
    f.response.p90 = p90(std::move(response_secs));
    f.resolution.p90 = p90(std::move(resolution_secs));
    return out;
}

} // namespace

std::vector<TicketPeriodFigures> ticket_figures(Database& db, const std::vector<TicketPeriod>& periods,
                                                const ReportTicketKinds& kinds) {
    std::vector<TicketPeriodFigures> out;
    if (periods.empty()) {
        return out;
    }
    std::int64_t lo = periods.front().p.start, hi = periods.front().p.end;
    for (const auto& t : periods) {
        lo = std::min(lo, t.p.start);
        hi = std::max(hi, t.p.end);
    }
    // Every ticket a figure of the span can count: created in it; created before it and not
    // closed before it (closed in it or after, or still open); or with a deadline in it. The
    // tickets created in the span are read in one range of tickets_created; the ids of the
    // others come from index ranges alone (closed since the span's start, open, either
    // deadline in it), and only those not read already are then read by id. A UNION of the
    // five ranges put 135,000 ids through a temporary b-tree for 40,000 tickets on the bench
    // database, a third of the time. The ranges also yield tickets created after the span
    // (closed after its start): no figure counts them.
    const int problems_at = 4 + static_cast<int>(kinds.complaint.size());
    const int changes_at = problems_at + static_cast<int>(kinds.problem.size());
    const std::string columns = R"sql(
SELECT id, created_at, closed_at, satisfaction, response_due_at, responded_at,
       resolution_due_at, resolved_at, response_business_secs, resolution_business_secs, priority,
       COALESCE(team, ''), COALESCE(assignee, ''), type,
       priority = ?3, complaint_type IS NOT NULL OR type IN ()sql" + report_placeholders(kinds.complaint.size(), 4) + R"sql(),
       type IN ()sql" + report_placeholders(kinds.problem.size(), problems_at) + R"sql(),
       type IN ()sql" + report_placeholders(kinds.change.size(), changes_at) + R"sql()
FROM tickets WHERE )sql";
    Statement created(db, columns + "created_at >= ?1 AND created_at < ?2");
    Statement by_id(db, columns + "id IN (" + db.connection().id_list_sql() + ")");
    Statement others(db, R"sql(
SELECT id FROM tickets WHERE closed_at >= ?1
UNION ALL SELECT id FROM tickets WHERE closed_at IS NULL
UNION ALL SELECT id FROM tickets WHERE response_due_at >= ?1 AND response_due_at < ?2
UNION ALL SELECT id FROM tickets WHERE resolution_due_at >= ?1 AND resolution_due_at < ?2)sql");
    for (auto* q : {&created, &by_id}) {
        q->bind(3, kinds.top_priority);
        bind_list(*q, 4, kinds.complaint);
        bind_list(*q, problems_at, kinds.problem);
        bind_list(*q, changes_at, kinds.change);
    }
    std::vector<FigureRow> rows;
    auto read = [&](Statement& q) {
        while (q.step()) {
            FigureRow t;
            t.id = q.column(0).as_int64();
            t.created_at = q.column(1).as_int64();
            t.closed_at = column_int(q, 2);
            t.satisfaction = column_int(q, 3);
            t.response_due_at = column_int(q, 4);
            t.responded_at = column_int(q, 5);
            t.resolution_due_at = column_int(q, 6);
            t.resolved_at = column_int(q, 7);
            t.response_secs = column_int(q, 8);
            t.resolution_secs = column_int(q, 9);
            t.priority = q.column(10).as_string();
            t.team = q.column(11).as_string();
            t.assignee = q.column(12).as_string();
            t.type = q.column(13).as_string();
            t.top = q.column(14).as_int() != 0;
            t.complaint = q.column(15).as_int() != 0;
            t.problem = q.column(16).as_int() != 0;
            t.change = q.column(17).as_int() != 0;
            rows.push_back(std::move(t));
        }
    };
    created.bind(1, static_cast<std::int64_t>(lo));
    created.bind(2, static_cast<std::int64_t>(hi));
    read(created);
    std::unordered_set<std::int64_t> seen;
    seen.reserve(rows.size() * 2);
    for (const auto& t : rows) {
        seen.insert(t.id);
    }
    others.bind(1, static_cast<std::int64_t>(lo));
    others.bind(2, static_cast<std::int64_t>(hi));
    std::vector<std::int64_t> missing;
    while (others.step()) {
        const std::int64_t id = others.column(0).as_int64();
        if (seen.insert(id).second) {
            missing.push_back(id);
        }
    }
    if (!missing.empty()) {
        std::sort(missing.begin(), missing.end()); // the table in rowid order
        by_id.bind(1, report_id_list(missing));
        read(by_id);
    }
    for (const auto& period : periods) {
        out.push_back(figures_of(rows, period));
    }
    return out;
}

std::vector<TypePriorityCount> tickets_by_type_priority(Database& db, const ReportPeriod& p) {
    Statement q(db, "SELECT type, priority, COUNT(*) FROM tickets "
                    "WHERE created_at >= ?1 AND created_at < ?2 GROUP BY type, priority");
    bind_period(q, p);
    std::vector<TypePriorityCount> out;
    while (q.step()) {
        out.push_back({q.column(0).as_string(), q.column(1).as_string(), q.column(2).as_int64()});
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
    Statement opened(db, "SELECT COUNT(*) FROM tickets WHERE created_at >= ?1 AND created_at < ?2");
    Statement closed(db, "SELECT COUNT(*) FROM tickets WHERE closed_at >= ?1 AND closed_at < ?2");
    for (std::size_t i = 0; i + 1 < day_starts.size(); ++i) {
        DayCount d;
        d.day_start = day_starts[i];
        for (auto [q, target] : {std::pair{&opened, &d.opened}, std::pair{&closed, &d.closed}}) {
            q->reset();
            q->bind(1, static_cast<std::int64_t>(day_starts[i]));
            q->bind(2, static_cast<std::int64_t>(day_starts[i + 1]));
            q->step();
            *target = q->column(0).as_int64();
        }
        out.push_back(d);
    }
    return out;
}

std::vector<NamedCount> backlog_by_age(Database& db, const ReportPeriod& p) {
    Statement q(db, R"sql(
SELECT CASE WHEN ?1 - created_at < 86400 THEN 0
            WHEN ?1 - created_at < 3 * 86400 THEN 1
            WHEN ?1 - created_at < 7 * 86400 THEN 2
            WHEN ?1 - created_at < 30 * 86400 THEN 3
            ELSE 4 END AS bucket, COUNT(*)
FROM (SELECT created_at FROM tickets WHERE closed_at IS NULL AND +created_at < ?1
      UNION ALL
      SELECT created_at FROM tickets WHERE closed_at >= ?1 AND +created_at < ?1) AS open_then
GROUP BY bucket)sql");
    q.bind(1, static_cast<std::int64_t>(p.end));
    std::vector<NamedCount> out{{"1d", 0, 0}, {"3d", 0, 0}, {"7d", 0, 0}, {"30d", 0, 0}, {"more", 0, 0}};
    while (q.step()) {
        out.at(static_cast<std::size_t>(q.column(0).as_int())).count = q.column(1).as_int64();
    }
    return out;
}

std::vector<NamedCount> top_incident_assets(Database& db, const ReportPeriod& p, const std::vector<std::string>& types,
                                            std::size_t limit) {
    // "Still open" means open at the period's end, so that a past month does not change.
    Statement q(db, "SELECT t.asset, COUNT(*) AS n, COUNT(*) FILTER (WHERE t.closed_at IS NULL OR t.closed_at >= ?2), "
                    "(SELECT a.name FROM assets a WHERE a.tag = t.asset) FROM tickets t "
                    "WHERE t.created_at >= ?1 AND t.created_at < ?2 AND t.asset IS NOT NULL "
                    "AND t.asset <> '' AND t.type IN (" +
                        report_placeholders(types.size(), 4) +
                        ") GROUP BY t.asset ORDER BY n DESC, t.asset LIMIT ?3");
    bind_period(q, p);
    q.bind(3, static_cast<std::int64_t>(limit));
    bind_list(q, 4, types);
    std::vector<NamedCount> out;
    while (q.step()) {
        out.push_back({q.column(0).as_string(), q.column(1).as_int64(), q.column(2).as_int64(),
                       column_text(q, 3)});
    }
    return out;
}

std::int64_t solved_by_known_workaround(Database& db, const ReportPeriod& p, const std::vector<std::string>& types) {
    Statement q(db, "SELECT COUNT(*) FROM ticket_known_errors s JOIN tickets t ON t.id = s.ticket_id "
                    "WHERE s.at >= ?1 AND s.at < ?2 AND t.type IN (" +
                        report_placeholders(types.size(), 3) + ")");
    bind_period(q, p);
    bind_list(q, 3, types);
    return q.step() ? q.column(0).as_int64() : 0;
}

std::vector<NamedCount> complaints_by_type(Database& db, const ReportPeriod& p, const std::vector<std::string>& types) {
    Statement q(db, "SELECT COALESCE(complaint_type, ''), COUNT(*), "
                    "COUNT(*) FILTER (WHERE closed_at IS NULL OR closed_at >= ?2) FROM tickets "
                    "WHERE created_at >= ?1 AND created_at < ?2 AND (complaint_type IS NOT NULL "
                    "OR type IN (" +
                        report_placeholders(types.size(), 3) +
                        ")) GROUP BY 1 ORDER BY 2 DESC, 1");
    bind_period(q, p);
    bind_list(q, 3, types);
    std::vector<NamedCount> out;
    while (q.step()) {
        out.push_back({q.column(0).as_string(), q.column(1).as_int64(), q.column(2).as_int64()});
    }
    return out;
}

std::vector<ReportTicket> breached_tickets(Database& db, const TicketPeriodFigures& figures, std::int64_t limit) {
    std::vector<ReportTicket> out;
    Statement q(db, "SELECT type, priority, status, title, assignee, created_at FROM tickets WHERE id = ?1");
    for (const auto& b : figures.breached) {
        if (limit >= 0 && static_cast<std::int64_t>(out.size()) >= limit) {
            break;
        }
        q.reset();
        q.bind(1, static_cast<std::int64_t>(b.id));
        if (!q.step()) {
            continue; // not possible inside the read transaction that found it
        }
        ReportTicket t;
        t.total = static_cast<std::int64_t>(figures.breached.size());
        t.id = b.id;
        t.type = q.column(0).as_string();
        t.priority = q.column(1).as_string();
        t.status = q.column(2).as_string();
        t.title = q.column(3).as_string();
        t.assignee = column_text(q, 4);
        t.created_at = q.column(5).as_int64();
        t.response_breached = b.response;
        t.resolution_breached = b.resolution;
        t.open_at_end = b.open_at_end;
        t.since = b.since;
        out.push_back(std::move(t));
    }
    return out;
}

OpenTicketActions open_ticket_actions(Database& db, std::int64_t at, const std::vector<std::string>& problem_types,
                                      const std::vector<std::string>& priority_order, std::int64_t limit) {
    // One read of the tickets open at `at` (two ranges of tickets_closed), where four queries
    // (a list and a count per assignee of each kind) read them four times.
    Statement q(db, fmt::format(R"sql(
SELECT id, type, priority, status, title, COALESCE(assignee, ''), created_at, rb, sb,
       CASE WHEN rb AND (NOT sb OR response_due_at <= resolution_due_at) THEN response_due_at
            WHEN sb THEN resolution_due_at ELSE created_at END, type IN ({2})
FROM (SELECT id, type, priority, status, title, assignee, created_at, response_due_at, resolution_due_at,
             {0} AS rb, {1} AS sb FROM tickets WHERE id IN {3}) AS candidates
WHERE rb OR sb OR type IN ({2}))sql",
                                              response_missed("0", "?1"), resolution_missed("0", "?1"),
                                              report_placeholders(problem_types.size(), 2), open_ids(1)));
    q.bind(1, static_cast<std::int64_t>(at));
    bind_list(q, 2, problem_types);
    struct Ranked {
        std::size_t rank = 0;
        ReportTicket t;
    };
    std::vector<Ranked> problems, breached;
    std::map<std::string, std::int64_t> problem_owners, breached_owners;
    while (q.step()) {
        Ranked r;
        r.t.id = q.column(0).as_int64();
        r.t.type = q.column(1).as_string();
        r.t.priority = q.column(2).as_string();
        r.t.status = q.column(3).as_string();
        r.t.title = q.column(4).as_string();
        r.t.assignee = q.column(5).as_string();
        r.t.created_at = q.column(6).as_int64();
        r.t.response_breached = q.column(7).as_int() != 0;
        r.t.resolution_breached = q.column(8).as_int() != 0;
        r.t.open_at_end = true;
        r.t.since = q.column(9).as_int64();
        r.rank = static_cast<std::size_t>(std::find(priority_order.begin(), priority_order.end(), r.t.priority) -
                                          priority_order.begin());
        const bool problem = q.column(10).as_int() != 0;
        if (r.t.response_breached || r.t.resolution_breached) {
            ++breached_owners[r.t.assignee];
            if (problem) {
                ++problem_owners[r.t.assignee];
                problems.push_back(r);
            }
            breached.push_back(std::move(r));
        } else {
            ++problem_owners[r.t.assignee];
            problems.push_back(std::move(r));
        }
    }
    auto listed = [&](std::vector<Ranked>& rows, bool by_breach) {
        std::sort(rows.begin(), rows.end(), [&](const Ranked& a, const Ranked& b) {
            const auto ka = by_breach ? a.t.since : a.t.created_at, kb = by_breach ? b.t.since : b.t.created_at;
            return std::tie(a.rank, ka, a.t.id) < std::tie(b.rank, kb, b.t.id);
        });
        std::vector<ReportTicket> out;
        const auto total = static_cast<std::int64_t>(rows.size());
        for (auto& r : rows) {
            if (limit >= 0 && static_cast<std::int64_t>(out.size()) >= limit) {
                break;
            }
            r.t.total = total;
            out.push_back(std::move(r.t));
        }
        return out;
    };
    auto counted = [](const std::map<std::string, std::int64_t>& owners) {
        std::vector<NamedCount> out;
        for (const auto& [name, n] : owners) {
            out.push_back({name, n, n});
        }
        std::stable_sort(out.begin(), out.end(), [](const NamedCount& a, const NamedCount& b) { return a.count > b.count; });
        return out;
    };
    OpenTicketActions out;
    out.problems = listed(problems, false);
    out.breached = listed(breached, true);
    out.problem_owners = counted(problem_owners);
    out.breached_owners = counted(breached_owners);
    return out;
}

} // namespace opsctl::store
