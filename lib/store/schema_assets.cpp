#include "lib/store/migrations.hpp"

namespace opsctl::store {

// The asset register. For the monthly report and other readers:
//
// assets            one row per device or room; `tag` (e.g. SRV-0001) is the key every other
//                   table and domain uses. `class` is an id from the policy's assets.classes,
//                   `owner` a person id from people, `location` free text or one of
//                   assets.locations. `status` is one of in_stock, in_use, maintenance,
//                   retired, disposed. `purchased` and `warranty_until` are calendar dates as
//                   TEXT 'YYYY-MM-DD' (no time zone; they sort and compare as text, and
//                   date(purchased, '+5 years') works in SQL). created_at, updated_at,
//                   retired_at and disposed_at are INTEGER Unix seconds (UTC), NULL when not
//                   reached. `parent` is the tag of the asset this one sits in (a blade in a
//                   chassis, a projector in a room).
// asset_fields      the custom fields of the class, one row per (tag, key) with the value as
//                   canonical text: int as decimal, date as YYYY-MM-DD, bool as true/false,
//                   enum as the value. A field with no value has no row. Indexed on
//                   (key, value) so that `asset list --where key=value` is one index lookup.
// asset_maintenance one row per maintenance done, never edited (a correction is a new row):
//                   kind is check, clean, repair, upgrade or other; `at` INTEGER Unix seconds
//                   when it was done; spent_secs the working time in seconds (NULL when not
//                   recorded); cost REAL in the site's currency (NULL when not recorded);
//                   actor the person who recorded it.
// asset_tag_seq     the last number handed out per tag prefix.
const char* schema_assets() {
    return R"sql(
CREATE TABLE assets (
    tag            TEXT PRIMARY KEY,
    class          TEXT NOT NULL,
    name           TEXT NOT NULL,
    model          TEXT NOT NULL DEFAULT '',
    serial         TEXT NOT NULL DEFAULT '',
    owner          TEXT NOT NULL DEFAULT '',
    location       TEXT NOT NULL DEFAULT '',
    address        TEXT NOT NULL DEFAULT '',
    status         TEXT NOT NULL DEFAULT 'in_stock'
                   CHECK (status IN ('in_stock', 'in_use', 'maintenance', 'retired', 'disposed')),
    purchased      TEXT,
    warranty_until TEXT,
    parent         TEXT REFERENCES assets(tag),
    retire_reason  TEXT NOT NULL DEFAULT '',
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    retired_at     INTEGER,
    disposed_at    INTEGER
);
CREATE INDEX assets_class ON assets(class, tag);
CREATE INDEX assets_status ON assets(status);
CREATE INDEX assets_owner ON assets(owner);
CREATE INDEX assets_location ON assets(location);
CREATE INDEX assets_serial ON assets(serial) WHERE serial <> '';
CREATE INDEX assets_parent ON assets(parent) WHERE parent IS NOT NULL;

CREATE TABLE asset_fields (
    tag   TEXT NOT NULL REFERENCES assets(tag) ON DELETE CASCADE,
    key   TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (tag, key)
) WITHOUT ROWID;
CREATE INDEX asset_fields_key_value ON asset_fields(key, value);

CREATE TABLE asset_maintenance (
    id         INTEGER PRIMARY KEY,
    tag        TEXT NOT NULL REFERENCES assets(tag),
    kind       TEXT NOT NULL CHECK (kind IN ('check', 'clean', 'repair', 'upgrade', 'other')),
    at         INTEGER NOT NULL,
    note       TEXT NOT NULL,
    result     TEXT NOT NULL DEFAULT '',
    spent_secs INTEGER,
    cost       REAL,
    actor      TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX asset_maintenance_tag ON asset_maintenance(tag, kind, at);
CREATE INDEX asset_maintenance_at ON asset_maintenance(at);

CREATE TABLE asset_tag_seq (
    prefix TEXT PRIMARY KEY,
    last   INTEGER NOT NULL
) WITHOUT ROWID;
)sql";
}

} // namespace opsctl::store
