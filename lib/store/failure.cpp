#include "lib/store/failure.hpp"

#include <SQLiteCpp/Exception.h>
#include <fmt/format.h>
#include <sqlite3.h>

namespace opsctl::store {

std::optional<Error> database_failure(const std::exception& error, const std::string& database) {
    const auto* e = dynamic_cast<const SQLite::Exception*>(&error);
    if (!e) {
        return std::nullopt;
    }
    const std::string subject = database.empty() ? "the database" : fmt::format("database '{}'", database);
    const int code = e->getErrorCode() & 0xff;
    if (code == SQLITE_BUSY || code == SQLITE_LOCKED) {
        return Busy(subject + " is locked by another process", "the busy timeout ran out; try again");
    }
    if (code == SQLITE_READONLY) {
        return Failure(subject + " is read-only for this user",
                       "its owner writes it; site.database_group lets the group read, and "
                       "site.database_group_writes: true lets it write");
    }
    if (code == SQLITE_FULL) {
        return Failure(subject + ": disk is full");
    }
    if (code == SQLITE_CORRUPT || code == SQLITE_NOTADB) {
        return Failure(subject + " is damaged or not a database", e->what());
    }
    return Failure(fmt::format("{}: {}", subject, e->what()));
}

} // namespace opsctl::store
