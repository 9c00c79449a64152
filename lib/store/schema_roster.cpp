#include "lib/store/migrations.hpp"

namespace opsctl::store {

// The roster schedule itself is not stored: it is computed from the policy (shifts,
// rotations), the business calendar and the overrides below (lib/roster/duty.hpp). Stored are
// only the things people did or decided:
//
// roster_overrides   one cover or swap: `person` is on duty for `rotation` in
//                    [starts_at, ends_at), in place of whoever the rotation schedules there, or
//                    only in place of `replaces` when that is set. Where overrides overlap, the
//                    one with the highest id (the latest) wins. Overrides apply inside the
//                    rotation's shifts only.
// roster_handovers   one shift handover: from whom to whom, the note, and a JSON snapshot of
//                    what was open at that moment ({"tickets": [...], "slas": [...],
//                    "inspections": [...], "backups": [...], "unavailable": [...]}); the four
//                    counts repeat the snapshot's list sizes so that reports can aggregate in SQL.
// roster_attendance  one check-in by a person, closed by the matching check-out (NULL while
//                    checked in; at most one open row per person).
//
// Times are INTEGER Unix seconds (UTC); people, rotations and teams are policy ids.
const char* schema_roster() {
    return R"sql(
CREATE TABLE roster_overrides (
    id         INTEGER PRIMARY KEY,
    rotation   TEXT NOT NULL,
    person     TEXT NOT NULL,
    replaces   TEXT,
    starts_at  INTEGER NOT NULL,
    ends_at    INTEGER NOT NULL CHECK (ends_at > starts_at),
    note       TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    created_by TEXT NOT NULL
);
CREATE INDEX roster_overrides_rotation ON roster_overrides(rotation, starts_at);
CREATE INDEX roster_overrides_starts ON roster_overrides(starts_at);

CREATE TABLE roster_handovers (
    id                 INTEGER PRIMARY KEY,
    at                 INTEGER NOT NULL,
    rotation           TEXT,
    from_person        TEXT NOT NULL,
    to_person          TEXT,
    note               TEXT NOT NULL DEFAULT '',
    snapshot           TEXT NOT NULL DEFAULT '{}',
    open_tickets       INTEGER NOT NULL DEFAULT 0,
    at_risk_slas       INTEGER NOT NULL DEFAULT 0,
    failed_inspections INTEGER NOT NULL DEFAULT 0,
    stale_backups      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX roster_handovers_at ON roster_handovers(at);

CREATE TABLE roster_attendance (
    id          INTEGER PRIMARY KEY,
    person      TEXT NOT NULL,
    checkin_at  INTEGER NOT NULL,
    checkout_at INTEGER CHECK (checkout_at IS NULL OR checkout_at >= checkin_at),
    note        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX roster_attendance_person ON roster_attendance(person, checkin_at);
CREATE INDEX roster_attendance_checkin ON roster_attendance(checkin_at);
CREATE UNIQUE INDEX roster_attendance_open ON roster_attendance(person) WHERE checkout_at IS NULL;
)sql";
}

} // namespace opsctl::store
