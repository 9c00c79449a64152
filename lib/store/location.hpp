#pragma once
// Where the database is: a SQLite file's path, or a PostgreSQL URL (postgresql://... or
// postgres://...). Telling them apart is a prefix comparison, so that opening a SQLite file
// costs nothing more than it did.

#include <optional>
#include <string>
#include <string_view>

namespace opsctl::store {

/// True when `location` is a PostgreSQL URL rather than a file's path.
inline bool is_database_url(std::string_view location) {
    return location.substr(0, 13) == "postgresql://" || location.substr(0, 11) == "postgres://";
}

/// Why the PostgreSQL URL `url` cannot be used, naming no secret (it holds a password, as
/// user:password@ or a password= parameter); nullopt when it can.
std::optional<std::string> database_url_problem(std::string_view url);

/// Where a password for a PostgreSQL database belongs instead of its URL.
inline constexpr const char* k_database_password_hint =
    "keep the password in ~/.pgpass (mode 0600) or the file $PGPASSFILE names, or name a service "
    "(postgresql:///?service=opsctl) defined in ~/.pg_service.conf or $PGSERVICEFILE";

} // namespace opsctl::store
