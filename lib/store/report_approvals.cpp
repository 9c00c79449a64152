#include "lib/store/report_approvals.hpp"

#include <map>

namespace opsctl::store {

namespace {

// The columns of an ApprovalDecisionRow, in its order; `a` is ticket_approvals, `t` tickets.
constexpr const char* k_decision_columns =
    "a.id, a.ticket_id, COALESCE(t.type, ''), COALESCE(t.priority, ''), COALESCE(t.title, ''), a.state, a.person, "
    "a.decision, a.reason, a.retrospective, a.at, COUNT(*) OVER ()";

std::vector<ApprovalDecisionRow> read_decisions(Statement& q) {
    std::vector<ApprovalDecisionRow> out;
    while (q.step()) {
        ApprovalDecisionRow r;
        r.id = q.column(0).as_int64();
        r.ticket_id = q.column(1).as_int64();
        r.type = column_text(q, 2);
        r.priority = column_text(q, 3);
        r.title = column_text(q, 4);
        r.state = column_text(q, 5);
        r.person = column_text(q, 6);
        r.decision = column_text(q, 7);
        r.reason = column_text(q, 8);
        r.retrospective = q.column(9).as_int64() != 0;
        r.at = q.column(10).as_int64();
        r.total = q.column(11).as_int64();
        out.push_back(std::move(r));
    }
    return out;
}

} // namespace

bool report_has_approvals(Database& db, std::int64_t until) {
    if (!report_table_exists(db, "ticket_approvals")) {
        return false;
    }
    Statement q(db, "SELECT EXISTS (SELECT 1 FROM ticket_approvals WHERE at < ?1)");
    q.bind(1, static_cast<std::int64_t>(until));
    return q.step() && q.column(0).as_int64() != 0;
}

std::vector<ApprovalCounts> approval_counts(Database& db, const ReportPeriod& p) {
    std::vector<ApprovalCounts> out;
    if (!report_table_exists(db, "ticket_approvals")) {
        return out;
    }
    Statement q(db, R"sql(
SELECT person,
       COUNT(*) FILTER (WHERE decision = 'approved' AND retrospective = 0),
       COUNT(*) FILTER (WHERE decision = 'rejected'),
       COUNT(*) FILTER (WHERE decision = 'approved' AND retrospective <> 0),
       COUNT(*) FILTER (WHERE decision = 'emergency')
FROM ticket_approvals WHERE at >= ?1 AND at < ?2 GROUP BY person ORDER BY person)sql");
    q.bind(1, static_cast<std::int64_t>(p.start));
    q.bind(2, static_cast<std::int64_t>(p.end));
    while (q.step()) {
        out.push_back({column_text(q, 0), q.column(1).as_int64(), q.column(2).as_int64(),
                       q.column(3).as_int64(), q.column(4).as_int64()});
    }
    return out;
}

std::vector<ApprovalDecisionRow> approval_decisions(Database& db, const ReportPeriod& p, std::int64_t limit) {
    if (!report_table_exists(db, "ticket_approvals")) {
        return {};
    }
    Statement q(db, std::string("SELECT ") + k_decision_columns + R"sql(
FROM ticket_approvals a LEFT JOIN tickets t ON t.id = a.ticket_id
WHERE a.at >= ?1 AND a.at < ?2 ORDER BY a.at, a.id LIMIT ?3)sql");
    q.bind(1, static_cast<std::int64_t>(p.start));
    q.bind(2, static_cast<std::int64_t>(p.end));
    q.bind(3, static_cast<std::int64_t>(limit));
    return read_decisions(q);
}

std::vector<ApprovalDecisionRow> emergencies_awaiting(Database& db, std::int64_t at, std::int64_t limit) {
    if (!report_table_exists(db, "ticket_approvals")) {
        return {};
    }
    // An emergency's retrospective approvals are those of its ticket and state after it and
    // before the ticket's next emergency. Closed (open = 0) means its quorum was met, at the
    // latest of those approvals; open means it still waits today, so it waited at `at` too.
    // (A closed one without such an approval, which opsctl never writes, counts as settled.)
    Statement q(db, std::string("SELECT ") + k_decision_columns + R"sql(
FROM ticket_approvals a LEFT JOIN tickets t ON t.id = a.ticket_id
WHERE a.decision = 'emergency' AND a.at < ?1
  AND (a.open = 1 OR COALESCE((
        SELECT MAX(r.at) FROM ticket_approvals r
        WHERE r.ticket_id = a.ticket_id AND r.state = a.state AND r.id > a.id
          AND r.decision = 'approved' AND r.retrospective = 1
          AND r.id < COALESCE((SELECT MIN(n.id) FROM ticket_approvals n
                               WHERE n.ticket_id = a.ticket_id AND n.id > a.id AND n.decision = 'emergency'),
                              9223372036854775807)), -1) >= ?1)
ORDER BY a.at, a.id LIMIT ?2)sql");
    q.bind(1, static_cast<std::int64_t>(at));
    q.bind(2, static_cast<std::int64_t>(limit));
    return read_decisions(q);
}

std::int64_t tickets_opened_of_types(Database& db, const ReportPeriod& p, const std::vector<std::string>& types) {
    if (types.empty()) {
        return 0;
    }
    Statement q(db, "SELECT COUNT(*) FROM tickets WHERE created_at >= ?1 AND created_at < ?2 AND type IN (" +
                        report_placeholders(types.size(), 3) + ")");
    q.bind(1, static_cast<std::int64_t>(p.start));
    q.bind(2, static_cast<std::int64_t>(p.end));
    for (std::size_t i = 0; i < types.size(); ++i) {
        q.bind(static_cast<int>(i) + 3, types[i]);
    }
    return q.step() ? q.column(0).as_int64() : 0;
}

} // namespace opsctl::store
