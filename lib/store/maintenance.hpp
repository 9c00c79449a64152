#pragma once
// Looking after the database file: facts, checks, online copies.

#include "lib/store/database.hpp"

#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace opsctl::store {

/// Facts about the database for `db info`.
struct DatabaseInfo {
    std::string path;
    std::uintmax_t size_bytes = 0;     // main file plus WAL
    int schema_version = 0;
    int binary_schema_version = 0;
    std::string journal_mode;
    std::vector<std::pair<std::string, std::int64_t>> row_counts; // table -> rows
};
DatabaseInfo database_info(Database& db);

/// One finding of `db check`.
struct CheckFinding {
    std::string check;   // "integrity", "foreign_keys", "events", "records", "tally", "permissions"
    bool ok = true;
    std::string detail;
};
/// Runs SQLite's integrity and foreign-key checks, verifies the event hash chain, the records
/// against their events, the review's ticket tally against the tickets, and the file
/// permissions (nothing writable by others; 0600 unless a group is allowed).
std::vector<CheckFinding> check_database(Database& db, bool group_allowed);

/// Rebuilds what is derived from the records and found wrong (today the ticket tally), in
/// one write transaction; records and events are not touched. Returns how many of its
/// rows were wrong (0: nothing was written).
std::int64_t repair_database(Database& db);

/// Copies the database through SQLite's online backup API into `target` (written to a
/// temporary name, flushed and renamed); consistent while other processes write.
/// Returns the number of pages copied.
int backup_database(Database& db, const std::filesystem::path& target);

} // namespace opsctl::store
