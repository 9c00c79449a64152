#include "lib/store/migrations.hpp"

namespace opsctl::store {

const char* schema_schedules() {
    // Portable (INTEGER and TEXT only): the PostgreSQL list mirrors it with BIGINT.
    return R"sql(
-- The periods of scheduled work that `ticket schedule run` opened (lib/ticket/schedule.cpp):
-- one row per schedule, period and asset, written in the transaction that opens the ticket,
-- so that a period opens once however often and however concurrently the run is started.
--   schedule    the policy's schedule name
--   period      the period's nominal date, YYYY-MM-DD (it names the period for good)
--   target      the asset tag of a per-asset schedule; '' otherwise
--   due_on      the working day the period fell due on, YYYY-MM-DD
--   ticket_id   the ticket opened for it
--   opened_at   when
CREATE TABLE ticket_schedule_runs (
    schedule  TEXT NOT NULL,
    period    TEXT NOT NULL,
    target    TEXT NOT NULL DEFAULT '',
    due_on    TEXT NOT NULL,
    ticket_id INTEGER NOT NULL REFERENCES tickets(id),
    opened_at INTEGER NOT NULL,
    PRIMARY KEY (schedule, target, period)
);
CREATE INDEX ticket_schedule_runs_ticket ON ticket_schedule_runs(ticket_id);
)sql";
}

} // namespace opsctl::store
