#include "lib/store/migrations.hpp"

namespace opsctl::store {

const char* schema_stocktake() {
    // Portable (INTEGER and TEXT only): the PostgreSQL list mirrors it with BIGINT.
    return R"sql(
-- Stock-takes (lib/asset/stocktake.cpp): one count of the assets at one place.
--   location              the place counted (an assets.locations entry, or any text)
--   status                'open' while tags are being scanned, 'finished' once compared
--   started_at/_by        when and by whom it was opened
--   finished_at/_by       when and by whom it was compared with the register
--   found, missing, unexpected  the counts at the finish
CREATE TABLE asset_audits (
    id          INTEGER PRIMARY KEY,
    location    TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'finished')),
    started_at  INTEGER NOT NULL,
    started_by  TEXT NOT NULL,
    finished_at INTEGER,
    finished_by TEXT NOT NULL DEFAULT '',
    found       INTEGER NOT NULL DEFAULT 0,
    missing     INTEGER NOT NULL DEFAULT 0,
    unexpected  INTEGER NOT NULL DEFAULT 0
);
-- One open stock-take per place.
CREATE UNIQUE INDEX asset_audits_open ON asset_audits(location) WHERE status = 'open';
CREATE INDEX asset_audits_finished ON asset_audits(finished_at);

-- What a stock-take saw, and at its finish what it missed.
--   tag         as scanned (a tag the register does not know is kept too) or as registered
--   state       'seen' while open; at the finish 'found' (expected here), 'unexpected'
--               (registered elsewhere, disposed or unknown), 'missing' (expected, not seen)
--               or 'out' (expected, not seen, checked out elsewhere)
--   scans       how often it was scanned (0: missing or out)
--   first_at    the first scan
--   registered  where the register had it at the finish; NULL: not in the register
--   holder      for 'out': who or where has it
CREATE TABLE asset_audit_items (
    audit_id   INTEGER NOT NULL REFERENCES asset_audits(id),
    tag        TEXT NOT NULL,
    state      TEXT NOT NULL CHECK (state IN ('seen', 'found', 'unexpected', 'missing', 'out')),
    scans      INTEGER NOT NULL DEFAULT 0,
    first_at   INTEGER,
    registered TEXT,
    holder     TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (audit_id, tag)
);
-- The last stock-take that saw an asset (asset show, asset due).
CREATE INDEX asset_audit_items_tag ON asset_audit_items(tag, state);
)sql";
}

} // namespace opsctl::store
