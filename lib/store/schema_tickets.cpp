#include "lib/store/migrations.hpp"

namespace opsctl::store {

// The tickets table keeps the current state of each ticket plus a denormalised copy of its
// SLA outcome, refreshed on every change (and by `ticket sla` for open tickets), so that
// reports aggregate in SQL. The SLA clocks themselves are always recomputed from `events`;
// these columns are a cache of that computation. All times are INTEGER Unix seconds (UTC).
//
//   type, priority, status     names from the tickets policy; is_open = 0 in a final state
//   team, assignee, asset      team name, person id, asset tag (text, no foreign key)
//   reporter                   free text (who reported it)
//   source                     free key of automatic tickets ("inspect:daily:disk-root:host"),
//                              unique among open tickets
//   created_at, updated_at     creation and last change
//   responded_at               first response: assignment, public comment, or a move out of
//                              the initial state; NULL while unanswered
//   resolved_at                entry into the current resolved/final state; NULL when open
//                              work remains (cleared again by reopen)
//   closed_at                  entry into the current final state; NULL while open
//   sla_rule, sla_clock        the matching sla rule name and its clock ('business'|'24x7');
//                              NULL when no rule applies
//   response_target_secs,      the targets on that clock, in seconds (business seconds for
//   resolution_target_secs     a business clock: "2d" = two working days)
//   response_due_at,           the instant each target is (or was) reached; NULL while the
//   resolution_due_at          clock is paused or when there is no target
//   response_business_secs     business time (calendar working hours, pauses excluded) from
//                              creation to first response, or to now while unanswered
//   resolution_business_secs   business time from creation to resolution (or now), pauses
//                              excluded
//   response_clock_secs,       the same two spans measured on the rule's own clock (equal to
//   resolution_clock_secs      the business columns for a business clock); breaches use these
//   response_breached,         1 when the target was missed (answered/resolved after it,
//   resolution_breached        or still running past it at the last refresh), else 0
//   paused_secs                wall-clock seconds spent in pause states
//   sla_order                  the earliest pending due instant (ordering key of `ticket
//                              list`); 9e15 when no clock is running
//   spent_secs                 work logged with `ticket comment --spent`
//   satisfaction               1..5 given on close, NULL when none
//   complaint_type             for complaints, one of tickets.complaint_types, else NULL
const char* schema_tickets() {
    return R"sql(
CREATE TABLE tickets (
    id                        INTEGER PRIMARY KEY,
    type                      TEXT NOT NULL,
    priority                  TEXT NOT NULL,
    status                    TEXT NOT NULL,
    is_open                   INTEGER NOT NULL DEFAULT 1,
    title                     TEXT NOT NULL,
    body                      TEXT NOT NULL DEFAULT '',
    team                      TEXT,
    assignee                  TEXT,
    asset                     TEXT,
    reporter                  TEXT,
    source                    TEXT,
    resolution                TEXT,
    created_at                INTEGER NOT NULL,
    updated_at                INTEGER NOT NULL,
    responded_at              INTEGER,
    resolved_at               INTEGER,
    closed_at                 INTEGER,
    sla_rule                  TEXT,
    sla_clock                 TEXT,
    response_target_secs      INTEGER,
    resolution_target_secs    INTEGER,
    response_due_at           INTEGER,
    resolution_due_at         INTEGER,
    response_business_secs    INTEGER NOT NULL DEFAULT 0,
    resolution_business_secs  INTEGER NOT NULL DEFAULT 0,
    response_clock_secs       INTEGER NOT NULL DEFAULT 0,
    resolution_clock_secs     INTEGER NOT NULL DEFAULT 0,
    response_breached         INTEGER NOT NULL DEFAULT 0,
    resolution_breached       INTEGER NOT NULL DEFAULT 0,
    paused_secs               INTEGER NOT NULL DEFAULT 0,
    sla_order                 INTEGER NOT NULL DEFAULT 9000000000000000,
    spent_secs                INTEGER NOT NULL DEFAULT 0,
    satisfaction              INTEGER CHECK (satisfaction BETWEEN 1 AND 5),
    complaint_type            TEXT
);
CREATE INDEX tickets_open_order ON tickets(is_open, sla_order, id);
CREATE INDEX tickets_assignee ON tickets(assignee, is_open, sla_order);
CREATE INDEX tickets_team ON tickets(team, is_open, sla_order);
CREATE INDEX tickets_asset ON tickets(asset, id);
CREATE INDEX tickets_status ON tickets(status);
CREATE INDEX tickets_created ON tickets(created_at);
CREATE INDEX tickets_closed ON tickets(closed_at);
CREATE UNIQUE INDEX tickets_open_source ON tickets(source) WHERE is_open = 1 AND source IS NOT NULL;

-- Comments and work log; internal comments are not a response to the customer.
CREATE TABLE ticket_comments (
    id         INTEGER PRIMARY KEY,
    ticket_id  INTEGER NOT NULL REFERENCES tickets(id),
    at         INTEGER NOT NULL,
    author     TEXT NOT NULL,
    body       TEXT NOT NULL,
    internal   INTEGER NOT NULL DEFAULT 0,
    spent_secs INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX ticket_comments_ticket ON ticket_comments(ticket_id, id);

-- Links between tickets: kind is caused-by, duplicate-of or related.
CREATE TABLE ticket_links (
    ticket_id  INTEGER NOT NULL REFERENCES tickets(id),
    kind       TEXT NOT NULL,
    target_id  INTEGER NOT NULL REFERENCES tickets(id),
    created_at INTEGER NOT NULL,
    PRIMARY KEY (ticket_id, kind, target_id)
);
CREATE INDEX ticket_links_target ON ticket_links(target_id);

-- Escalation steps already fired, so that `ticket sla` fires each step once.
CREATE TABLE ticket_escalations (
    ticket_id INTEGER NOT NULL REFERENCES tickets(id),
    clock     TEXT NOT NULL,
    step      INTEGER NOT NULL,
    fired_at  INTEGER NOT NULL,
    PRIMARY KEY (ticket_id, clock, step)
);

-- Full-text search over title, body and comments. The trigram tokenizer matches any run of
-- three or more characters, which is what Chinese text (no spaces between words) needs.
CREATE VIRTUAL TABLE tickets_fts USING fts5(title, body, comments, tokenize = 'trigram');
)sql";
}

} // namespace opsctl::store
