#include "lib/store/failure.hpp"

#include "lib/store/driver_statement.hpp"

#include <fmt/format.h>

namespace opsctl::store {

std::optional<Error> database_failure(const std::exception& error, const std::string& database) {
    const auto* e = dynamic_cast<const DatabaseError*>(&error);
    if (!e) {
        return std::nullopt;
    }
    const std::string subject = database.empty() ? "the database" : fmt::format("database '{}'", database);
    switch (e->kind()) {
    case DatabaseError::Kind::busy:
        return Busy(subject + " is locked by another process", "the busy timeout ran out; try again");
    case DatabaseError::Kind::conflict:
        return Busy(subject + " is being written by others: the transaction conflicted with another one",
                    "try again");
    case DatabaseError::Kind::read_only:
        return Failure(subject + " is read-only for this user",
                       "its owner writes it; site.database_group lets the group read, and "
                       "site.database_group_writes: true lets it write");
    case DatabaseError::Kind::full:
        return Failure(subject + ": disk is full");
    case DatabaseError::Kind::corrupt:
        return Failure(subject + " is damaged or not a database", e->what());
    case DatabaseError::Kind::constraint:
    case DatabaseError::Kind::other:
        break;
    }
    return Failure(fmt::format("{}: {}", subject, e->what()));
}

} // namespace opsctl::store
