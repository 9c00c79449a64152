#include "lib/store/notify_repo.hpp"

#include "lib/store/statement.hpp"

namespace opsctl::store {

namespace {

constexpr const char* k_columns =
    "id, idempotency_key, event_id, channel, kind, payload, status, attempts, next_attempt_at, "
    "claimed_until, last_error, created_at, sent_at";

NotificationRow read_row(Statement& q) {
    NotificationRow r;
    r.id = q.column(0).as_int64();
    r.idempotency_key = q.column(1).as_string();
    if (!q.column(2).is_null()) {
        r.event_id = q.column(2).as_int64();
    }
    r.channel = q.column(3).as_string();
    r.kind = q.column(4).as_string();
    r.payload = q.column(5).as_string();
    r.status = q.column(6).as_string();
    r.attempts = q.column(7).as_int();
    r.next_attempt_at = q.column(8).as_int64();
    r.claimed_until = q.column(9).as_int64();
    r.last_error = q.column(10).as_string();
    r.created_at = q.column(11).as_int64();
    if (!q.column(12).is_null()) {
        r.sent_at = q.column(12).as_int64();
    }
    return r;
}

std::vector<NotificationRow> read_all(Statement& q) {
    std::vector<NotificationRow> out;
    while (q.step()) {
        out.push_back(read_row(q));
    }
    return out;
}

} // namespace

std::optional<std::int64_t> last_event_id(Database& db) {
    Statement q(db, "SELECT MAX(id) FROM events");
    if (q.step() && !q.column(0).is_null()) {
        return q.column(0).as_int64();
    }
    return std::nullopt;
}

std::optional<std::int64_t> insert_notification(Database& db, const NotificationRow& row) {
    // ON CONFLICT DO NOTHING: the same cause announced twice stays one message.
    Statement st(db, "INSERT INTO notifications (idempotency_key, event_id, channel, kind, payload, status, "
                     "attempts, next_attempt_at, claimed_until, last_error, created_at) "
                     "VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, 0, '', ?) ON CONFLICT (idempotency_key) DO NOTHING");
    st.bind(1, row.idempotency_key);
    if (row.event_id) {
        st.bind(2, *row.event_id);
    } else {
        st.bind(2);
    }
    st.bind(3, row.channel);
    st.bind(4, row.kind);
    st.bind(5, row.payload);
    st.bind(6, row.next_attempt_at);
    st.bind(7, row.created_at);
    if (st.exec() == 0) {
        return std::nullopt;
    }
    return db.last_insert_id();
}

std::vector<NotificationRow> due_notifications(Database& db, std::int64_t now, int limit) {
    Statement q(db, std::string("SELECT ") + k_columns +
                        " FROM notifications WHERE status = 'pending' AND next_attempt_at <= ? "
                        "AND claimed_until <= ? ORDER BY next_attempt_at, id LIMIT ?");
    q.bind(1, now);
    q.bind(2, now);
    q.bind(3, limit);
    return read_all(q);
}

bool claim_notification(Database& db, std::int64_t id, std::int64_t now, std::int64_t until) {
    Statement st(db, "UPDATE notifications SET claimed_until = ?, attempts = attempts + 1 "
                     "WHERE id = ? AND status = 'pending' AND claimed_until <= ?");
    st.bind(1, until);
    st.bind(2, id);
    st.bind(3, now);
    return st.exec() == 1;
}

void mark_notification_sent(Database& db, std::int64_t id, std::int64_t at) {
    Statement st(db, "UPDATE notifications SET status = 'sent', sent_at = ?, claimed_until = 0, "
                     "last_error = '' WHERE id = ?");
    st.bind(1, at);
    st.bind(2, id);
    st.exec();
}

void mark_notification_failed(Database& db, std::int64_t id, const std::string& error,
                              std::int64_t next_attempt_at, bool give_up) {
    Statement st(db, "UPDATE notifications SET status = ?, last_error = ?, next_attempt_at = ?, "
                     "claimed_until = 0 WHERE id = ? AND status = 'pending'");
    st.bind(1, give_up ? "failed" : "pending");
    st.bind(2, error);
    st.bind(3, next_attempt_at);
    st.bind(4, id);
    st.exec();
}

std::vector<NotificationRow> list_notifications(Database& db, const std::string& status, int limit) {
    Statement q(db, std::string("SELECT ") + k_columns + " FROM notifications" +
                        (status.empty() ? "" : " WHERE status = ?") + " ORDER BY created_at DESC, id DESC LIMIT ?");
    int i = 1;
    if (!status.empty()) {
        q.bind(i++, status);
    }
    q.bind(i, limit);
    return read_all(q);
}

std::vector<NotificationRow> failed_notifications(Database& db, std::int64_t from, std::int64_t to) {
    Statement q(db, std::string("SELECT ") + k_columns +
                        " FROM notifications WHERE status = 'failed' AND created_at >= ? AND created_at < ? "
                        "ORDER BY created_at, id");
    q.bind(1, from);
    q.bind(2, to);
    return read_all(q);
}

} // namespace opsctl::store
