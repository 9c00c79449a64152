#pragma once
// A prepared statement of the repositories: bind, step, read columns, over whichever driver
// the Database was opened with (lib/store/driver.hpp). Nothing here allocates per bind or
// per column read, except as_string() (which returns a string).

#include "lib/store/driver_statement.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace opsctl::store {

class Database;

/// One column of the current row; valid until the statement steps or resets.
class Column {
public:
    Column(driver::PreparedStatement& st, int index) : m_st(&st), m_index(index) {}
    bool is_null() const { return m_st->column_is_null(m_index); }
    ValueType type() const { return m_st->column_type(m_index); }
    std::int64_t as_int64() const { return m_st->column_int64(m_index); }
    int as_int() const { return static_cast<int>(m_st->column_int64(m_index)); }
    double as_double() const { return m_st->column_double(m_index); }
    /// The text (empty for NULL); the view lives until the statement steps or resets.
    std::string_view as_text() const { return m_st->column_text(m_index); }
    std::string as_string() const { return std::string(m_st->column_text(m_index)); }

private:
    driver::PreparedStatement* m_st;
    int m_index;
};

/// A statement prepared on a Database. Parameters count from 1 (or are named ":name"),
/// columns from 0. Throws DatabaseError on failures.
class Statement {
public:
    Statement(Database& db, std::string_view sql);
    explicit Statement(std::unique_ptr<driver::PreparedStatement> st) : m_st(std::move(st)) {}

    void bind(int index) { m_st->bind_null(index); }
    void bind(int index, int value) { m_st->bind_int64(index, value); }
    void bind(int index, unsigned value) { m_st->bind_int64(index, value); }
    void bind(int index, std::int64_t value) { m_st->bind_int64(index, value); }
    void bind(int index, double value) { m_st->bind_double(index, value); }
    /// Text binds copy the value (a temporary may go away before the step)...
    void bind(int index, const std::string& value) { m_st->bind_text(index, value.data(), value.size(), true); }
    void bind(int index, std::string_view value) { m_st->bind_text(index, value.data(), value.size(), true); }
    void bind(int index, const char* value) { bind(index, std::string_view(value)); }
    /// ...these do not: `value` must stay alive and unchanged until the statement has been
    /// stepped and is bound again or destroyed.
    void bind_no_copy(int index, const std::string& value) {
        m_st->bind_text(index, value.data(), value.size(), false);
    }
    void bind_no_copy(int index, std::string_view value) { m_st->bind_text(index, value.data(), value.size(), false); }
    void bind_no_copy(int index, const char* value) { bind_no_copy(index, std::string_view(value)); }
    void bind_no_copy(int index, std::string&&) = delete;

    /// Named parameters (":name"), as above.
    template <typename... Value>
    void bind(const char* name, const Value&... value) {
        bind(named(name), value...);
    }

    /// The next row: true when there is one, false when the statement is done.
    bool step() { return m_st->step(); }
    /// Runs a statement that returns no rows; the rows it changed.
    int exec();
    /// Back to before the first step, bindings kept.
    void reset() { m_st->reset(); }
    void clear_bindings() { m_st->clear_bindings(); }

    Column column(int index) { return Column(*m_st, index); }
    int column_count() { return m_st->column_count(); }

private:
    int named(const char* name);

    std::unique_ptr<driver::PreparedStatement> m_st;
};

} // namespace opsctl::store
