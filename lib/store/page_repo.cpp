#include "lib/store/page_repo.hpp"

#include "lib/store/statement.hpp"

namespace opsctl::store {

namespace {

constexpr const char* k_columns = "id, event_id, kind, subject, ticket_id, title, status, step, person, opened_at, "
                                  "next_at, acked_at, acked_by";

PageRow read_row(Statement& q) {
    PageRow r;
    r.id = q.column(0).as_int64();
    if (!q.column(1).is_null()) {
        r.event_id = q.column(1).as_int64();
    }
    r.kind = q.column(2).as_string();
    r.subject = q.column(3).as_string();
    if (!q.column(4).is_null()) {
        r.ticket_id = q.column(4).as_int64();
    }
    r.title = q.column(5).as_string();
    r.status = q.column(6).as_string();
    r.step = q.column(7).as_int();
    r.person = q.column(8).as_string();
    r.opened_at = q.column(9).as_int64();
    r.next_at = q.column(10).as_int64();
    if (!q.column(11).is_null()) {
        r.acked_at = q.column(11).as_int64();
    }
    r.acked_by = q.column(12).as_string();
    return r;
}

void bind_optional(Statement& st, int i, const std::optional<std::int64_t>& v) {
    if (v) {
        st.bind(i, *v);
    } else {
        st.bind(i);
    }
}

} // namespace

std::int64_t insert_page(Database& db, const PageRow& row) {
    Statement st(db, "INSERT INTO pages (event_id, kind, subject, ticket_id, title, status, step, person, opened_at, "
                     "next_at, acked_by) VALUES (?, ?, ?, ?, ?, 'open', 0, '', ?, ?, '')");
    bind_optional(st, 1, row.event_id);
    st.bind(2, row.kind);
    st.bind(3, row.subject);
    bind_optional(st, 4, row.ticket_id);
    st.bind(5, row.title);
    st.bind(6, row.opened_at);
    st.bind(7, row.next_at);
    st.exec();
    return db.last_insert_id();
}

std::vector<PageRow> due_pages(Database& db, std::int64_t now, bool first_only) {
    Statement q(db, std::string("SELECT ") + k_columns + " FROM pages WHERE status = 'open' AND next_at <= ?" +
                        (first_only ? " AND step = 0" : "") + " ORDER BY next_at, id");
    q.bind(1, now);
    std::vector<PageRow> out;
    while (q.step()) {
        out.push_back(read_row(q));
    }
    return out;
}

std::optional<PageRow> find_page(Database& db, std::int64_t id) {
    Statement q(db, std::string("SELECT ") + k_columns + " FROM pages WHERE id = ?");
    q.bind(1, id);
    if (q.step()) {
        return read_row(q);
    }
    return std::nullopt;
}

void save_page(Database& db, const PageRow& row) {
    Statement st(db, "UPDATE pages SET status = ?, step = ?, person = ?, next_at = ?, acked_at = ?, acked_by = ? "
                     "WHERE id = ?");
    st.bind(1, row.status);
    st.bind(2, row.step);
    st.bind(3, row.person);
    st.bind(4, row.next_at);
    bind_optional(st, 5, row.acked_at);
    st.bind(6, row.acked_by);
    st.bind(7, row.id);
    st.exec();
}

std::vector<PageRow> list_pages(Database& db, bool open_only, int limit) {
    Statement q(db, std::string("SELECT ") + k_columns + " FROM pages" + (open_only ? " WHERE status = 'open'" : "") +
                        " ORDER BY opened_at DESC, id DESC LIMIT ?");
    q.bind(1, limit);
    std::vector<PageRow> out;
    while (q.step()) {
        out.push_back(read_row(q));
    }
    return out;
}

std::optional<std::pair<std::string, std::int64_t>> ticket_acted_on(Database& db, std::int64_t ticket_id,
                                                                     std::int64_t after_event) {
    Statement q(db, "SELECT actor, at FROM events WHERE entity = 'ticket' AND entity_id = ? AND id > ? "
                    "AND action <> 'escalated' ORDER BY id LIMIT 1");
    q.bind(1, std::to_string(ticket_id));
    q.bind(2, after_event);
    if (q.step()) {
        return std::pair<std::string, std::int64_t>{q.column(0).as_string(), q.column(1).as_int64()};
    }
    return std::nullopt;
}

} // namespace opsctl::store
