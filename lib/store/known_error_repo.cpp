#include "lib/store/known_error_repo.hpp"

#include "lib/store/driver.hpp"

#include <fmt/format.h>

namespace opsctl::store {

namespace {

// Columns 0-12 of every query, the known error as `k`.
constexpr const char* k_select =
    "SELECT k.id, k.problem_id, k.title, k.symptom, k.cause, k.workaround, k.fix, k.status, k.created_at, "
    "k.updated_at, k.retired_at, k.retire_reason, "
    "(SELECT count(*) FROM ticket_known_errors s WHERE s.known_error_id = k.id)";

KnownErrorRow read_row(Statement& q) {
    KnownErrorRow r;
    r.id = q.column(0).as_int64();
    r.problem_id = q.column(1).as_int64();
    r.title = q.column(2).as_string();
    r.symptom = q.column(3).as_string();
    r.cause = q.column(4).as_string();
    r.workaround = q.column(5).as_string();
    r.fix = q.column(6).as_string();
    r.status = q.column(7).as_string();
    r.created_at = q.column(8).as_int64();
    r.updated_at = q.column(9).as_int64();
    if (!q.column(10).is_null()) {
        r.retired_at = q.column(10).as_int64();
    }
    r.retire_reason = q.column(11).as_string();
    r.solved = q.column(12).as_int64();
    return r;
}

// What the search index holds of a known error: every text field, one per line.
std::string search_text(const KnownErrorRow& r) {
    return r.title + '\n' + r.symptom + '\n' + r.cause + '\n' + r.workaround + '\n' + r.fix;
}

void bind_fields(Statement& q, const KnownErrorRow& row) {
    q.bind(1, row.problem_id);
    q.bind(2, row.title);
    q.bind(3, row.symptom);
    q.bind(4, row.cause);
    q.bind(5, row.workaround);
    q.bind(6, row.fix);
    q.bind(7, row.status);
    q.bind(8, row.created_at);
    q.bind(9, row.updated_at);
    if (row.retired_at) {
        q.bind(10, *row.retired_at);
    } else {
        q.bind(10);
    }
    q.bind(11, row.retire_reason);
}

} // namespace

std::int64_t insert_known_error(Database& db, const KnownErrorRow& row) {
    Statement q(db, "INSERT INTO known_errors (problem_id, title, symptom, cause, workaround, fix, status, created_at, "
                    "updated_at, retired_at, retire_reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    bind_fields(q, row);
    q.exec();
    const std::int64_t id = db.last_insert_id();
    Statement index(db, db.connection().known_error_search_sql().insert);
    index.bind(1, id);
    index.bind(2, search_text(row));
    index.exec();
    return id;
}

void save_known_error(Database& db, const KnownErrorRow& row) {
    Statement q(db, "UPDATE known_errors SET problem_id = ?, title = ?, symptom = ?, cause = ?, workaround = ?, "
                    "fix = ?, status = ?, created_at = ?, updated_at = ?, retired_at = ?, retire_reason = ? "
                    "WHERE id = ?");
    bind_fields(q, row);
    q.bind(12, row.id);
    q.exec();
    Statement index(db, db.connection().known_error_search_sql().update);
    index.bind(1, search_text(row));
    index.bind(2, row.id);
    index.exec();
}

std::optional<KnownErrorRow> find_known_error(Database& db, std::int64_t id) {
    Statement q(db, fmt::format("{} FROM known_errors k WHERE k.id = ?", k_select));
    q.bind(1, id);
    if (!q.step()) {
        return std::nullopt;
    }
    return read_row(q);
}

std::vector<KnownErrorRow> query_known_errors(Database& db, const KnownErrorQuery& kq) {
    std::string from = "known_errors k";
    std::string where;
    std::string order = "k.id DESC";
    std::vector<std::string> texts;
    auto add = [&](const std::string& cond) { where += (where.empty() ? " WHERE " : " AND ") + cond; };
    if (!kq.search.empty()) {
        // The engine's own index (a dialect hook), as `ticket list --search` uses it.
        auto s = db.connection().known_error_search(kq.search);
        from = s.from;
        add(s.condition);
        texts = s.binds;
        order = s.newest_first;
    }
    if (!kq.retired) {
        add("k.status = 'published'");
    }
    if (kq.problem) {
        add("k.problem_id = ?");
    }
    std::string sql = fmt::format("{} FROM {}{} ORDER BY {}", k_select, from, where, order);
    if (kq.limit > 0) {
        sql += fmt::format(" LIMIT {}", kq.limit);
    }
    Statement q(db, sql);
    int n = 1;
    for (const auto& t : texts) {
        q.bind(n++, t);
    }
    if (kq.problem) {
        q.bind(n++, *kq.problem);
    }
    std::vector<KnownErrorRow> out;
    while (q.step()) {
        out.push_back(read_row(q));
    }
    return out;
}

std::vector<KnownErrorRow> related_known_errors(Database& db, const std::string& text, std::int64_t limit) {
    const auto s = db.connection().known_error_related(text);
    if (s.from.empty()) {
        return {};
    }
    Statement q(db, fmt::format("{} FROM {} WHERE {} AND k.status = 'published' ORDER BY {} LIMIT {}", k_select,
                                s.from, s.condition, s.newest_first, limit));
    int n = 1;
    for (const auto& t : s.binds) {
        q.bind(n++, t);
    }
    for (const auto& t : s.order_binds) {
        q.bind(n++, t);
    }
    std::vector<KnownErrorRow> out;
    while (q.step()) {
        out.push_back(read_row(q));
    }
    return out;
}

std::optional<std::int64_t> set_ticket_known_error(Database& db, std::int64_t ticket_id, std::int64_t known_error_id,
                                                   std::int64_t at) {
    const auto before = ticket_known_error(db, ticket_id);
    Statement q(db, "INSERT INTO ticket_known_errors (ticket_id, known_error_id, at) VALUES (?1, ?2, ?3) "
                    "ON CONFLICT (ticket_id) DO UPDATE SET known_error_id = excluded.known_error_id, at = excluded.at");
    q.bind(1, ticket_id);
    q.bind(2, known_error_id);
    q.bind(3, at);
    q.exec();
    return before;
}

std::optional<std::int64_t> ticket_known_error(Database& db, std::int64_t ticket_id) {
    Statement q(db, "SELECT known_error_id FROM ticket_known_errors WHERE ticket_id = ?");
    q.bind(1, ticket_id);
    if (!q.step()) {
        return std::nullopt;
    }
    return q.column(0).as_int64();
}

} // namespace opsctl::store
