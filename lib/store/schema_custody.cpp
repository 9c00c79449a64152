#include "lib/store/migrations.hpp"

namespace opsctl::store {

const char* schema_custody() {
    // Portable (INTEGER and TEXT only): the PostgreSQL list mirrors it with BIGINT.
    return R"sql(
-- Who has an asset: one row per check-out, closed by its check-in (lib/asset/custody.cpp).
--   holder, holder_kind  a person id ('person') or a place ('location')
--   out_at, in_at        check-out and check-in; in_at NULL while the asset is out
--   due_at               the expected return: the midnight after the day given; NULL: none
--   note, in_note        why it went out; what was said on return
--   out_by, in_by        who recorded each
CREATE TABLE asset_custody (
    id          INTEGER PRIMARY KEY,
    tag         TEXT NOT NULL REFERENCES assets(tag),
    holder      TEXT NOT NULL,
    holder_kind TEXT NOT NULL CHECK (holder_kind IN ('person', 'location')),
    out_at      INTEGER NOT NULL,
    due_at      INTEGER,
    in_at       INTEGER,
    note        TEXT NOT NULL DEFAULT '',
    in_note     TEXT NOT NULL DEFAULT '',
    out_by      TEXT NOT NULL,
    in_by       TEXT NOT NULL DEFAULT ''
);
-- One open check-out per asset at most.
CREATE UNIQUE INDEX asset_custody_out ON asset_custody(tag) WHERE in_at IS NULL;
CREATE INDEX asset_custody_tag ON asset_custody(tag, out_at);
CREATE INDEX asset_custody_due ON asset_custody(due_at) WHERE in_at IS NULL;
)sql";
}

} // namespace opsctl::store
