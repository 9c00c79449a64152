#pragma once
// The one database: opening, locking, transactions and schema migrations, over the driver
// of lib/store/driver.hpp (SQLite for a file, PostgreSQL for a postgresql:// URL).

#include "lib/store/statement.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>

namespace opsctl::store {

namespace driver {
class Connection; // lib/store/driver.hpp
}

/// How to open the database.
struct OpenOptions {
    bool create = true;           // create (mode 0600) and migrate a missing file
    bool migrate = true;          // bring an older schema up to date
    int busy_timeout_ms = 10000;  // how long a writer waits for the lock ($OPSCTL_BUSY_TIMEOUT overrides)
    std::string group;            // when set, files are made group-readable (0640) by this group
    bool group_writes = false;    // with `group`: group-writable too (0660, its folder 0770)
};

/// An open opsctl database: WAL, foreign keys, busy timeout, schema checked.
class Database {
public:
    /// Opens the database at `path`, a SQLite file or a PostgreSQL URL (store/location.hpp:
    /// postgresql://...; refused with UsageError when it holds a password); throws Failure,
    /// Busy, NotFound or DataError with a clear message (not an opsctl database, newer than
    /// this binary, cannot create). Only `create` makes the schema in an empty PostgreSQL
    /// database (init), after checking that its locale can hold Chinese text.
    static std::unique_ptr<Database> open(const std::filesystem::path& path, const OpenOptions& options = {});
    ~Database();

    /// The driver's connection, for its dialect hooks (lib/store only; lib/store/driver.hpp).
    driver::Connection& connection() { return *m_db; }
    /// Runs `sql` (one statement or several), discarding any rows.
    void exec(const char* sql);
    /// The first column of the first row of `sql` as an integer (0 when there is no row).
    std::int64_t select_int64(std::string_view sql);
    /// The id given to the row of the last INSERT on this connection.
    std::int64_t last_insert_id();
    /// Rows changed by the last INSERT, UPDATE or DELETE on this connection.
    std::int64_t changes();
    /// How long a writer waits for the lock, in milliseconds (the open option or
    /// $OPSCTL_BUSY_TIMEOUT); retries after conflicts stay within it too.
    int busy_timeout_ms() const { return m_busy_timeout_ms; }
    /// The file's path, or the PostgreSQL URL (which holds no password).
    const std::filesystem::path& path() const { return m_path; }
    /// True on PostgreSQL, false on a SQLite file.
    bool is_postgres() const { return m_postgres; }
    /// The schema version stored in the database (SQLite: PRAGMA user_version).
    int schema_version();
    /// The hash of the newest event, cached for the life of a write transaction.
    std::string& last_event_hash_cache() { return m_last_hash; }
    bool& last_event_hash_known() { return m_last_hash_known; }
    /// The OS account that every event written through this connection records (empty: none).
    void set_account(std::string account) { m_account = std::move(account); }
    const std::string& account() const { return m_account; }
    /// The first event of this write transaction still to be sealed with record digests (0: none).
    std::int64_t& first_unsealed_event() { return m_first_unsealed; }
    /// Lets this connection keep up to `mib` MiB of pages (SQLite's default is 2 MiB), for a
    /// command that reads or writes much of the file: a bulk import, the monthly review.
    void set_page_cache_mib(int mib);
    /// Begins a read transaction and takes its snapshot now, not at its first query: the
    /// connection then sees the database as it is at this call (WAL) until it is closed.
    void begin_read_snapshot();
    /// Opens another connection on the same file (never creating or migrating it), for a
    /// reader on another thread: each connection is used by one thread only.
    std::unique_ptr<Database> open_twin() const;
    /// A statement prepared once per connection for `sql`, reset with its bindings cleared
    /// (for statements run once per change, such as the events INSERT).
    Statement& cached(std::string_view sql);

private:
    Database(const std::filesystem::path& path, std::unique_ptr<driver::Connection> connection);
    void migrate();

