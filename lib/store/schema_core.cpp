#include "lib/store/migrations.hpp"

namespace opsctl::store {

const char* schema_core() {
    return R"sql(
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- Every change to a record: who, when, what, and the changed fields as JSON.
-- Rows are hash-chained: hash = sha256(prev_hash and the row's content).
CREATE TABLE events (
    id        INTEGER PRIMARY KEY,
    at        INTEGER NOT NULL,
    actor     TEXT NOT NULL,
    entity    TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    action    TEXT NOT NULL,
    fields    TEXT NOT NULL DEFAULT '{}',
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
);
CREATE INDEX events_entity ON events(entity, entity_id, id);
CREATE INDEX events_at ON events(at);
)sql";
}

} // namespace opsctl::store
