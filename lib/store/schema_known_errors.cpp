#include "lib/store/migrations.hpp"

namespace opsctl::store {

const char* schema_known_errors() {
    // Portable (INTEGER and TEXT only) but for the search index: the PostgreSQL list mirrors
    // it with BIGINT and a bigram table (schema_postgres.cpp).
    return R"sql(
-- Known errors (the known error database, 知识库): what a problem ticket found out, published
-- so that the next incident with the same symptom is solved by its workaround
-- (lib/ticket/known_error.cpp).
--   problem_id          the problem ticket that published it
--   title               what it is called in lists (the problem's title unless given)
--   symptom, cause      what users see; why it happens
--   workaround, fix     what restores service now; the permanent fix ('' until known)
--   status              'published' | 'retired' (no longer offered, kept for history)
--   retire_reason       why it was retired
CREATE TABLE known_errors (
    id            INTEGER PRIMARY KEY,
    problem_id    INTEGER NOT NULL REFERENCES tickets(id),
    title         TEXT NOT NULL,
    symptom       TEXT NOT NULL,
    cause         TEXT NOT NULL,
    workaround    TEXT NOT NULL,
    fix           TEXT NOT NULL DEFAULT '',
    status        TEXT NOT NULL DEFAULT 'published' CHECK (status IN ('published', 'retired')),
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    retired_at    INTEGER,
    retire_reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX known_errors_problem ON known_errors(problem_id);
CREATE INDEX known_errors_status ON known_errors(status, id);

-- The ticket a known error's workaround solved (`ticket resolve --kb`): one per ticket, the
-- last one given. The review counts the incidents resolved in a month that have one.
CREATE TABLE ticket_known_errors (
    ticket_id      INTEGER PRIMARY KEY REFERENCES tickets(id),
    known_error_id INTEGER NOT NULL REFERENCES known_errors(id),
    at             INTEGER NOT NULL
);
CREATE INDEX ticket_known_errors_known_error ON ticket_known_errors(known_error_id);
CREATE INDEX ticket_known_errors_at ON ticket_known_errors(at);

-- Search over a known error's text (title, symptom, cause, workaround and fix, one per
-- line), with the tickets' trigram tokenizer (tickets_fts): Chinese has no spaces.
CREATE VIRTUAL TABLE known_errors_fts USING fts5(text, tokenize = 'trigram');
)sql";
}

} // namespace opsctl::store
