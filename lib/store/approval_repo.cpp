#include "lib/store/approval_repo.hpp"

namespace opsctl::store {

std::int64_t insert_approval(Database& db, const ApprovalRow& row) {
    Statement st(
        db, "INSERT INTO ticket_approvals (ticket_id, state, person, decision, reason, at, "
            "retrospective, open) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    st.bind(1, static_cast<std::int64_t>(row.ticket_id));
    st.bind(2, row.state);
    st.bind(3, row.person);
    st.bind(4, row.decision);
    st.bind(5, row.reason);
    st.bind(6, static_cast<std::int64_t>(row.at));
    st.bind(7, row.retrospective ? 1 : 0);
    st.bind(8, row.open ? 1 : 0);
    st.exec();
    return db.last_insert_id();
}

std::vector<ApprovalRow> approvals_of(Database& db, std::int64_t ticket_id) {
    Statement q(
        db, "SELECT id, ticket_id, state, person, decision, reason, at, retrospective, open "
            "FROM ticket_approvals WHERE ticket_id = ? ORDER BY id");
    q.bind(1, static_cast<std::int64_t>(ticket_id));
    std::vector<ApprovalRow> out;
    while (q.step()) {
        ApprovalRow r;
        r.id = q.column(0).as_int64();
        r.ticket_id = q.column(1).as_int64();
        r.state = q.column(2).as_string();
        r.person = q.column(3).as_string();
        r.decision = q.column(4).as_string();
        r.reason = q.column(5).as_string();
        r.at = q.column(6).as_int64();
        r.retrospective = q.column(7).as_int() != 0;
        r.open = q.column(8).as_int() != 0;
        out.push_back(std::move(r));
    }
    return out;
}

void close_approvals(Database& db, std::int64_t ticket_id, bool emergency) {
    Statement st(
        db, emergency
                ? "UPDATE ticket_approvals SET open = 0 WHERE ticket_id = ? AND open = 1 "
                  "AND (decision = 'emergency' OR retrospective = 1)"
                : "UPDATE ticket_approvals SET open = 0 WHERE ticket_id = ? AND open = 1 "
                  "AND decision <> 'emergency' AND retrospective = 0");
    st.bind(1, static_cast<std::int64_t>(ticket_id));
    st.exec();
}

std::vector<std::int64_t> tickets_with_open_emergency(Database& db) {
    Statement q(
        db, "SELECT DISTINCT ticket_id FROM ticket_approvals WHERE open = 1 AND decision = "
            "'emergency' ORDER BY ticket_id");
    std::vector<std::int64_t> out;
    while (q.step()) {
        out.push_back(q.column(0).as_int64());
    }
    return out;
}

} // namespace opsctl::store
