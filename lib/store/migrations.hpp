#pragma once
// Numbered, append-only schema migrations. Each runs in its own transaction that also
// bumps the schema version (SQLite: PRAGMA user_version; PostgreSQL: opsctl_schema).

#include <vector>

namespace opsctl::store {

/// One step of the schema.
struct Migration {
    int version;
    const char* name;
    const char* sql;
};

/// Every migration, in order; versions are 1, 2, 3, ...
const std::vector<Migration>& migrations();
/// The same migrations for PostgreSQL (schema_postgres.cpp): the same numbers and names.
const std::vector<Migration>& postgres_migrations();

// The SQL of each domain's first migration, one file each (schema_<domain>.cpp).
const char* schema_core();
const char* schema_tickets();
const char* schema_assets();
const char* schema_roster();
const char* schema_inspect();
const char* schema_backup();
// Later migrations, one file each.
const char* schema_indexes();
const char* schema_report();
const char* schema_report_assets();
const char* schema_backup_captured();
const char* schema_report_sla();
const char* schema_report_trend();
const char* schema_access();
const char* schema_custody();
const char* schema_notify();
const char* schema_tally();
const char* schema_schedules();
const char* schema_known_errors();
const char* schema_stocktake();

} // namespace opsctl::store
