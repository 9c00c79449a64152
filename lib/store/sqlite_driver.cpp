// The SQLite driver: the only file that names SQLite (besides the engine-specific SQL of
// the schema). See lib/store/driver.hpp for what each hook promises.

#include "lib/store/driver.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <sqlite3.h>
#include <unistd.h>

namespace opsctl::store::driver {

namespace {

DatabaseError::Kind kind_of(int code) {
    switch (code & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return DatabaseError::Kind::busy;
    case SQLITE_CONSTRAINT:
        return DatabaseError::Kind::constraint;
    case SQLITE_READONLY:
        return DatabaseError::Kind::read_only;
    case SQLITE_FULL:
        return DatabaseError::Kind::full;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
        return DatabaseError::Kind::corrupt;
    default:
        return DatabaseError::Kind::other;
    }
}

// The connection's own message for the failure, as SQLite tells it.
[[noreturn]] void fail(sqlite3* db, int code) {
    throw DatabaseError(kind_of(code), db ? sqlite3_errmsg(db) : sqlite3_errstr(code), code);
}

class SqliteStatement final : public PreparedStatement {
public:
    SqliteStatement(sqlite3* db, std::string_view sql) : m_db(db) {
        const int rc = sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &m_st, nullptr);
        if (rc != SQLITE_OK) {
            sqlite3_finalize(m_st);
            fail(db, rc);
        }
    }
    ~SqliteStatement() override { sqlite3_finalize(m_st); }
    SqliteStatement(const SqliteStatement&) = delete;
    SqliteStatement& operator=(const SqliteStatement&) = delete;

    void bind_null(int index) override { check(sqlite3_bind_null(m_st, index)); }
    void bind_int64(int index, std::int64_t value) override { check(sqlite3_bind_int64(m_st, index, value)); }
    void bind_double(int index, double value) override { check(sqlite3_bind_double(m_st, index, value)); }
    void bind_text(int index, const char* data, std::size_t size, bool copy) override {
        // SQLITE_STATIC: the row's own bytes, read at the step (no copy into SQLite's heap).
        check(sqlite3_bind_text64(m_st, index, data ? data : "", size, copy ? SQLITE_TRANSIENT : SQLITE_STATIC,
                                  SQLITE_UTF8));
    }
    int parameter_index(const char* name) override { return sqlite3_bind_parameter_index(m_st, name); }
    bool step() override {
        const int rc = sqlite3_step(m_st);
        if (rc == SQLITE_ROW) {
            return true;
        }
        if (rc == SQLITE_DONE) {
            return false;
        }
        fail(m_db, rc);
    }
    std::int64_t changes() override { return sqlite3_changes64(m_db); }
    // The code sqlite3_reset returns is the failed step's, reported by step() already.
    void reset() override { sqlite3_reset(m_st); }
    void clear_bindings() override { sqlite3_clear_bindings(m_st); }
    int column_count() override { return sqlite3_column_count(m_st); }
    bool column_is_null(int column) override { return sqlite3_column_type(m_st, column) == SQLITE_NULL; }
    ValueType column_type(int column) override {
        switch (sqlite3_column_type(m_st, column)) {
        case SQLITE_NULL:
            return ValueType::null;
        case SQLITE_INTEGER:
            return ValueType::integer;
        case SQLITE_FLOAT:
            return ValueType::real;
        default:
            return ValueType::text;
        }
    }
    std::int64_t column_int64(int column) override { return sqlite3_column_int64(m_st, column); }
    double column_double(int column) override { return sqlite3_column_double(m_st, column); }
    std::string_view column_text(int column) override {
        // As a blob: the stored bytes, without a conversion for text (numbers become text).
        const auto* data = static_cast<const char*>(sqlite3_column_blob(m_st, column));
        if (!data) {
            return {};
        }
        return {data, static_cast<std::size_t>(sqlite3_column_bytes(m_st, column))};
    }

private:
    void check(int rc) {
        if (rc != SQLITE_OK) {
            fail(m_db, rc);
        }
    }