    std::filesystem::path m_path;
    bool m_postgres = false;
    int m_busy_timeout_ms = 0;
    std::unique_ptr<driver::Connection> m_db;
    std::string m_last_hash;
    bool m_last_hash_known = false;
    std::string m_account;
    std::int64_t m_first_unsealed = 0;
    // Declared after m_db so that the statements are finalized before the connection closes.
    std::map<std::string, std::unique_ptr<Statement>, std::less<>> m_statements;
};

/// A write transaction begun with BEGIN IMMEDIATE, so that the lock is taken (or the busy
/// error raised) before anything is read. Rolled back unless commit() is called.
class WriteTransaction {
public:
    explicit WriteTransaction(Database& db);
    ~WriteTransaction();
    WriteTransaction(const WriteTransaction&) = delete;
    WriteTransaction& operator=(const WriteTransaction&) = delete;
    void commit();

private:
    Database& m_db;
    bool m_done = false;
};

/// How often write_transaction() runs a transaction that keeps conflicting before it gives up.
inline constexpr int k_write_attempts = 8;

/// The retries of one write_transaction(): counts the attempts and waits between them.
class ConflictRetry {
public:
    explicit ConflictRetry(Database& db);
    /// After `e` ended an attempt: false when `e` is no conflict (the caller rethrows it);
    /// true after a short jittered pause when another attempt fits in the attempts and the
    /// busy timeout; Busy (75) when none does.
    bool again(const DatabaseError& e);

private:
    Database& m_db;
    int m_attempt = 0;
    std::int64_t m_started_ms = 0;
};

/// Runs `work()` in one WriteTransaction and commits it; returns what `work` returns. When
/// the engine reports a conflict with another transaction (DatabaseError::Kind::conflict:
/// PostgreSQL's serialization failure 40001 or deadlock 40P01), the transaction is rolled
/// back and `work` runs again from its start, up to k_write_attempts times, each after a
/// short jittered pause and all within the busy timeout; then Busy (exit 75). So `work`
/// must be re-runnable: it reads what it needs inside, changes nothing but the database
/// (what it makes, it returns), and what follows the commit (notifications sent) comes after
/// this call.
template <typename Work>
auto write_transaction(Database& db, Work&& work) {
    ConflictRetry retry(db);
    for (;;) {
        try {
            WriteTransaction tx(db);
            if constexpr (std::is_void_v<decltype(work())>) {
                work();
                tx.commit();
                return;
            } else {
                auto result = work();
                tx.commit();
                return result;
            }
        } catch (const DatabaseError& e) {
            if (!retry.again(e)) {
                throw;
            }
        }
    }
}

/// A read transaction for the life of the object, its snapshot taken at once
/// (Database::begin_read_snapshot): every query in it sees the database as it was then, even
/// while other processes write. Ended when destroyed (it writes nothing).
class ReadTransaction {
public:
    explicit ReadTransaction(Database& db);
    ~ReadTransaction();
    ReadTransaction(const ReadTransaction&) = delete;
    ReadTransaction& operator=(const ReadTransaction&) = delete;

private:
    Database& m_db;
};

/// Two read transactions, on a connection and on a twin of it (Database::open_twin), that see
/// the same snapshot: the twin's snapshot is taken before and again after the first one's, and
/// kept only when no other connection committed in between (PRAGMA data_version unchanged).
/// For a report that reads on two threads what it would read in one transaction. Both end
/// when destroyed.
class SharedReadTransaction {
public:
    SharedReadTransaction(Database& db, Database& twin);
    ~SharedReadTransaction();
    SharedReadTransaction(const SharedReadTransaction&) = delete;
    SharedReadTransaction& operator=(const SharedReadTransaction&) = delete;

private:
    Database& m_db;
    Database& m_twin;
};

/// The schema version this binary writes.
int current_schema_version();

/// Turns a driver's "busy" failure into the Busy error (exit 75), others into Failure.
[[noreturn]] void rethrow_database_error(const DatabaseError& e, const std::filesystem::path& path);

} // namespace opsctl::store
