#pragma once
// What every repository sees of the database driver (lib/store/driver.hpp): a prepared
// statement and the failures an engine reports. No engine header here either.

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace opsctl::store {

/// A failure reported by the database engine, classified so that callers never look at an
/// engine's own codes; store::database_failure turns it into the Error family (Busy, Failure).
class DatabaseError : public std::runtime_error {
public:
    /// conflict: the transaction lost a race with another one and may simply run again from
    /// its start (PostgreSQL: serialization failure 40001, deadlock 40P01; never on SQLite).
    enum class Kind { busy, conflict, constraint, read_only, full, corrupt, other };
    DatabaseError(Kind kind, const std::string& message, int code = 0)
        : std::runtime_error(message), m_kind(kind), m_code(code) {}
    Kind kind() const { return m_kind; }
    /// The engine's own code, for diagnostics only.
    int code() const { return m_code; }

private:
    Kind m_kind;
    int m_code;
};

/// The type of a column's value in the current row.
enum class ValueType { null, integer, real, text };

namespace driver {

/// One prepared statement of an engine. Parameters count from 1, columns from 0. A column's
/// text stays valid until the next step, reset or column call of another type on it.
class PreparedStatement {
public:
    virtual ~PreparedStatement() = default;
    virtual void bind_null(int index) = 0;
    virtual void bind_int64(int index, std::int64_t value) = 0;
    virtual void bind_double(int index, double value) = 0;
    /// copy = false: the caller keeps `size` bytes at `data` alive until the statement is
    /// stepped, reset and bound again (SQLite binds them without a copy).
    virtual void bind_text(int index, const char* data, std::size_t size, bool copy) = 0;
    /// The index of a named parameter (":name"); 0 when the statement has none of that name.
    virtual int parameter_index(const char* name) = 0;
    /// Runs the statement to its next row: true when there is one, false when done.
    virtual bool step() = 0;
    /// Rows changed by the last INSERT, UPDATE or DELETE this statement ran.
    virtual std::int64_t changes() = 0;
    /// Back to before the first step; the bindings stay.
    virtual void reset() = 0;
    virtual void clear_bindings() = 0;
    virtual int column_count() = 0;
    virtual bool column_is_null(int column) = 0;
    /// The value's own type (a blob counts as text).
    virtual ValueType column_type(int column) = 0;
    virtual std::int64_t column_int64(int column) = 0;
    virtual double column_double(int column) = 0;
    /// The column as text (a number as its decimal text, NULL as empty).
    virtual std::string_view column_text(int column) = 0;
};

} // namespace driver

} // namespace opsctl::store
