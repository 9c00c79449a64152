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
)sql";
}

} // namespace opsctl::store
