#include "lib/store/roster_repo.hpp"

namespace opsctl::store {

namespace {

std::optional<std::string> optional_text(const Column& c) {
    if (c.is_null()) {
        return std::nullopt;
    }
    return c.as_string();
}

void bind_optional(Statement& q, int index, const std::optional<std::string>& value) {
    if (value) {
        q.bind(index, *value);
    } else {
        q.bind(index);
    }
}

constexpr const char* k_override_columns =
    "id, rotation, person, replaces, starts_at, ends_at, note, created_at, created_by";

OverrideRow read_override(Statement& q) {
    OverrideRow r;
    r.id = q.column(0).as_int64();
    r.rotation = q.column(1).as_string();
    r.person = q.column(2).as_string();
    r.replaces = optional_text(q.column(3));
    r.starts_at = q.column(4).as_int64();
    r.ends_at = q.column(5).as_int64();
    r.note = q.column(6).as_string();
    r.created_at = q.column(7).as_int64();
    r.created_by = q.column(8).as_string();
    return r;
}

AttendanceRow read_attendance(Statement& q) {
    AttendanceRow r;
    r.id = q.column(0).as_int64();
    r.person = q.column(1).as_string();
    r.checkin_at = q.column(2).as_int64();
    if (!q.column(3).is_null()) {
        r.checkout_at = q.column(3).as_int64();
    }
    r.note = q.column(4).as_string();
    return r;
}

} // namespace

std::int64_t insert_override(Database& db, const OverrideRow& row) {
    Statement q(
        db, "INSERT INTO roster_overrides (rotation, person, replaces, starts_at, ends_at, "
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
    return db.last_insert_id();
}

std::optional<OverrideRow> find_override(Database& db, std::int64_t id) {
    Statement q(db, std::string("SELECT ") + k_override_columns +
                        " FROM roster_overrides WHERE id = ?");
    q.bind(1, static_cast<std::int64_t>(id));
    if (!q.step()) {
        return std::nullopt;
    }
    return read_override(q);
}

bool delete_override(Database& db, std::int64_t id) {
    Statement q(db, "DELETE FROM roster_overrides WHERE id = ?");
    q.bind(1, static_cast<std::int64_t>(id));
    return q.exec() > 0;
}

std::vector<OverrideRow> overrides_between(Database& db, std::int64_t from, std::int64_t to,
                                           const std::string& rotation) {
    // No override is longer than k_max_override_seconds, so a lower bound on starts_at keeps
    // the index range to the period asked for; ends_at then filters exactly.
    std::string sql =
        std::string("SELECT ") + k_override_columns +
        " FROM roster_overrides WHERE starts_at < ? AND starts_at > ? AND ends_at > ?";
    if (!rotation.empty()) {
        sql += " AND rotation = ?";
    }
    sql += " ORDER BY id";
    Statement q(db, sql);
    q.bind(1, static_cast<std::int64_t>(to));
    q.bind(2, static_cast<std::int64_t>(from - k_max_override_seconds));
    q.bind(3, static_cast<std::int64_t>(from));
    if (!rotation.empty()) {
        q.bind(4, rotation);
    }
    std::vector<OverrideRow> out;
    while (q.step()) {
        out.push_back(read_override(q));
    }
    return out;
}

std::int64_t insert_handover(Database& db, const HandoverRow& row) {
    Statement q(
        db,
        "INSERT INTO roster_handovers (at, rotation, from_person, to_person, note, snapshot, "
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
    return db.last_insert_id();
}

std::vector<HandoverRow> handovers_between(Database& db, std::int64_t from, std::int64_t to) {
    Statement q(
        db, "SELECT id, at, rotation, from_person, to_person, note, snapshot, open_tickets, "
            "at_risk_slas, failed_inspections, stale_backups FROM roster_handovers "
            "WHERE at >= ? AND at < ? ORDER BY at, id");
    q.bind(1, static_cast<std::int64_t>(from));
    q.bind(2, static_cast<std::int64_t>(to));
    std::vector<HandoverRow> out;
    while (q.step()) {
        HandoverRow r;
        r.id = q.column(0).as_int64();
        r.at = q.column(1).as_int64();
        r.rotation = optional_text(q.column(2));
        r.from_person = q.column(3).as_string();
        r.to_person = optional_text(q.column(4));
        r.note = q.column(5).as_string();
        r.snapshot = q.column(6).as_string();
        r.open_tickets = q.column(7).as_int64();
        r.at_risk_slas = q.column(8).as_int64();
        r.failed_inspections = q.column(9).as_int64();
        r.stale_backups = q.column(10).as_int64();
        out.push_back(std::move(r));
    }
    return out;
}

std::optional<AttendanceRow> open_checkin(Database& db, const std::string& person) {
    Statement q(db, "SELECT id, person, checkin_at, checkout_at, note FROM roster_attendance "
                    "WHERE person = ? AND checkout_at IS NULL");
    q.bind(1, person);
    if (!q.step()) {
        return std::nullopt;
    }
    return read_attendance(q);
}

std::int64_t insert_checkin(Database& db, const std::string& person, std::int64_t at,
                            const std::string& note) {
    Statement q(
        db, "INSERT INTO roster_attendance (person, checkin_at, note) VALUES (?, ?, ?)");
    q.bind(1, person);
    q.bind(2, static_cast<std::int64_t>(at));
    q.bind(3, note);
    q.exec();
    return db.last_insert_id();
}

void close_checkin(Database& db, std::int64_t id, std::int64_t at) {
    Statement q(db, "UPDATE roster_attendance SET checkout_at = ? WHERE id = ?");
    q.bind(1, static_cast<std::int64_t>(at));
    q.bind(2, static_cast<std::int64_t>(id));
    q.exec();
}

std::vector<AttendanceRow> attendance_between(Database& db, std::int64_t from, std::int64_t to) {
    Statement q(db, "SELECT id, person, checkin_at, checkout_at, note FROM roster_attendance "
                    "WHERE checkin_at < ? AND (checkout_at IS NULL OR checkout_at > ?) "
                    "ORDER BY person, checkin_at");
    q.bind(1, static_cast<std::int64_t>(to));
    q.bind(2, static_cast<std::int64_t>(from));
    std::vector<AttendanceRow> out;
    while (q.step()) {
        out.push_back(read_attendance(q));
    }
    return out;
}

} // namespace opsctl::store
