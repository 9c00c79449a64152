#pragma once
// The database driver: what lib/store asks of a database engine. Repositories speak to it
// through store::Statement and store::Database; only a driver's own .cpp files name the
// engine (sqlite_driver.cpp is the first; no header here includes an engine's headers).
//
// Dialect hooks: what must differ per engine is this short list on driver::Connection,
// nothing else (the SQL of the repositories is one copy for every engine):
//   - pragmas:       configure() (foreign keys, journal, sync), set_page_cache_mib(),
//                    relax_checks_for_bulk_load()
//   - schema:        stamp() / set_stamp() (application id, schema version, emptiness),
//                    tables(), journal_mode(), data_version()
//   - integrity:     integrity_check(), foreign_key_check()
//   - online backup: backup_to()
//   - search:        search_buffer() / set_search_buffer() (the bulk load's in-memory index
//                    buffer, FTS5 'hashsize' on SQLite)
//   - sharing:       keep_side_files() (the files beside the database a group of
//                    readers needs)
//   - no-copy binds: PreparedStatement::bind_text(copy = false)

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace opsctl::store {

/// A failure reported by the database engine, classified so that callers never look at an
/// engine's own codes; store::database_failure turns it into the Error family (Busy, Failure).
class DatabaseError : public std::runtime_error {
public:
    enum class Kind { busy, constraint, read_only, full, corrupt, other };
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

/// One problem found by foreign_key_check().
struct ForeignKeyProblem {
    std::string table;
    std::int64_t row = 0;
    std::string parent;
};

/// What a database file says it is.
struct Stamp {
    std::int64_t application_id = 0; // 0: none set
    int schema_version = 0;
    bool empty = true;               // holds no table at all
};

/// One open connection of an engine, used by one thread.
class Connection {
public:
    virtual ~Connection() = default;
    virtual std::unique_ptr<PreparedStatement> prepare(std::string_view sql) = 0;
    /// Runs `sql` (one statement or several separated by ';'), discarding any rows.
    virtual void exec(const char* sql) = 0;
    /// The id given to the row of the last INSERT on this connection.
    virtual std::int64_t last_insert_id() = 0;
    /// Rows changed by the last INSERT, UPDATE or DELETE on this connection.
    virtual std::int64_t changes() = 0;

    /// A write transaction that takes the write lock now (or fails busy now).
    virtual void begin_write() = 0;
    /// A read transaction whose snapshot is taken now, not at its first query.
    virtual void begin_read() = 0;
    virtual void commit() = 0;
    /// Ends the transaction, undoing what it wrote; never throws.
    virtual void rollback() noexcept = 0;

    // Dialect hooks (see the list at the top of this file).
    /// Foreign keys on, the journal and sync settings opsctl runs with.
    virtual void configure() = 0;
    virtual void set_page_cache_mib(int mib) = 0;
    /// For one bulk load in the current write transaction: foreign keys checked at commit,
    /// CHECK constraints left to the caller (who checked every row already).
    virtual void relax_checks_for_bulk_load() = 0;
    /// The stamp; `empty` is only looked at when neither id nor version is set.
    virtual Stamp stamp() = 0;
    /// Within the migration's transaction: marks the file as ours at `version`.
    virtual void set_stamp(std::int64_t application_id, int version) = 0;
    virtual int schema_version() = 0;
    /// The user tables (no engine or search-index internals), by name.
    virtual std::vector<std::string> tables() = 0;
    virtual std::string journal_mode() = 0;
    /// A number that changes when another connection commits.
    virtual std::int64_t data_version() = 0;
    /// The engine's own consistency check: {"ok"} when sound, else one line per problem.
    virtual std::vector<std::string> integrity_check() = 0;
    virtual std::vector<ForeignKeyProblem> foreign_key_check() = 0;
    /// Copies the whole database, consistent as of one moment, into the empty file at
    /// `target` while others write; returns the pages (or blocks) copied. Throws Busy when
    /// it stays locked, Failure otherwise.
    virtual int backup_to(const std::filesystem::path& target) = 0;
    /// The search index `index`'s in-memory buffer setting (nullopt: the engine default).
    virtual std::optional<std::string> search_buffer(const char* index) = 0;
    /// Sets it (nullopt: back to the engine default, leaving no trace of the setting).
    virtual void set_search_buffer(const char* index, const std::optional<std::string>& value) = 0;
    /// True when the database holds a table of that name.
    virtual bool has_table(const char* name) = 0;
    /// Keeps the files the engine writes beside the database when this connection closes
    /// (so that readers without write access find them) and names their suffixes, the
    /// database file itself ("") first.
    virtual std::vector<std::string> keep_side_files() = 0;
};

/// Opens the SQLite database file at `path` (which exists), read-write, for one thread; a
/// writer waits up to `busy_timeout_ms` for the lock.
std::unique_ptr<Connection> open_sqlite(const std::filesystem::path& path, int busy_timeout_ms);

} // namespace driver

} // namespace opsctl::store
