#include "lib/store/migrations.hpp"

namespace opsctl::store {

const char* schema_notify() {
    // Self-contained and portable (INTEGER and TEXT only), so that the PostgreSQL driver can
    // mirror it and it can be renumbered when another branch adds a migration first.
    return R"sql(
-- The notification outbox: one row per message to one channel, written in the same
-- transaction as the event that caused it and sent after commit (lib/notify/outbox.cpp).
--   idempotency_key  '<event id>:<channel>:<kind>' (or a caller's own key): one message per
--                    cause and channel, and the key channels that know one receive
--   event_id         the events row that caused it; NULL when no event did
--   payload          the rendered message (JSON: title and text, or subject and body); the
--                    channel's address and secrets are read from the policy when sending
--   status           'pending' (to send, or to retry at next_attempt_at), 'sent', or
--                    'failed' (gave up after the policy's attempts)
--   claimed_until    while a sender works on it, until when; another sender leaves it alone
--   last_error       why the last attempt failed, with every secret redacted
CREATE TABLE notifications (
    id              INTEGER PRIMARY KEY,
    idempotency_key TEXT NOT NULL UNIQUE,
    event_id        INTEGER,
    channel         TEXT NOT NULL,
    kind            TEXT NOT NULL,
    payload         TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    claimed_until   INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT NOT NULL DEFAULT '',
    created_at      INTEGER NOT NULL,
    sent_at         INTEGER
);
CREATE INDEX notifications_due ON notifications(status, next_attempt_at);
CREATE INDEX notifications_created ON notifications(created_at, id);

-- Pages: an event that must wake someone (a P1 ticket, a CRITICAL check, a failed backup, as
-- notify.paging chooses) pages the person on duty, then the next level of the escalation
-- chain each time `after` passes unacknowledged (lib/page/page.cpp); every step is an event.
--   subject    what paged, e.g. 'ticket 12'; ticket_id set when a ticket did (acting on it stops the page)
--   status     'open', 'acknowledged', or 'exhausted' (the chain ran out, nobody answered)
--   step       pages sent so far; person the one paged last
--   next_at    when the next step is due
CREATE TABLE pages (
    id         INTEGER PRIMARY KEY,
    event_id   INTEGER,
    kind       TEXT NOT NULL,
    subject    TEXT NOT NULL,
    ticket_id  INTEGER,
    title      TEXT NOT NULL,
    status     TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'acknowledged', 'exhausted')),
    step       INTEGER NOT NULL DEFAULT 0,
    person     TEXT NOT NULL DEFAULT '',
    opened_at  INTEGER NOT NULL,
    next_at    INTEGER NOT NULL,
    acked_at   INTEGER,
    acked_by   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX pages_open ON pages(status, next_at);
)sql";
}

} // namespace opsctl::store
