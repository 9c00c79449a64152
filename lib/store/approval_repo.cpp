#include "lib/store/approval_repo.hpp"

namespace opsctl::store {

std::int64_t insert_approval(Database& db, const ApprovalRow& row) {
    SQLite::Statement st(
        db.sql(), "INSERT INTO ticket_approvals (ticket_id, state, person, decision, reason, at, "
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
    return db.sql().getLastInsertRowid();
}

std::vector<ApprovalRow> approvals_of(Database& db, std::int64_t ticket_id) {
    SQLite::Statement q(
        db.sql(), "SELECT id, ticket_id, state, person, decision, reason, at, retrospective, open "
                  "FROM ticket_approvals WHERE ticket_id = ? ORDER BY id");
    q.bind(1, static_cast<std::int64_t>(ticket_id));
    std::vector<ApprovalRow> out;
    while (q.executeStep()) {
        ApprovalRow r;
        r.id = q.getColumn(0).getInt64();
        r.ticket_id = q.getColumn(1).getInt64();
        r.state = q.getColumn(2).getString();
        r.person = q.getColumn(3).getString();
        r.decision = q.getColumn(4).getString();
        r.reason = q.getColumn(5).getString();
        r.at = q.getColumn(6).getInt64();
        r.retrospective = q.getColumn(7).getInt() != 0;
        r.open = q.getColumn(8).getInt() != 0;
        out.push_back(std::move(r));
    }
    return out;
}

void close_approvals(Database& db, std::int64_t ticket_id, bool emergency) {
    SQLite::Statement st(
        db.sql(), emergency
                      ? "UPDATE ticket_approvals SET open = 0 WHERE ticket_id = ? AND open = 1 "
                        "AND (decision = 'emergency' OR retrospective = 1)"
                      : "UPDATE ticket_approvals SET open = 0 WHERE ticket_id = ? AND open = 1 "
                        "AND decision <> 'emergency' AND retrospective = 0");
    st.bind(1, static_cast<std::int64_t>(ticket_id));
    st.exec();
}

std::vector<std::int64_t> tickets_with_open_emergency(Database& db) {
    SQLite::Statement q(
        db.sql(), "SELECT DISTINCT ticket_id FROM ticket_approvals WHERE open = 1 AND decision = "
                  "'emergency' ORDER BY ticket_id");
    std::vector<std::int64_t> out;
    while (q.executeStep()) {
        out.push_back(q.getColumn(0).getInt64());
    }
    return out;
}

} // namespace opsctl::store
