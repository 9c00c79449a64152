#pragma once
// Roster records: overrides, handovers and attendance (the schedule itself is computed).

#include "lib/store/database.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace opsctl::store {

/// One row of roster_overrides.
struct OverrideRow {
    std::int64_t id = 0;
    std::string rotation;
    std::string person;
    std::optional<std::string> replaces;
    std::int64_t starts_at = 0;
    std::int64_t ends_at = 0;
    std::string note;
    std::int64_t created_at = 0;
    std::string created_by;
};

/// The longest override accepted (92 days): longer covers belong in the rotation itself.
inline constexpr std::int64_t k_max_override_seconds = 92 * 86400;

/// Inserts an override (inside a WriteTransaction); returns its id.
std::int64_t insert_override(Database& db, const OverrideRow& row);
/// The override with this id.
std::optional<OverrideRow> find_override(Database& db, std::int64_t id);
/// Deletes the override with this id; false when there is none.
bool delete_override(Database& db, std::int64_t id);
/// Overrides that overlap [from, to), of one rotation (all when empty), oldest id first.
std::vector<OverrideRow> overrides_between(Database& db, std::int64_t from, std::int64_t to,
                                           const std::string& rotation = {});

/// One row of roster_handovers.
struct HandoverRow {
    std::int64_t id = 0;
    std::int64_t at = 0;
    std::optional<std::string> rotation;
    std::string from_person;
    std::optional<std::string> to_person;
    std::string note;
    std::string snapshot = "{}"; // JSON text
    std::int64_t open_tickets = 0;
    std::int64_t at_risk_slas = 0;
    std::int64_t failed_inspections = 0;
    std::int64_t stale_backups = 0;
};

/// Inserts a handover (inside a WriteTransaction); returns its id.
std::int64_t insert_handover(Database& db, const HandoverRow& row);
/// Handovers with from <= at < to, oldest first.
std::vector<HandoverRow> handovers_between(Database& db, std::int64_t from, std::int64_t to);

/// One row of roster_attendance; checkout_at is absent while checked in.
struct AttendanceRow {
    std::int64_t id = 0;
    std::string person;
    std::int64_t checkin_at = 0;
    std::optional<std::int64_t> checkout_at;
    std::string note;
};

/// The open check-in of a person, if any.
std::optional<AttendanceRow> open_checkin(Database& db, const std::string& person);
/// Records a check-in (inside a WriteTransaction); returns its id.
std::int64_t insert_checkin(Database& db, const std::string& person, std::int64_t at, const std::string& note);
/// Closes a check-in (inside a WriteTransaction).
void close_checkin(Database& db, std::int64_t id, std::int64_t at);
/// Attendance rows that overlap [from, to) (open rows count as running on), by person then time.
std::vector<AttendanceRow> attendance_between(Database& db, std::int64_t from, std::int64_t to);

} // namespace opsctl::store
