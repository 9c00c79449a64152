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
//                    prepare_new() (checks and driver tables before the first migration),
//                    tables(), journal_mode(), data_version()
//   - integrity:     integrity_check(), foreign_key_check()
//   - online backup: backup_to()
//   - search:        ticket_search() (how a query finds tickets by text),
//                    known_error_search(), known_error_related(), known_error_search_sql()
//                    (the same for known errors),
//                    ticket_search_sql() (the statements that keep the index in step),
//                    search_buffer() / set_search_buffer() (the bulk load's in-memory index
//                    buffer, FTS5 'hashsize' on SQLite)
//   - id lists:      id_list_sql() (the ids of a JSON array parameter, as rows)
//   - sharing:       keep_side_files() (the files beside the database a group of
//                    readers needs)
//   - no-copy binds: PreparedStatement::bind_text(copy = false)
//   - whole copies:  columns(), prepare_stream() (a whole table read in batches),
//                    bulk_insert() (PostgreSQL: COPY FROM STDIN), bulk_insert_ticket_search(),
//                    reset_generated_ids(),
//                    TicketSearchSql::rows and ::clear (the search index read and emptied)

#include "lib/store/driver_statement.hpp"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace opsctl::store::driver {

/// One problem found by foreign_key_check().
struct ForeignKeyProblem {
    std::string table;
    std::int64_t row = 0;
    std::string parent;
};

/// How a ticket query finds tickets by text (SQLite: the FTS5 trigram table tickets_fts).
struct TicketSearch {
    std::string from;              // replaces "tickets t": the index joined to tickets t
    std::string condition;         // for the WHERE clause; its parameters are `binds`, in order
    std::vector<std::string> binds;
    std::string newest_first;      // the ORDER BY that returns matches newest first cheaply
    std::vector<std::string> order_binds; // the parameters of newest_first, if it has any
};

/// The statements that keep the known error search index in step with the known errors.
struct KnownErrorSearchSql {
    const char* insert; // (id, text)
    const char* update; // (text, id)
};

/// The statements that keep the ticket search index in step with the tickets.
struct TicketSearchSql {
    const char* insert;         // (id, title, body, comments)
    const char* update;         // (title, body, id)
    const char* append_comment; // (comment text, id)
    const char* rows;           // every entry as (id, title, body, comments), by id
    const char* clear;          // removes every entry
};

/// Rows written in bulk into one table, column by column in the order given to
/// Connection::bulk_insert(), inside the caller's write transaction.
class RowWriter {
public:
    virtual ~RowWriter() = default;
    virtual void add_null() = 0;
    virtual void add_int64(std::int64_t value) = 0;
    virtual void add_double(double value) = 0;
    virtual void add_text(std::string_view value) = 0;
    /// Ends the row (every column given).
    virtual void end_row() = 0;
    /// Writes what is left and reports any failure; without it the rows are not all written.
    virtual void finish() = 0;
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
    /// Before the first migration of an empty database (init): refuses a database that
    /// cannot hold opsctl's data (PostgreSQL: not UTF-8, or a C/POSIX LC_CTYPE) and creates
    /// what the driver keeps for itself (PostgreSQL: the stamp and lock row, opsctl_schema).
    virtual void prepare_new() = 0;
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
    /// The search for `text` (never empty), every character of it taken literally.
    virtual TicketSearch ticket_search(const std::string& text) = 0;
    virtual const TicketSearchSql& ticket_search_sql() = 0;
    /// The search for known errors holding `text` (never empty), taken literally; `from`
    /// joins the index to "known_errors k".
    virtual TicketSearch known_error_search(const std::string& text) = 0;
    /// Candidates for known errors that share words with `text` (a new ticket's title), the
    /// likeliest first (the caller scores them); an empty `from` when the text is too short.
    virtual TicketSearch known_error_related(const std::string& text) = 0;
    virtual const KnownErrorSearchSql& known_error_search_sql() = 0;
    /// The ticket search index's in-memory buffer setting (nullopt: the engine default).
    virtual std::optional<std::string> search_buffer() = 0;
    /// Sets it (nullopt: back to the engine default, leaving no trace of the setting).
    virtual void set_search_buffer(const std::optional<std::string>& value) = 0;
    /// A subquery yielding, as the column `value`, the integers of the JSON array bound to
    /// parameter ?1 (SQLite: json_each; PostgreSQL: json_array_elements_text).
    virtual const char* id_list_sql() = 0;
    /// True when the database holds a table of that name.
    virtual bool has_table(const char* name) = 0;
    /// The columns of user table `table`, in order, as a whole copy reads and writes them
    /// (SQLite: a table with a rowid that no INTEGER PRIMARY KEY names has "rowid" first).
    virtual std::vector<std::string> columns(const std::string& table) = 0;
    /// A query that reads a whole table: its rows come in batches (PostgreSQL: a cursor of
    /// the current transaction) instead of all at once. Only step() and the columns.
    virtual std::unique_ptr<PreparedStatement> prepare_stream(std::string_view sql) = 0;
    /// Writes rows into `columns` of `table` in bulk (PostgreSQL: COPY FROM STDIN; SQLite:
    /// one prepared INSERT), inside the current write transaction.
    virtual std::unique_ptr<RowWriter> bulk_insert(const std::string& table,
                                                   const std::vector<std::string>& columns) = 0;
    /// Writes search index entries (id, title, body, comments) in bulk, inside the current
    /// write transaction (SQLite: into tickets_fts; PostgreSQL: COPY, then the bigrams).
    virtual std::unique_ptr<RowWriter> bulk_insert_ticket_search() = 0;
    /// After rows were written into `table` with their generated ids given: the next id
    /// generated follows the largest there (PostgreSQL: each identity's sequence; SQLite
    /// does so itself).
    virtual void reset_generated_ids(const std::string& table) = 0;
    /// Keeps the files the engine writes beside the database when this connection closes
    /// (so that readers without write access find them) and names their suffixes, the
    /// database file itself ("") first.
    virtual std::vector<std::string> keep_side_files() = 0;
};

/// Opens the SQLite database file at `path` (which exists), read-write, for one thread; a
/// writer waits up to `busy_timeout_ms` for the lock.
std::unique_ptr<Connection> open_sqlite(const std::filesystem::path& path, int busy_timeout_ms);

/// Connects to the PostgreSQL database of `url` (a postgresql:// URL without a password),
/// loading libpq on first use; lock waits end after `busy_timeout_ms` (0: at once).
std::unique_ptr<Connection> open_postgres(const std::string& url, int busy_timeout_ms);

/// A statement's SQL with SQLite's placeholders (?, ?N, :name, @name) as PostgreSQL's $N,
/// outside string literals, quoted names and comments, leaving `::` casts alone.
struct PostgresSql {
    std::string text;
    std::vector<std::pair<std::string, int>> names; // ":name" -> its number
    int parameters = 0;                             // the largest number used
    std::vector<bool> used;                         // [N - 1]: whether $N occurs at all
};
PostgresSql translate_placeholders(std::string_view sql);

/// The tables whose key is a generated `id` (an identity column; tickets: a trigger): an
/// INSERT into one gets RETURNING id from the driver, so that last_insert_id() costs no
/// second round trip (lastval() would, and would name whichever sequence ran last). A new
/// table with a generated id is added here too.
const std::vector<const char*>& postgres_generated_id_tables();

} // namespace opsctl::store::driver
