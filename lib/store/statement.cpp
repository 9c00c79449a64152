#include "lib/store/statement.hpp"
#include "lib/store/driver.hpp"

#include "lib/store/database.hpp"

#include <fmt/format.h>

namespace opsctl::store {

Statement::Statement(Database& db, std::string_view sql) : m_st(db.connection().prepare(sql)) {}

int Statement::exec() {
    // A statement run for its effect that returns a row is a mistake in our SQL: say so
    // instead of leaving it half-run.
    if (m_st->step()) {
        throw DatabaseError(DatabaseError::Kind::other, "a statement run for its effect returned rows");
    }
    return static_cast<int>(m_st->changes());
}

int Statement::named(const char* name) {
    const int index = m_st->parameter_index(name);
    if (index == 0) {
        throw DatabaseError(DatabaseError::Kind::other, fmt::format("no parameter '{}' in the statement", name));
    }
    return index;
}

} // namespace opsctl::store
