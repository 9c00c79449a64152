#include "lib/store/migrations.hpp"

namespace opsctl::store {

const std::vector<Migration>& migrations() {
    // Append only: a released migration never changes, a new change is a new entry.
    static const std::vector<Migration> k_migrations = {
        {1, "core: events and settings", schema_core()},
        {2, "tickets", schema_tickets()},
        {3, "assets", schema_assets()},
        {4, "roster", schema_roster()},
        {5, "inspect", schema_inspect()},
        {6, "backup", schema_backup()},
        {7, "indexes for ticket listings", schema_indexes()},
        {8, "indexes for the monthly review", schema_report()},
        {9, "indexes for the review's asset section", schema_report_assets()},
        {10, "backup runs: values captured from a command job's output", schema_backup_captured()},
        {11, "indexes for the review read as of a month's end", schema_report_sla()},
        {12, "the deadline indexes cover the review's SLA trend", schema_report_trend()},
        {13, "who acts: events record the OS account; ticket approvals", schema_access()},
        {14, "asset custody: check-out and check-in", schema_custody()},
        {15, "the notification outbox and pages", schema_notify()},
        {16, "the review: tickets counted per hour as they change, and by type from an index", schema_tally()},
        {17, "scheduled work: the periods opened", schema_schedules()},
        {18, "known errors and the tickets they solved", schema_known_errors()},
        {19, "asset stock-takes", schema_stocktake()},
    };
    return k_migrations;
}

} // namespace opsctl::store
