#pragma once
// The database as a whole, for `opsctl db` and for every command that opens it: opening it
// the way the policy keeps its files, its facts, its checks and online copies.

#include "lib/core/error.hpp"
#include "lib/policy/policy.hpp"
#include "lib/store/copy.hpp"
#include "lib/store/database.hpp"
#include "lib/store/maintenance.hpp"

#include <exception>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace opsctl::setup {

/// The database a command works on.
using Database = store::Database;

/// True when `location` names a PostgreSQL database (postgresql://... or postgres://...).
bool is_database_url(std::string_view location);
/// Refuses a PostgreSQL URL that holds a password (UsageError when `from_policy` is false,
/// else ConfigError), naming `source` (the option, variable or policy key that gave it).
void check_database_url(std::string_view url, std::string_view source, bool from_policy);

/// Opens (migrating as needed) the database at `path`, creating a missing file only when
/// `create`. With `site`, the files keep its group (site.database_group, _writes).
std::unique_ptr<Database> open_database(const std::string& path, bool create, const policy::Site* site);

/// Facts about the database for `db info`.
store::DatabaseInfo database_info(Database& db);
/// Every check of `db check`: the store's (integrity, foreign keys, the event chain, file
/// modes, with the policy's database group allowed), and that no one else may write the policy.
std::vector<store::CheckFinding> check_database(Database& db, const policy::Policy& policy);
/// Rebuilds derived data found wrong (store::repair_database): how many rows were wrong.
std::int64_t repair_database(Database& db);
/// Copies the database online into `target`; returns the number of pages copied.
int backup_database(Database& db, const std::filesystem::path& target);

/// Copies the whole database at `from` (a file or a PostgreSQL URL, at this binary's schema
/// version) into `to`: a missing file is created, an empty PostgreSQL database is given the
/// schema (as init does). Refuses the same database twice (UsageError) and a destination that
/// holds any row unless `replace` (DataError). A file created here is removed again when the
/// copy fails. With `site`, a created file keeps its group.
store::CopyResult copy_database(const std::string& from, const std::string& to, bool replace,
                                const policy::Site* site);

/// The Error (with its exit status: busy is 75) for a database failure that escaped lib/;
/// nullopt when `e` is none.
std::optional<Error> database_failure(const std::exception& e);

} // namespace opsctl::setup