    sqlite3* m_db;
    sqlite3_stmt* m_st = nullptr;
};

// A search phrase for FTS5: the text quoted, inner quotes doubled, so that operators typed
// by the user are taken literally.
std::string fts_phrase(const std::string& text) {
    std::string out = "\"";
    for (char c : text) {
        out += c;
        if (c == '"') {
            out += '"';
        }
    }
    return out + "\"";
}

// Code points in a UTF-8 string (continuation bytes are not counted).
std::size_t code_points(const std::string& text) {
    std::size_t n = 0;
    for (unsigned char c : text) {
        n += (c & 0xC0) != 0x80 ? 1 : 0;
    }
    return n;
}

// The distinct runs of three characters of `text` that hold no blank, at most 64 of them (a
// long title asks no more of the index than a short one).
std::vector<std::string> trigrams(const std::string& text) {
    std::vector<std::size_t> starts;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
            starts.push_back(i);
        }
    }
    starts.push_back(text.size());
    std::vector<std::string> out;
    for (std::size_t i = 0; i + 3 < starts.size() && out.size() < 64; ++i) {
        std::string gram = text.substr(starts[i], starts[i + 3] - starts[i]);
        if (gram.find_first_of(" \t\r\n") != std::string::npos ||
            std::find(out.begin(), out.end(), gram) != out.end()) {
            continue;
        }
        out.push_back(std::move(gram));
    }
    return out;
}

std::string like_pattern(const std::string& text) {
    std::string out = "%";
    for (char c : text) {
        if (c == '%' || c == '_' || c == '\\') {
            out += '\\';
        }
        out += c;
    }
    return out + "%";
}

// Runs before the first connection opens: afterwards sqlite3_config() is refused (and harmless).
// Without allocation statistics SQLite's malloc takes no global mutex; nothing reads them.
int configure_sqlite() { return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); }

// FTS5's own default for 'hashsize' (fts5_config.c, FTS5_DEFAULT_HASHSIZE).
constexpr std::int64_t k_default_hashsize = 1024 * 1024;

class SqliteConnection final : public Connection {
public:
    SqliteConnection(const std::filesystem::path& path, int busy_timeout_ms) {
        static const int configured = configure_sqlite();
        (void)configured;
        // Each connection is used by the one thread that opened it (worker threads of inspect
        // and backup never touch the database), so SQLite's per-call connection mutex is
        // pure cost: about 4% of the instructions of an import.
        const int rc = sqlite3_open_v2(path.c_str(), &m_db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
        if (rc != SQLITE_OK) {
            const DatabaseError error(kind_of(rc), m_db ? sqlite3_errmsg(m_db) : sqlite3_errstr(rc), rc);
            sqlite3_close(m_db);
            throw error;
        }
        sqlite3_busy_timeout(m_db, busy_timeout_ms);
    }
    ~SqliteConnection() override { sqlite3_close(m_db); }
    SqliteConnection(const SqliteConnection&) = delete;
    SqliteConnection& operator=(const SqliteConnection&) = delete;

    std::unique_ptr<PreparedStatement> prepare(std::string_view sql) override {
        return std::make_unique<SqliteStatement>(m_db, sql);
    }
    void exec(const char* sql) override {
        const int rc = sqlite3_exec(m_db, sql, nullptr, nullptr, nullptr);
        if (rc != SQLITE_OK) {
            fail(m_db, rc);
        }
    }
    std::int64_t last_insert_id() override { return sqlite3_last_insert_rowid(m_db); }
    std::int64_t changes() override { return sqlite3_changes64(m_db); }

    void begin_write() override { exec("BEGIN IMMEDIATE"); }
    void begin_read() override {
        exec("BEGIN");
        // A deferred transaction reads nothing until its first statement; reading a table is
        // what fixes its snapshot.
        integer("SELECT count(*) FROM sqlite_master");
    }
    void commit() override { exec("COMMIT"); }
    void rollback() noexcept override { sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr); }

