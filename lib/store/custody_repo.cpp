#include "lib/store/custody_repo.hpp"

namespace opsctl::store {

namespace {

// Columns 0-10 of every query, the check-out as `c` (a query may join the asset as `a`).
constexpr const char* k_select = "SELECT c.id, c.tag, c.holder, c.holder_kind, c.out_at, c.due_at, c.in_at, c.note, "
                                 "c.in_note, c.out_by, c.in_by";

CustodyRow read_row(Statement& q) {
    CustodyRow r;
    r.id = q.column(0).as_int64();
    r.tag = q.column(1).as_string();
    r.holder = q.column(2).as_string();
    r.holder_kind = q.column(3).as_string();
    r.out_at = q.column(4).as_int64();
    if (!q.column(5).is_null()) {
        r.due_at = q.column(5).as_int64();
    }
    if (!q.column(6).is_null()) {
        r.in_at = q.column(6).as_int64();
    }
    r.note = q.column(7).as_string();
    r.in_note = q.column(8).as_string();
    r.out_by = q.column(9).as_string();
    r.in_by = q.column(10).as_string();
    return r;
}

std::vector<CustodyRow> read_rows(Statement& q) {
    std::vector<CustodyRow> out;
    while (q.step()) {
        out.push_back(read_row(q));
    }
    return out;
}

} // namespace

std::int64_t insert_checkout(Database& db, const CustodyRow& row) {
    Statement q(db, "INSERT INTO asset_custody (tag, holder, holder_kind, out_at, due_at, note, out_by) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)");
    q.bind(1, row.tag);
    q.bind(2, row.holder);
    q.bind(3, row.holder_kind);
    q.bind(4, row.out_at);
    if (row.due_at) {
        q.bind(5, *row.due_at);
    } else {
        q.bind(5);
    }
    q.bind(6, row.note);
    q.bind(7, row.out_by);
    q.exec();
    return db.last_insert_id();
}

std::optional<CustodyRow> open_checkout(Database& db, const std::string& tag) {
    Statement q(db, std::string(k_select) + " FROM asset_custody c WHERE c.tag = ? AND c.in_at IS NULL");
    q.bind(1, tag);
    if (!q.step()) {
        return std::nullopt;
    }
    return read_row(q);
}

void close_checkout(Database& db, std::int64_t id, std::int64_t at, const std::string& by, const std::string& note) {
    Statement q(db, "UPDATE asset_custody SET in_at = ?, in_by = ?, in_note = ? WHERE id = ? AND in_at IS NULL");
    q.bind(1, at);
    q.bind(2, by);
    q.bind(3, note);
    q.bind(4, id);
    q.exec();
}

std::vector<CustodyRow> custody_history(Database& db, const std::string& tag, int limit) {
    Statement q(db, std::string(k_select) +
                        " FROM asset_custody c WHERE c.tag = ? ORDER BY c.out_at DESC, c.id DESC LIMIT ?");
    q.bind(1, tag);
    q.bind(2, limit > 0 ? std::int64_t{limit} : std::int64_t{1} << 62);
    return read_rows(q);
}

std::vector<ReturnDue> returns_due(Database& db, std::int64_t until) {
    // The asset's register fields in the same read: one query, not one more per lent asset.
    Statement q(db, std::string(k_select) + ", a.class, a.name, a.owner FROM asset_custody c "
                                            "JOIN assets a ON a.tag = c.tag WHERE c.in_at IS NULL AND c.due_at <= ? "
                                            "ORDER BY c.due_at, c.tag");
    q.bind(1, until);
    std::vector<ReturnDue> out;
    while (q.step()) {
        out.push_back({read_row(q), q.column(11).as_string(), q.column(12).as_string(), q.column(13).as_string()});
    }
    return out;
}

std::vector<CustodyRow> returns_overdue_at(Database& db, std::int64_t at) {
    Statement q(db, std::string(k_select) +
                        " FROM asset_custody c WHERE c.out_at < ?1 AND c.due_at <= ?1 "
                        "AND (c.in_at IS NULL OR c.in_at > ?1) ORDER BY c.due_at, c.tag");
    q.bind(1, at);
    return read_rows(q);
}

} // namespace opsctl::store
