#include "lib/store/migrations.hpp"

namespace opsctl::store {

const char* schema_access() {
    // Self-contained, so that it can be renumbered when another branch adds a migration first.
    return R"sql(
-- The OS account that ran opsctl when the policy binds people to logins (empty before, and
-- with an open policy); `actor` stays the person acted for. Hashed into the chain when set.
ALTER TABLE events ADD COLUMN account TEXT NOT NULL DEFAULT '';
-- SHA-256 of the record's state as the change committed it, on the newest event of each
-- record a transaction changed (lib/store/record_digest.cpp); hashed into the chain when set.
-- Empty on older events, on the bulk importers' events and for kinds of record not covered.
ALTER TABLE events ADD COLUMN digest TEXT NOT NULL DEFAULT '';

-- Decisions on a ticket's entry into a workflow state that needs approval.
--   state          the guarded state the decision is about
--   person         the approver (person id); for 'emergency', who moved the ticket
--   decision       'approved' | 'rejected' | 'emergency' (moved without the quorum)
--   retrospective  1 for an approval given after an emergency move
--   open           1 while the request it belongs to is pending; a move of the ticket
--                  ends the request (0), an emergency stays open until approved after
CREATE TABLE ticket_approvals (
    id            INTEGER PRIMARY KEY,
    ticket_id     INTEGER NOT NULL REFERENCES tickets(id),
    state         TEXT NOT NULL,
    person        TEXT NOT NULL,
    decision      TEXT NOT NULL CHECK (decision IN ('approved', 'rejected', 'emergency')),
    reason        TEXT NOT NULL DEFAULT '',
    at            INTEGER NOT NULL,
    retrospective INTEGER NOT NULL DEFAULT 0,
    open          INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX ticket_approvals_ticket ON ticket_approvals(ticket_id, id);
CREATE INDEX ticket_approvals_open ON ticket_approvals(open, decision) WHERE open = 1;
)sql";
}

} // namespace opsctl::store