    void configure() override {
        exec("PRAGMA foreign_keys = ON");
        // WAL lets readers (reports) run while cron jobs write; NORMAL sync is safe in WAL.
        if (journal_mode() != "wal") {
            exec("PRAGMA journal_mode = WAL");
        }
        exec("PRAGMA synchronous = NORMAL");
    }
    void set_page_cache_mib(int mib) override { exec(fmt::format("PRAGMA cache_size = -{}", mib * 1024).c_str()); }
    void relax_checks_for_bulk_load() override {
        exec("PRAGMA defer_foreign_keys = ON");
        exec("PRAGMA ignore_check_constraints = ON");
    }
    Stamp stamp() override {
        Stamp s;
        s.application_id = integer("PRAGMA application_id");
        s.schema_version = static_cast<int>(integer("PRAGMA user_version"));
        s.empty = s.application_id != 0 || s.schema_version != 0 || integer("SELECT count(*) FROM sqlite_master") == 0;
        return s;
    }
    void set_stamp(std::int64_t application_id, int version) override {
        if (version == 1) {
            exec(fmt::format("PRAGMA application_id = {}", application_id).c_str());
        }
        exec(fmt::format("PRAGMA user_version = {}", version).c_str());
    }
    int schema_version() override { return static_cast<int>(integer("PRAGMA user_version")); }
    void prepare_new() override {}
    std::vector<std::string> tables() override {
        SqliteStatement q(m_db, "SELECT name FROM sqlite_master WHERE type = 'table' "
                                "AND name NOT LIKE 'sqlite_%' AND sql NOT LIKE 'CREATE VIRTUAL%' "
                                "AND name NOT LIKE '%_fts_%' ORDER BY name");
        std::vector<std::string> out;
        while (q.step()) {
            out.emplace_back(q.column_text(0));
        }
        return out;
    }
    const char* id_list_sql() override { return "SELECT value FROM json_each(?1)"; }
    bool has_table(const char* name) override {
        SqliteStatement q(m_db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?");
        q.bind_text(1, name, std::string_view(name).size(), false);
        return q.step();
    }
    std::string journal_mode() override {
        SqliteStatement q(m_db, "PRAGMA journal_mode");
        return q.step() ? std::string(q.column_text(0)) : std::string();
    }
    std::int64_t data_version() override { return integer("PRAGMA data_version"); }
    std::vector<std::string> integrity_check() override {
        SqliteStatement q(m_db, "PRAGMA integrity_check");
        std::vector<std::string> lines;
        while (q.step()) {
            lines.emplace_back(q.column_text(0));
        }
        return lines;
    }
    std::vector<ForeignKeyProblem> foreign_key_check() override {
        SqliteStatement q(m_db, "PRAGMA foreign_key_check");
        std::vector<ForeignKeyProblem> out;
        while (q.step()) {
            out.push_back({std::string(q.column_text(0)), q.column_int64(1), std::string(q.column_text(2))});
        }
        return out;
    }
    int backup_to(const std::filesystem::path& target) override;
    TicketSearch ticket_search(const std::string& text) override {
        TicketSearch s;
        // Three characters or more go through the trigram index; shorter text falls back to
        // a LIKE scan of the same index table.
        s.from = "tickets_fts f JOIN tickets t ON t.id = f.rowid";
        if (code_points(text) >= 3) {
            s.condition = "tickets_fts MATCH ?";
            s.binds = {fts_phrase(text)};
        } else {
            s.condition = "(f.title LIKE ? ESCAPE '\\' OR f.body LIKE ? ESCAPE '\\' OR f.comments LIKE ? ESCAPE '\\')";
            const std::string pattern = like_pattern(text);
            s.binds = {pattern, pattern, pattern};
        }
        // Ordering by the index's own rowid lets FTS5 return matches newest first and stop at
        // the limit, instead of sorting every match (tens of thousands for a common word).
        s.newest_first = "f.rowid DESC";
        return s;
    }
    const TicketSearchSql& ticket_search_sql() override {
        static const TicketSearchSql k_sql = {
            "INSERT INTO tickets_fts (rowid, title, body, comments) VALUES (?, ?, ?, ?)",
            "UPDATE tickets_fts SET title = ?, body = ? WHERE rowid = ?",
            "UPDATE tickets_fts SET comments = comments || char(10) || ? WHERE rowid = ?",
            "SELECT rowid, title, body, comments FROM tickets_fts ORDER BY rowid",
            "DELETE FROM tickets_fts",
        };
        return k_sql;
    }
    TicketSearch known_error_search(const std::string& text) override {
        // As ticket_search(): trigrams through the index, shorter text by a LIKE scan.
        TicketSearch s;
        s.from = "known_errors_fts f JOIN known_errors k ON k.id = f.rowid";
        if (code_points(text) >= 3) {
            s.condition = "known_errors_fts MATCH ?";
            s.binds = {fts_phrase(text)};
        } else {
            s.condition = "f.text LIKE ? ESCAPE '\\'";
            s.binds = {like_pattern(text)};
        }
        s.newest_first = "f.rowid DESC";
        return s;
    }
    TicketSearch known_error_related(const std::string& text) override {
        // Any of the text's trigrams (those without a blank) in common makes a candidate;
        // FTS5's rank (BM25) puts those sharing the most, and the rarest, first.
        TicketSearch s;
        std::string query;
        for (const auto& gram : trigrams(text)) {
            query += (query.empty() ? "" : " OR ") + fts_phrase(gram);
        }
        if (query.empty()) {
            return s;
        }
        s.from = "known_errors_fts f JOIN known_errors k ON k.id = f.rowid";
        s.condition = "known_errors_fts MATCH ?";
        s.binds = {query};
        s.newest_first = "f.rank, f.rowid DESC";
        return s;
    }
    const KnownErrorSearchSql& known_error_search_sql() override {
        static const KnownErrorSearchSql k_sql = {
            "INSERT INTO known_errors_fts (rowid, text) VALUES (?1, ?2)",
            "UPDATE known_errors_fts SET text = ?1 WHERE rowid = ?2",
        };
        return k_sql;
    }
    std::optional<std::string> search_buffer() override {
        SqliteStatement q(m_db, "SELECT v FROM tickets_fts_config WHERE k = 'hashsize'");
        if (q.step()) {
            return std::string(q.column_text(0));
        }
        return std::nullopt;
    }
    void set_search_buffer(const std::optional<std::string>& value) override {
        // Through FTS5 first, so that this connection's cached setting is back too (its
        // pending terms are written at commit either way); then the row is removed again for
        // the default, leaving the table exactly as it was.
        SqliteStatement st(m_db, "INSERT INTO tickets_fts (tickets_fts, rank) VALUES ('hashsize', ?)");
        const std::string text = value.value_or(std::to_string(k_default_hashsize));
        st.bind_text(1, text.data(), text.size(), false);
        st.step();
        if (!value) {
            exec("DELETE FROM tickets_fts_config WHERE k = 'hashsize'");
        }
    }
    std::vector<std::string> columns(const std::string& table) override {
        SqliteStatement info(m_db, "SELECT name, pk, upper(type) FROM pragma_table_info(?) ORDER BY cid");
        info.bind_text(1, table.data(), table.size(), true);
        std::vector<std::string> out;
        int keys = 0;
        bool integer_key = false;
        while (info.step()) {
            out.emplace_back(info.column_text(0));
            if (info.column_int64(1) > 0) {
                ++keys;
                integer_key = info.column_text(2) == "INTEGER";
            }
        }
        // The implicit rowid carries the order rows were added in (assets are listed in it);
        // a copy keeps it, unless a column is the rowid or the table has none.
        SqliteStatement kind(m_db, "SELECT sql LIKE '%WITHOUT ROWID%' FROM sqlite_master WHERE type = 'table' "
                                   "AND name = ?");
        kind.bind_text(1, table.data(), table.size(), true);
        const bool without_rowid = kind.step() && kind.column_int64(0) != 0;
        if (!out.empty() && !without_rowid && !(keys == 1 && integer_key)) {
            out.insert(out.begin(), "rowid");
        }
        return out;
    }
    std::unique_ptr<PreparedStatement> prepare_stream(std::string_view sql) override { return prepare(sql); }
    std::unique_ptr<RowWriter> bulk_insert(const std::string& table, const std::vector<std::string>& columns) override;
    std::unique_ptr<RowWriter> bulk_insert_ticket_search() override {
        return bulk_insert("tickets_fts", {"rowid", "title", "body", "comments"});
    }
    void reset_generated_ids(const std::string&) override {
        // A rowid or INTEGER PRIMARY KEY given takes the next one past the largest by itself.
    }
    std::vector<std::string> keep_side_files() override {
        int persist = 1;
        sqlite3_file_control(m_db, "main", SQLITE_FCNTL_PERSIST_WAL, &persist);
        return {"", "-wal", "-shm"};
    }

private:
    std::int64_t integer(const char* sql) {
        SqliteStatement q(m_db, sql);
        return q.step() ? q.column_int64(0) : 0;
    }

    sqlite3* m_db = nullptr;
};

// One INSERT prepared once and run per row, its values bound column by column.
class SqliteRowWriter final : public RowWriter {
public:
    SqliteRowWriter(sqlite3* db, const std::string& table, const std::vector<std::string>& columns) {
        std::string names;
        std::string marks;
        for (const auto& c : columns) {
            names += (names.empty() ? "\"" : ", \"") + c + "\"";
            marks += marks.empty() ? "?" : ", ?";
        }
        m_insert = std::make_unique<SqliteStatement>(
            db, fmt::format("INSERT INTO \"{}\" ({}) VALUES ({})", table, names, marks));
    }
    void add_null() override { m_insert->bind_null(++m_column); }
    void add_int64(std::int64_t value) override { m_insert->bind_int64(++m_column, value); }
    void add_double(double value) override { m_insert->bind_double(++m_column, value); }
    void add_text(std::string_view value) override { m_insert->bind_text(++m_column, value.data(), value.size(), true); }
    void end_row() override {
        m_insert->step();
        m_insert->reset();
        m_column = 0;
    }
    void finish() override {}

private:
    std::unique_ptr<SqliteStatement> m_insert;
    int m_column = 0;
};

std::unique_ptr<RowWriter> SqliteConnection::bulk_insert(const std::string& table,
                                                         const std::vector<std::string>& columns) {
    return std::make_unique<SqliteRowWriter>(m_db, table, columns);
}

// Closes the copy's connection however the backup ends.
struct BackupTarget {
    sqlite3* db = nullptr;
    sqlite3_backup* backup = nullptr;
    ~BackupTarget() {
        sqlite3_backup_finish(backup);
        sqlite3_close(db);
    }
};

int SqliteConnection::backup_to(const std::filesystem::path& target) {
    BackupTarget dest;
    if (const int rc = sqlite3_open_v2(target.c_str(), &dest.db, SQLITE_OPEN_READWRITE, nullptr); rc != SQLITE_OK) {
        fail(dest.db, rc);
    }
    auto run = [&](const char* sql) {
        if (const int rc = sqlite3_exec(dest.db, sql, nullptr, nullptr, nullptr); rc != SQLITE_OK) {
            fail(dest.db, rc);
        }
    };
    // The copy is flushed once, by the caller, after SQLite is done with it.
    run("PRAGMA journal_mode = OFF");
    run("PRAGMA synchronous = OFF");
    dest.backup = sqlite3_backup_init(dest.db, "main", m_db, "main");
    if (!dest.backup) {
        fail(dest.db, sqlite3_errcode(dest.db));
    }
    // All pages in one step: one read transaction on the source, a snapshot of one moment.
    // In WAL mode that reader never blocks a writer, and no write by another connection can
    // restart the copy, as it did between the steps of step(1024) (which never finished
    // while three writers were busy).
    for (int attempt = 0;; ++attempt) {
        const int rc = sqlite3_backup_step(dest.backup, -1);
        if (rc == SQLITE_DONE) {
            break;
        }
        if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
            if (attempt < 500) {
                ::usleep(20000);
                continue;
            }
            throw DatabaseError(DatabaseError::Kind::busy, "it stayed locked", rc);
        }
        if (rc != SQLITE_OK) {
            throw DatabaseError(kind_of(rc), sqlite3_errstr(rc), rc);
        }
    }
    const int pages = sqlite3_backup_pagecount(dest.backup);
    sqlite3_backup_finish(dest.backup);
    dest.backup = nullptr;
    // The copied header says WAL; a backup file stands alone, without -wal and -shm.
    run("PRAGMA journal_mode = DELETE");
    return pages;
}

} // namespace

std::unique_ptr<Connection> open_sqlite(const std::filesystem::path& path, int busy_timeout_ms) {
    return std::make_unique<SqliteConnection>(path, busy_timeout_ms);
}

} // namespace opsctl::store::driver
