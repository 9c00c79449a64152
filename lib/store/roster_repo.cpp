#include "lib/store/roster_repo.hpp"

namespace opsctl::store {

namespace {

std::optional<std::string> optional_text(const SQLite::Column& c) {
    if (c.isNull()) {
        return std::nullopt;
    }
    return c.getString();
}

void bind_optional(SQLite::Statement& q, int index, const std::optional<std::string>& value) {
    if (value) {
        q.bind(index, *value);
    } else {
        q.bind(index);
    }
}

constexpr const char* k_override_columns =
    "id, rotation, person, replaces, starts_at, ends_at, note, created_at, created_by";

OverrideRow read_override(SQLite::Statement& q) {
    OverrideRow r;
    r.id = q.getColumn(0).getInt64();
    r.rotation = q.getColumn(1).getString();
    r.person = q.getColumn(2).getString();
    r.replaces = optional_text(q.getColumn(3));
    r.starts_at = q.getColumn(4).getInt64();
    r.ends_at = q.getColumn(5).getInt64();
    r.note = q.getColumn(6).getString();
    r.created_at = q.getColumn(7).getInt64();
    r.created_by = q.getColumn(8).getString();
    return r;
}

AttendanceRow read_attendance(SQLite::Statement& q) {
    AttendanceRow r;
    r.id = q.getColumn(0).getInt64();
    r.person = q.getColumn(1).getString();
    r.checkin_at = q.getColumn(2).getInt64();
    if (!q.getColumn(3).isNull()) {
        r.checkout_at = q.getColumn(3).getInt64();
    }
    r.note = q.getColumn(4).getString();
    return r;
}

} // namespace

std::int64_t insert_override(Database& db, const OverrideRow& row) {
    SQLite::Statement q(db.sql(), "INSERT INTO roster_overrides (rotation, person, replaces, starts_at, ends_at, "
                                  "note, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    q.bind(1, row.rotation);
    q.bind(2, row.person);
    bind_optional(q, 3, row.replaces);
    q.bind(4, static_cast<std::int64_t>(row.starts_at));
    q.bind(5, static_cast<std::int64_t>(row.ends_at));
    q.bind(6, row.note);
    q.bind(7, static_cast<std::int64_t>(row.created_at));
    q.bind(8, row.created_by);
    q.exec();
    return db.sql().getLastInsertRowid();
}

std::optional<OverrideRow> find_override(Database& db, std::int64_t id) {
    SQLite::Statement q(db.sql(), std::string("SELECT ") + k_override_columns + " FROM roster_overrides WHERE id = ?");
    q.bind(1, static_cast<std::int64_t>(id));
    if (!q.executeStep()) {
        return std::nullopt;
    }
    return read_override(q);
}

bool delete_override(Database& db, std::int64_t id) {
    SQLite::Statement q(db.sql(), "DELETE FROM roster_overrides WHERE id = ?");
    q.bind(1, static_cast<std::int64_t>(id));
    return q.exec() > 0;
}

std::vector<OverrideRow> overrides_between(Database& db, std::int64_t from, std::int64_t to,
                                           const std::string& rotation) {
    // No override is longer than k_max_override_seconds, so a lower bound on starts_at keeps
    // the index range to the period asked for; ends_at then filters exactly.
    std::string sql = std::string("SELECT ") + k_override_columns +
                      " FROM roster_overrides WHERE starts_at < ? AND starts_at > ? AND ends_at > ?";
    if (!rotation.empty()) {
        sql += " AND rotation = ?";
    }
    sql += " ORDER BY id";
    SQLite::Statement q(db.sql(), sql);
    q.bind(1, static_cast<std::int64_t>(to));
    q.bind(2, static_cast<std::int64_t>(from - k_max_override_seconds));
    q.bind(3, static_cast<std::int64_t>(from));
    if (!rotation.empty()) {
        q.bind(4, rotation);
    }
    std::vector<OverrideRow> out;
    while (q.executeStep()) {
        out.push_back(read_override(q));
    }
    return out;
}

std::int64_t insert_handover(Database& db, const HandoverRow& row) {
    SQLite::Statement q(db.sql(), "INSERT INTO roster_handovers (at, rotation, from_person, to_person, note, snapshot, "
                                  "open_tickets, at_risk_slas, failed_inspections, stale_backups) "
                                  "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    q.bind(1, static_cast<std::int64_t>(row.at));
    bind_optional(q, 2, row.rotation);
    q.bind(3, row.from_person);
    bind_optional(q, 4, row.to_person);
    q.bind(5, row.note);
    q.bind(6, row.snapshot);
    q.bind(7, static_cast<std::int64_t>(row.open_tickets));
    q.bind(8, static_cast<std::int64_t>(row.at_risk_slas));
    q.bind(9, static_cast<std::int64_t>(row.failed_inspections));
    q.bind(10, static_cast<std::int64_t>(row.stale_backups));
    q.exec();
    return db.sql().getLastInsertRowid();
}

std::vector<HandoverRow> handovers_between(Database& db, std::int64_t from, std::int64_t to) {
    SQLite::Statement q(db.sql(), "SELECT id, at, rotation, from_person, to_person, note, snapshot, open_tickets, "
                                  "at_risk_slas, failed_inspections, stale_backups FROM roster_handovers "
                                  "WHERE at >= ? AND at < ? ORDER BY at, id");
    q.bind(1, static_cast<std::int64_t>(from));
    q.bind(2, static_cast<std::int64_t>(to));
    std::vector<HandoverRow> out;
    while (q.executeStep()) {
        HandoverRow r;
        r.id = q.getColumn(0).getInt64();
        r.at = q.getColumn(1).getInt64();
        r.rotation = optional_text(q.getColumn(2));
        r.from_person = q.getColumn(3).getString();
        r.to_person = optional_text(q.getColumn(4));
        r.note = q.getColumn(5).getString();
        r.snapshot = q.getColumn(6).getString();
        r.open_tickets = q.getColumn(7).getInt64();
        r.at_risk_slas = q.getColumn(8).getInt64();
        r.failed_inspections = q.getColumn(9).getInt64();
        r.stale_backups = q.getColumn(10).getInt64();
        out.push_back(std::move(r));
    }
    return out;
}

std::optional<AttendanceRow> open_checkin(Database& db, const std::string& person) {
    SQLite::Statement q(db.sql(), "SELECT id, person, checkin_at, checkout_at, note FROM roster_attendance "
                                  "WHERE person = ? AND checkout_at IS NULL");
    q.bind(1, person);
    if (!q.executeStep()) {
        return std::nullopt;
    }
    return read_attendance(q);
}

std::int64_t insert_checkin(Database& db, const std::string& person, std::int64_t at, const std::string& note) {
    SQLite::Statement q(db.sql(), "INSERT INTO roster_attendance (person, checkin_at, note) VALUES (?, ?, ?)");
    q.bind(1, person);
    q.bind(2, static_cast<std::int64_t>(at));
    q.bind(3, note);
    q.exec();
    return db.sql().getLastInsertRowid();
}

void close_checkin(Database& db, std::int64_t id, std::int64_t at) {
    SQLite::Statement q(db.sql(), "UPDATE roster_attendance SET checkout_at = ? WHERE id = ?");
    q.bind(1, static_cast<std::int64_t>(at));
    q.bind(2, static_cast<std::int64_t>(id));
    q.exec();
}

std::vector<AttendanceRow> attendance_between(Database& db, std::int64_t from, std::int64_t to) {
    SQLite::Statement q(db.sql(), "SELECT id, person, checkin_at, checkout_at, note FROM roster_attendance "
                                  "WHERE checkin_at < ? AND (checkout_at IS NULL OR checkout_at > ?) "
                                  "ORDER BY person, checkin_at");
    q.bind(1, static_cast<std::int64_t>(to));
    q.bind(2, static_cast<std::int64_t>(from));
    std::vector<AttendanceRow> out;
    while (q.executeStep()) {
        out.push_back(read_attendance(q));
    }
    return out;
}

} // namespace opsctl::store
