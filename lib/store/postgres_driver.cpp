// The PostgreSQL driver: libpq, opened with dlopen on the first connection to a
// postgresql:// URL (lib/util/dynlib.hpp), so that SQLite commands never load it. The few
// libpq functions it calls are declared here, from libpq's stable C interface (libpq5), so
// that no libpq header is needed to build. See lib/store/driver.hpp for what each hook
// promises; the schema it expects is postgres_migrations() (schema_postgres.cpp).

#include "lib/store/driver.hpp"

#include "lib/core/error.hpp"
#include "lib/util/dynlib.hpp"
#include "lib/util/process.hpp"

#include <charconv>
#include <cstdlib>
#include <cstring>
#include <fmt/format.h>
#include <functional>
#include <map>
#include <mutex>
#include <unistd.h>

namespace opsctl::store::driver {

namespace {

// libpq's interface, as libpq-fe.h declares it (PostgreSQL 10 and later, unchanged since).
struct PGconn;
struct PGresult;
using Oid = unsigned int;
constexpr int k_connection_ok = 0;      // ConnStatusType CONNECTION_OK
constexpr int k_command_ok = 1;         // ExecStatusType PGRES_COMMAND_OK
constexpr int k_tuples_ok = 2;          // PGRES_TUPLES_OK
constexpr int k_copy_in = 4;            // PGRES_COPY_IN
constexpr int k_diag_sqlstate = 'C';    // PG_DIAG_SQLSTATE
constexpr int k_diag_message = 'M';     // PG_DIAG_MESSAGE_PRIMARY
constexpr int k_diag_detail = 'D';      // PG_DIAG_MESSAGE_DETAIL
using NoticeProcessor = void (*)(void*, const char*);

// Type OIDs of pg_type (fixed since PostgreSQL 7).
constexpr Oid k_bool = 16;
constexpr Oid k_int8 = 20;
constexpr Oid k_int2 = 21;
constexpr Oid k_int4 = 23;
constexpr Oid k_text = 25;
constexpr Oid k_oid = 26;
constexpr Oid k_float4 = 700;
constexpr Oid k_float8 = 701;
constexpr Oid k_numeric = 1700;

struct Libpq {
    PGconn* (*connectdb_params)(const char* const* keywords, const char* const* values, int expand_dbname);
    int (*status)(const PGconn*);
    char* (*error_message)(const PGconn*);
    void (*finish)(PGconn*);
    NoticeProcessor (*set_notice_processor)(PGconn*, NoticeProcessor, void*);
    PGresult* (*exec)(PGconn*, const char*);
    PGresult* (*exec_params)(PGconn*, const char*, int, const Oid*, const char* const*, const int*, const int*, int);
    PGresult* (*prepare)(PGconn*, const char*, const char*, int, const Oid*);
    PGresult* (*exec_prepared)(PGconn*, const char*, int, const char* const*, const int*, const int*, int);
    int (*result_status)(const PGresult*);
    char* (*result_error_field)(const PGresult*, int);
    void (*clear)(PGresult*);
    int (*ntuples)(const PGresult*);
    int (*nfields)(const PGresult*);
    char* (*getvalue)(const PGresult*, int, int);
    int (*getlength)(const PGresult*, int, int);
    int (*getisnull)(const PGresult*, int, int);
    Oid (*ftype)(const PGresult*, int);
    char* (*cmd_tuples)(PGresult*);
    int (*put_copy_data)(PGconn*, const char*, int);
    int (*put_copy_end)(PGconn*, const char*);
    PGresult* (*get_result)(PGconn*);
};

// Loaded once, on the first connection (thread-safe: a function-local static).
const Libpq& libpq() {
    static const Libpq api = [] {
        const util::DynamicLibrary lib("libpq.so.5", "a PostgreSQL database", "libpq5");
        Libpq p{};
        lib.bind(p.connectdb_params, "PQconnectdbParams");
        lib.bind(p.status, "PQstatus");
        lib.bind(p.error_message, "PQerrorMessage");
        lib.bind(p.finish, "PQfinish");
        lib.bind(p.set_notice_processor, "PQsetNoticeProcessor");
        lib.bind(p.exec, "PQexec");
        lib.bind(p.exec_params, "PQexecParams");
        lib.bind(p.prepare, "PQprepare");
        lib.bind(p.exec_prepared, "PQexecPrepared");
        lib.bind(p.result_status, "PQresultStatus");
        lib.bind(p.result_error_field, "PQresultErrorField");
        lib.bind(p.clear, "PQclear");
        lib.bind(p.ntuples, "PQntuples");
        lib.bind(p.nfields, "PQnfields");
        lib.bind(p.getvalue, "PQgetvalue");
        lib.bind(p.getlength, "PQgetlength");
        lib.bind(p.getisnull, "PQgetisnull");
        lib.bind(p.ftype, "PQftype");
        lib.bind(p.cmd_tuples, "PQcmdTuples");
        lib.bind(p.put_copy_data, "PQputCopyData");
        lib.bind(p.put_copy_end, "PQputCopyEnd");
        lib.bind(p.get_result, "PQgetResult");
        return p;
    }();
    return api;
}

// A result, cleared however the caller leaves.
class Result {
public:
    Result() = default;
    explicit Result(PGresult* r) : m_r(r) {}
    ~Result() { reset(); }
    Result(Result&& o) noexcept : m_r(o.m_r) { o.m_r = nullptr; }
    Result& operator=(Result&& o) noexcept {
        if (this != &o) {
            reset();
            m_r = o.m_r;
            o.m_r = nullptr;
        }
        return *this;
    }
    Result(const Result&) = delete;
    Result& operator=(const Result&) = delete;
    void reset() {
        if (m_r) {
            libpq().clear(m_r);
            m_r = nullptr;
        }
    }
    PGresult* get() const { return m_r; }

private:
    PGresult* m_r = nullptr;
};

DatabaseError::Kind kind_of(std::string_view state) {
    // Serialization failures and deadlocks: the transaction may simply run again from its
    // start (store::write_transaction does, a few times).
    if (state == "40001" || state == "40P01") {
        return DatabaseError::Kind::conflict;
    }
    // A lock that waited past lock_timeout, a statement cancelled by a timeout: try again later.
    if (state == "55P03" || state == "57014") {
        return DatabaseError::Kind::busy;
    }
    if (state.substr(0, 2) == "23") {
        return DatabaseError::Kind::constraint;
    }
    if (state == "25006") {
        return DatabaseError::Kind::read_only;
    }
    if (state == "53100") {
        return DatabaseError::Kind::full;
    }
    if (state == "XX001" || state == "XX002") {
        return DatabaseError::Kind::corrupt;
    }
    return DatabaseError::Kind::other;
}

// The SQLSTATE as a number (its five characters in base 36), for DatabaseError::code().
int code_of(std::string_view state) {
    int code = 0;
    for (char c : state) {
        code = code * 36 + (c >= '0' && c <= '9' ? c - '0' : (c >= 'A' && c <= 'Z' ? c - 'A' + 10 : 0));
    }
    return code;
}

std::string trimmed(const char* text) {
    std::string s = text ? text : "";
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) {
        s.pop_back();
    }
    return s;
}

// Throws the failure `r` reports (or the connection's, when there is no result).
[[noreturn]] void fail(PGconn* conn, const Result& r) {
    const auto& pq = libpq();
    const char* state = r.get() ? pq.result_error_field(r.get(), k_diag_sqlstate) : nullptr;
    std::string message;
    if (r.get()) {
        message = trimmed(pq.result_error_field(r.get(), k_diag_message));
        if (const char* detail = pq.result_error_field(r.get(), k_diag_detail); detail && *detail) {
            message += " (" + trimmed(detail) + ")";
        }
    }
    if (message.empty()) {
        message = trimmed(pq.error_message(conn));
    }
    const std::string_view sqlstate = state ? state : "";
    throw DatabaseError(kind_of(sqlstate), message.empty() ? "the server closed the connection" : message,
                        code_of(sqlstate));
}

// Runs a whole result through the checks: a failure throws, rows or a command are kept.
Result checked(PGconn* conn, PGresult* raw) {
    Result r(raw);
    const int status = raw ? libpq().result_status(raw) : -1;
    if (status != k_command_ok && status != k_tuples_ok) {
        fail(conn, r);
    }
    return r;
}

bool is_ident(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           static_cast<unsigned char>(c) >= 0x80;
}

bool has_generated_id(std::string_view table) {
    for (const char* t : postgres_generated_id_tables()) {
        if (table == t) {
            return true;
        }
    }
    return false;
}

// "INSERT INTO <table>" at the start of `sql` (after blanks): the table, else empty.
std::string_view insert_target(std::string_view sql) {
    std::size_t i = sql.find_first_not_of(" \t\r\n");
    if (i == std::string_view::npos) {
        return {};
    }
    auto word = [&]() -> std::string_view {
        i = sql.find_first_not_of(" \t\r\n", i);
        if (i == std::string_view::npos) {
            return {};
        }
        const std::size_t start = i;
        while (i < sql.size() && is_ident(sql[i])) {
            ++i;
        }
        return sql.substr(start, i - start);
    };
    auto iequals = [](std::string_view a, std::string_view b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (std::size_t k = 0; k < a.size(); ++k) {
            if (std::tolower(static_cast<unsigned char>(a[k])) != b[k]) {
                return false;
            }
        }
        return true;
    };
    if (!iequals(word(), "insert") || !iequals(word(), "into")) {
        return {};
    }
    return word();
}

bool mentions_returning(std::string_view sql) {
    for (std::size_t i = 0; i + 9 <= sql.size(); ++i) {
        if ((i == 0 || !is_ident(sql[i - 1])) && (i + 9 == sql.size() || !is_ident(sql[i + 9]))) {
            bool match = true;
            for (std::size_t k = 0; k < 9 && match; ++k) {
                match = std::tolower(static_cast<unsigned char>(sql[i + k])) == "returning"[k];
            }
            if (match) {
                return true;
            }
        }
    }
    return false;
}

void ignore_notice(void*, const char*) {}

// Parameter `number` as it goes after `sql`: "$N", or after LIMIT an expression that reads a
// negative value as no limit, as SQLite does (PostgreSQL refuses a negative LIMIT; NULL is
// none there).
std::string limit_parameter(const std::string& sql, int number) {
    std::size_t end = sql.size();
    while (end > 0 && (sql[end - 1] == ' ' || sql[end - 1] == '\n' || sql[end - 1] == '\t')) {
        --end;
    }
    bool after_limit = end >= 5 && (end == 5 || !is_ident(sql[end - 6]));
    for (std::size_t k = 0; after_limit && k < 5; ++k) {
        after_limit = std::toupper(static_cast<unsigned char>(sql[end - 5 + k])) == "LIMIT"[k];
    }
    if (after_limit) {
        return fmt::format("NULLIF(GREATEST(${}::bigint, -1), -1)", number);
    }
    return fmt::format("${}", number);
}

} // namespace

const std::vector<const char*>& postgres_generated_id_tables() {
    // unit_pg compares this list with the schema's identity columns.
    static const std::vector<const char*> k_tables = {
        "events",           "tickets",          "ticket_comments",   "ticket_approvals", "asset_maintenance",
        "roster_overrides", "roster_handovers", "roster_attendance", "inspect_runs",     "inspect_results",
        "backup_runs",      "backup_verifications", "backup_restores", "backup_prunes",   "asset_custody",
        "notifications",    "pages",            "known_errors",     "asset_audits",
    };
    return k_tables;
}

PostgresSql translate_placeholders(std::string_view sql) {
    PostgresSql out;
    out.text.reserve(sql.size() + 16);
    int next = 0; // SQLite's "?" takes the largest number used so far, plus one
    const std::size_t n = sql.size();
    for (std::size_t i = 0; i < n;) {
        const char c = sql[i];
        if (c == '\'' || c == '"') {
            // A string literal or a quoted identifier: copied whole (a doubled quote inside
            // it is two quotes in a row, which this loop copies as it goes).
            std::size_t j = i + 1;
            while (j < n && sql[j] != c) {
                ++j;
            }
            j = j < n ? j + 1 : n;
            out.text.append(sql.substr(i, j - i));
            i = j;
        } else if (c == '-' && i + 1 < n && sql[i + 1] == '-') {
            const std::size_t j = std::min(n, sql.find('\n', i) == std::string_view::npos ? n : sql.find('\n', i));
            out.text.append(sql.substr(i, j - i));
            i = j;
        } else if (c == '/' && i + 1 < n && sql[i + 1] == '*') {
            const std::size_t end = sql.find("*/", i + 2);
            const std::size_t j = end == std::string_view::npos ? n : end + 2;
            out.text.append(sql.substr(i, j - i));
            i = j;
        } else if (c == ':' && i + 1 < n && sql[i + 1] == ':') {
            out.text.append("::"); // a cast, never a parameter
            i += 2;
        } else if (c == '?') {
            std::size_t j = i + 1;
            int number = 0;
            while (j < n && sql[j] >= '0' && sql[j] <= '9') {
                number = number * 10 + (sql[j] - '0');
                ++j;
            }
            if (j == i + 1) {
                number = next + 1;
            }
            next = std::max(next, number);
            out.text += limit_parameter(out.text, number);
            i = j;
        } else if ((c == ':' || c == '@') && i + 1 < n && is_ident(sql[i + 1]) &&
                   !(sql[i + 1] >= '0' && sql[i + 1] <= '9') && (i == 0 || !is_ident(sql[i - 1]))) {
            std::size_t j = i + 1;
            while (j < n && is_ident(sql[j])) {
                ++j;
            }
            const std::string name(sql.substr(i, j - i));
            int number = 0;
            for (std::size_t k = 0; k < out.names.size(); ++k) {
                if (out.names[k].first == name) {
                    number = out.names[k].second;
                }
            }
            if (number == 0) {
                number = ++next;
                out.names.emplace_back(name, number);
            }
            out.text += limit_parameter(out.text, number);
            i = j;
        } else {
            out.text += c;
            ++i;
        }
    }
    out.parameters = next;
    out.used.assign(static_cast<std::size_t>(next), false);
    for (std::size_t i = 0; i + 1 < out.text.size(); ++i) {
        if (out.text[i] == '$' && out.text[i + 1] >= '1' && out.text[i + 1] <= '9' && (i == 0 || !is_ident(out.text[i - 1]))) {
            int number = 0;
            std::size_t j = i + 1;
            while (j < out.text.size() && out.text[j] >= '0' && out.text[j] <= '9') {
                number = number * 10 + (out.text[j] - '0');
                ++j;
            }
            if (number >= 1 && number <= next) {
                out.used[static_cast<std::size_t>(number - 1)] = true;
            }
        }
    }
    return out;
}

namespace {

class PostgresConnection;

// One statement: its SQL with $n placeholders, the values bound (as text, PostgreSQL's
// text format), and the whole result of its last run, read row by row by step().
class PostgresStatement : public PreparedStatement {
public:
    PostgresStatement(PostgresConnection& conn, std::string_view sql);
    ~PostgresStatement() override;
    PostgresStatement(const PostgresStatement&) = delete;
    PostgresStatement& operator=(const PostgresStatement&) = delete;

    void bind_null(int index) override { slot(index) = Value{}; }
    void bind_int64(int index, std::int64_t value) override {
        Value& v = slot(index);
        v.text = std::to_string(value);
        v.is_null = false;
        v.type = k_int8;
    }
    void bind_double(int index, double value) override {
        Value& v = slot(index);
        // Shortest text that reads back as the same double.
        v.text = fmt::format("{}", value);
        v.is_null = false;
        v.type = k_float8;
    }
    void bind_text(int index, const char* data, std::size_t size, bool) override {
        // Always copied: the value is sent at step(), and PostgreSQL reads it as text then.
        Value& v = slot(index);
        v.text.assign(data ? data : "", size);
        v.is_null = false;
        v.type = 0; // the server infers it from where it stands, as SQLite's affinity does
    }
    int parameter_index(const char* name) override {
        for (const auto& [n, number] : m_sql.names) {
            if (n == name) {
                return number;
            }
        }
        return 0;
    }
    bool step() override;
    std::int64_t changes() override { return m_changes; }
    void reset() override {
        m_result.reset();
        m_row = -1;
        m_run = false;
    }
    void clear_bindings() override {
        for (auto& v : m_values) {
            v = Value{};
        }
    }
    int column_count() override { return m_result.get() ? libpq().nfields(m_result.get()) : 0; }
    bool column_is_null(int column) override { return libpq().getisnull(m_result.get(), m_row, column) != 0; }
    ValueType column_type(int column) override {
        if (column_is_null(column)) {
            return ValueType::null;
        }
        switch (libpq().ftype(m_result.get(), column)) {
        case k_int8:
        case k_int4:
        case k_int2:
        case k_oid:
        case k_bool:
            return ValueType::integer;
        case k_float4:
        case k_float8:
        case k_numeric:
            return ValueType::real;
        default:
            return ValueType::text;
        }
    }
    std::int64_t column_int64(int column) override {
        const std::string_view text = column_text(column);
        if (text.empty()) {
            return 0;
        }
        // A boolean reads as 1 or 0, as a comparison does on SQLite.
        if (text == "t") {
            return 1;
        }
        if (text == "f") {
            return 0;
        }
        std::int64_t value = 0;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
        if (ec != std::errc() || end != text.data() + text.size()) {
            // numeric or a float: its integer part, as SQLite converts a REAL.
            return static_cast<std::int64_t>(std::strtod(std::string(text).c_str(), nullptr));
        }
        return value;
    }
    double column_double(int column) override {
        const std::string_view text = column_text(column);
        if (text.empty()) {
            return 0;
        }
        if (text == "t" || text == "f") {
            return text == "t" ? 1 : 0;
        }
        return std::strtod(std::string(text).c_str(), nullptr);
    }
    std::string_view column_text(int column) override {
        const auto& pq = libpq();
        if (pq.getisnull(m_result.get(), m_row, column)) {
            return {};
        }
        return {pq.getvalue(m_result.get(), m_row, column),
                static_cast<std::size_t>(pq.getlength(m_result.get(), m_row, column))};
    }

private:
    struct Value {
        std::string text;
        bool is_null = true;
        Oid type = 0;
    };
    Value& slot(int index) {
        if (index < 1 || index > static_cast<int>(m_values.size())) {
            throw DatabaseError(DatabaseError::Kind::other,
                                fmt::format("parameter {} out of range (the statement has {})", index, m_values.size()));
        }
        return m_values[static_cast<std::size_t>(index - 1)];
    }

protected:
    PostgresConnection& m_conn;
    PostgresSql m_sql;
    Result m_result;
    int m_row = -1;

private:
    bool m_returns_id = false;
    std::vector<Value> m_values;
    bool m_run = false;
    std::int64_t m_changes = 0;
    int m_runs = 0;             // how often it ran: the second run prepares it on the server
    std::string m_name;         // the server-side prepared statement, when there is one
    std::vector<Oid> m_types;   // the parameter types it was prepared with

    // A NULL fits any parameter; other values must have the type it was prepared with.
    bool same_types(const std::vector<Oid>& types) const {
        for (std::size_t i = 0; i < types.size(); ++i) {
            if (!m_values[i].is_null && types[i] != m_types[i]) {
                return false;
            }
        }
        return true;
    }
};

class PostgresConnection final : public Connection {
public:
    PostgresConnection(const std::string& url, int busy_timeout_ms) : m_url(url), m_busy_timeout_ms(busy_timeout_ms) {
        const auto& pq = libpq();
        // The URL as dbname (expand_dbname): every setting of the URL applies; the rest are
        // defaults a URL may still override.
        const char* keys[] = {"dbname", "fallback_application_name", "client_encoding", nullptr};
        const char* values[] = {url.c_str(), "opsctl", "UTF8", nullptr};
        m_conn = pq.connectdb_params(keys, values, 1);
        if (!m_conn || pq.status(m_conn) != k_connection_ok) {
            const std::string why = m_conn ? trimmed(pq.error_message(m_conn)) : "out of memory";
            if (m_conn) {
                pq.finish(m_conn);
            }
            throw DatabaseError(DatabaseError::Kind::other, fmt::format("cannot connect: {}", why));
        }
        pq.set_notice_processor(m_conn, ignore_notice, nullptr);
    }
    ~PostgresConnection() override {
        if (m_conn) {
            libpq().finish(m_conn);
        }
    }
    PostgresConnection(const PostgresConnection&) = delete;
    PostgresConnection& operator=(const PostgresConnection&) = delete;

    PGconn* raw() { return m_conn; }
    std::string next_statement_name() { return fmt::format("opsctl_{}", ++m_statements); }
    void set_last_id(std::int64_t id) { m_last_id = id; }
    void set_changes(std::int64_t n) { m_changes = n; }

    std::unique_ptr<PreparedStatement> prepare(std::string_view sql) override {
        return std::make_unique<PostgresStatement>(*this, sql);
    }
    void exec(const char* sql) override {
        Result r = checked(m_conn, libpq().exec(m_conn, sql));
        if (const char* tuples = libpq().cmd_tuples(r.get()); tuples && *tuples &&
                                                              libpq().result_status(r.get()) == k_command_ok) {
            m_changes = std::strtoll(tuples, nullptr, 10);
        }
    }
    std::int64_t last_insert_id() override { return m_last_id; }
    std::int64_t changes() override { return m_changes; }

    // Writers serialise on the one row of opsctl_schema, as BEGIN IMMEDIATE does on SQLite:
    // the lock is taken (or the wait given up after the busy timeout) before anything is read,
    // and every transaction that writes holds it to its end. No advisory lock: the
    // distributed engines that speak PostgreSQL's protocol lack them.
    void begin_write() override {
        exec("BEGIN ISOLATION LEVEL READ COMMITTED");
        try {
            if (m_busy_timeout_ms > 0) {
                exec(fmt::format("SET LOCAL lock_timeout = {}", m_busy_timeout_ms).c_str());
                exec("SELECT 1 FROM opsctl_schema WHERE id = 1 FOR UPDATE");
            } else {
                exec("SELECT 1 FROM opsctl_schema WHERE id = 1 FOR UPDATE NOWAIT");
            }
        } catch (...) {
            rollback();
            throw;
        }
    }
    void begin_read() override {
        exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
        // The snapshot is taken by the first statement, not by BEGIN.
        try {
            exec("SELECT 1");
        } catch (...) {
            rollback();
            throw;
        }
    }
    void commit() override { exec("COMMIT"); }
    void rollback() noexcept override {
        if (m_conn) {
            if (PGresult* r = libpq().exec(m_conn, "ROLLBACK")) {
                libpq().clear(r);
            }
        }
    }

    void configure() override {
        // Times are Unix seconds in BIGINT columns and the SQL never asks the server for the
        // date: the session's zone matters to nothing. Text in and out is UTF-8 (set at connect).
    }
    void set_page_cache_mib(int) override {
        // The server's shared_buffers decide; a session setting would not help one command.
    }
    void relax_checks_for_bulk_load() override {
        // The foreign keys are DEFERRABLE (schema_postgres.cpp): checked at commit. CHECK
        // constraints stay (PostgreSQL cannot switch them off; the rows were checked anyway).
        exec("SET CONSTRAINTS ALL DEFERRED");
    }
    Stamp stamp() override {
        Stamp s;
        Result tables = checked(m_conn, libpq().exec(m_conn,
            "SELECT to_regclass('opsctl_schema') IS NOT NULL, "
            "(SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = current_schema())"));
        const bool ours = text(tables, 0, 0) == "t";
        s.empty = text(tables, 0, 1) == "0";
        if (ours) {
            Result row = checked(m_conn, libpq().exec(m_conn,
                "SELECT application_id, version FROM opsctl_schema WHERE id = 1"));
            if (libpq().ntuples(row.get()) == 1) {
                s.application_id = std::strtoll(libpq().getvalue(row.get(), 0, 0), nullptr, 10);
                s.schema_version = static_cast<int>(std::strtol(libpq().getvalue(row.get(), 0, 1), nullptr, 10));
            }
            // An opsctl_schema table alone (created by prepare_new, no migration yet) is empty.
            s.empty = s.empty || (s.schema_version == 0 && text(tables, 0, 1) == "1");
        }
        return s;
    }
    void set_stamp(std::int64_t application_id, int version) override {
        exec(fmt::format("UPDATE opsctl_schema SET application_id = {}, version = {} WHERE id = 1", application_id,
                         version)
                 .c_str());
    }
    int schema_version() override {
        Result r = checked(m_conn, libpq().exec(m_conn, "SELECT version FROM opsctl_schema WHERE id = 1"));
        return libpq().ntuples(r.get()) == 1 ? static_cast<int>(std::strtol(libpq().getvalue(r.get(), 0, 0), nullptr, 10))
                                             : 0;
    }
    void prepare_new() override;
    std::vector<std::string> tables() override {
        // Neither the driver's own tables nor the search index (as SQLite's FTS5 tables).
        Result r = checked(m_conn, libpq().exec(m_conn,
            "SELECT tablename FROM pg_catalog.pg_tables WHERE schemaname = current_schema() "
            "AND tablename NOT LIKE 'opsctl\\_%' ORDER BY tablename COLLATE \"C\""));
        std::vector<std::string> out;
        for (int i = 0; i < libpq().ntuples(r.get()); ++i) {
            out.emplace_back(libpq().getvalue(r.get(), i, 0));
        }
        return out;
    }
    const char* id_list_sql() override {
        return "SELECT j.value::bigint AS value FROM json_array_elements_text(?1::json) AS j(value)";
    }
    bool has_table(const char* name) override {
        PostgresStatement q(*this, "SELECT 1 FROM pg_catalog.pg_tables WHERE schemaname = current_schema() "
                                   "AND tablename = ?");
        q.bind_text(1, name, std::strlen(name), true);
        return q.step();
    }
    std::string journal_mode() override { return "postgresql"; }
    std::int64_t data_version() override {
        // The transaction's snapshot (xmin:xmax:running): another commit changes it.
        Result r = checked(m_conn, libpq().exec(m_conn, "SELECT pg_current_snapshot()::text"));
        return static_cast<std::int64_t>(std::hash<std::string>{}(libpq().getvalue(r.get(), 0, 0)));
    }
    std::vector<std::string> integrity_check() override {
        // The server checks its pages itself (data checksums, when the cluster has them); a
        // deeper check (amcheck) is an extension this driver does not assume.
        return {"ok"};
    }
    std::vector<ForeignKeyProblem> foreign_key_check() override {
        // Enforced by the server at every commit; there is nothing to find afterwards.
        return {};
    }
    int backup_to(const std::filesystem::path& target) override;
    TicketSearch ticket_search(const std::string& text) override {
        TicketSearch s;
        // opsctl_ticket_search holds each ticket's text and its bigrams (every pair of
        // adjacent characters, lower-cased) in an array with a GIN index: two characters or
        // more find their candidates in the index, and strpos() then keeps the tickets that
        // hold the text itself. One character scans.
        s.from = "opsctl_ticket_search f JOIN tickets t ON t.id = f.ticket_id";
        const std::string folded_match = "(strpos(lower(f.title), lower(?::text)) > 0 OR "
                                         "strpos(lower(f.body), lower(?::text)) > 0 OR "
                                         "strpos(lower(f.comments), lower(?::text)) > 0)";
        if (code_points(text) >= 2) {
            s.condition = "f.grams @> opsctl_bigrams(?::text) AND " + folded_match;
            s.binds = {text, text, text, text};
        } else {
            s.condition = folded_match;
            s.binds = {text, text, text};
        }
        s.newest_first = "f.ticket_id DESC";
        return s;
    }
    const TicketSearchSql& ticket_search_sql() override {
        static const TicketSearchSql k_sql = {
            "INSERT INTO opsctl_ticket_search (ticket_id, title, body, comments, grams) "
            "VALUES (?1, ?2::text, ?3::text, ?4::text, opsctl_bigrams(?2::text || chr(10) || ?3::text || chr(10) || ?4::text))",
            "UPDATE opsctl_ticket_search SET title = ?1::text, body = ?2::text, "
            "grams = opsctl_bigrams(?1::text || chr(10) || ?2::text || chr(10) || comments) WHERE ticket_id = ?3",
            "UPDATE opsctl_ticket_search SET comments = comments || chr(10) || ?1::text, "
            "grams = opsctl_bigrams(title || chr(10) || body || chr(10) || comments || chr(10) || ?1::text) "
            "WHERE ticket_id = ?2",
            "SELECT ticket_id, title, body, comments FROM opsctl_ticket_search ORDER BY ticket_id",
            "DELETE FROM opsctl_ticket_search",
        };
        return k_sql;
    }
    TicketSearch known_error_search(const std::string& text) override {
        // As ticket_search(): the bigrams find the candidates, strpos() the text itself.
        TicketSearch s;
        s.from = "opsctl_known_error_search f JOIN known_errors k ON k.id = f.known_error_id";
        const std::string folded_match = "strpos(lower(f.text), lower(?::text)) > 0";
        if (code_points(text) >= 2) {
            s.condition = "f.grams @> opsctl_bigrams(?::text) AND " + folded_match;
            s.binds = {text, text};
        } else {
            s.condition = folded_match;
            s.binds = {text};
        }
        s.newest_first = "f.known_error_id DESC";
        return s;
    }
    TicketSearch known_error_related(const std::string& text) override {
        // Any bigram in common makes a candidate; those sharing the most come first.
        TicketSearch s;
        if (code_points(text) < 2) {
            return s;
        }
        s.from = "opsctl_known_error_search f JOIN known_errors k ON k.id = f.known_error_id";
        s.condition = "f.grams && opsctl_bigrams(?::text)";
        s.binds = {text};
        s.newest_first = "(SELECT count(*) FROM unnest(f.grams) g(x) WHERE g.x = ANY (opsctl_bigrams(?::text))) DESC, "
                         "f.known_error_id DESC";
        s.order_binds = {text};
        return s;
    }
    const KnownErrorSearchSql& known_error_search_sql() override {
        static const KnownErrorSearchSql k_sql = {
            "INSERT INTO opsctl_known_error_search (known_error_id, text, grams) "
            "VALUES (?1, ?2::text, opsctl_bigrams(?2::text))",
            "UPDATE opsctl_known_error_search SET text = ?1::text, grams = opsctl_bigrams(?1::text) "
            "WHERE known_error_id = ?2",
        };
        return k_sql;
    }
    std::optional<std::string> search_buffer() override { return std::nullopt; }
    void set_search_buffer(const std::optional<std::string>&) override {}
    std::vector<std::string> keep_side_files() override { return {}; }
    std::vector<std::string> columns(const std::string& table) override {
        PostgresStatement q(*this, "SELECT column_name FROM information_schema.columns "
                                   "WHERE table_schema = current_schema() AND table_name = ?::text "
                                   "ORDER BY ordinal_position");
        q.bind_text(1, table.data(), table.size(), true);
        std::vector<std::string> out;
        while (q.step()) {
            out.emplace_back(q.column_text(0));
        }
        return out;
    }
    std::unique_ptr<PreparedStatement> prepare_stream(std::string_view sql) override;
    std::unique_ptr<RowWriter> bulk_insert(const std::string& table, const std::vector<std::string>& columns) override;
    std::unique_ptr<RowWriter> bulk_insert_ticket_search() override;
    void reset_generated_ids(const std::string& table) override {
        // setval(..., false): the next id is the largest plus one (1 for an empty table).
        PostgresStatement q(*this, "SELECT column_name FROM information_schema.columns "
                                   "WHERE table_schema = current_schema() AND table_name = ?::text "
                                   "AND is_identity = 'YES'");
        q.bind_text(1, table.data(), table.size(), true);
        std::vector<std::string> identities;
        while (q.step()) {
            identities.emplace_back(q.column_text(0));
        }
        for (const auto& column : identities) {
            // pg_get_serial_sequence reads its first argument as a (quoted) name, its second
            // as the column's name itself.
            exec(fmt::format("SELECT setval(pg_get_serial_sequence('{0}', '{2}'), "
                             "coalesce(max({0}.{1}), 0) + 1, false) FROM {0}",
                             quoted(table), quoted(column), column)
                     .c_str());
        }
    }
    /// An identifier in double quotes (our own table and column names).
    static std::string quoted(const std::string& name) {
        std::string out = "\"";
        for (char c : name) {
            out += c;
            if (c == '"') {
                out += '"';
            }
        }
        return out + "\"";
    }

private:
    static std::size_t code_points(const std::string& text) {
        std::size_t n = 0;
        for (unsigned char c : text) {
            n += (c & 0xC0) != 0x80 ? 1 : 0;
        }
        return n;
    }
    static std::string text(const Result& r, int row, int column) {
        return libpq().ntuples(r.get()) > row ? libpq().getvalue(r.get(), row, column) : "";
    }

    PGconn* m_conn = nullptr;
    std::string m_url;
    int m_busy_timeout_ms;
    std::int64_t m_last_id = 0;
    std::int64_t m_changes = 0;
    std::uint64_t m_statements = 0;
};

void PostgresConnection::prepare_new() {
    // The database must tell letters apart for lower() and the search: a C or POSIX
    // LC_CTYPE treats every byte above ASCII as neither letter nor space.
    Result r = checked(m_conn, libpq().exec(m_conn,
        "SELECT pg_encoding_to_char(encoding), datctype, datlocprovider FROM pg_catalog.pg_database "
        "WHERE datname = current_database()"));
    const std::string encoding = text(r, 0, 0);
    const std::string ctype = text(r, 0, 1);
    const std::string provider = text(r, 0, 2);
    const std::string create_hint = "create it with CREATE DATABASE ... TEMPLATE template0 ENCODING 'UTF8' "
                                    "LOCALE 'C.UTF-8' (or LOCALE_PROVIDER icu ICU_LOCALE 'zh-CN' LOCALE 'zh_CN.UTF-8')";
    if (encoding != "UTF8") {
        throw DataError(fmt::format("the database's encoding is {}, not UTF8", encoding), create_hint);
    }
    if (provider != "i" && (ctype == "C" || ctype == "POSIX")) {
        throw DataError(fmt::format("the database's LC_CTYPE is '{}', which cannot classify Chinese characters "
                                    "(upper and lower case, letters for the search)",
                                    ctype),
                        create_hint);
    }
    // The driver's own table: the schema's stamp, and the row every writer locks. Two hosts
    // running init at once may both try to create it; the loser finds it made.
    for (int attempt = 0;; ++attempt) {
        try {
            exec("CREATE TABLE IF NOT EXISTS opsctl_schema ("
                 "id INTEGER PRIMARY KEY CHECK (id = 1), application_id BIGINT NOT NULL DEFAULT 0, "
                 "version INTEGER NOT NULL DEFAULT 0); "
                 "INSERT INTO opsctl_schema (id) VALUES (1) ON CONFLICT (id) DO NOTHING");
            return;
        } catch (const DatabaseError& e) {
            // 23505 on pg_type's unique index, or 42P07: the other host won the race.
            if (attempt >= 3) {
                throw;
            }
            ::usleep(50000);
        }
    }
}

int PostgresConnection::backup_to(const std::filesystem::path& target) {
    // pg_dump's custom format, one consistent snapshot while others write (pg_restore reads
    // it back). The URL holds no password (refused at open): pg_dump finds it where libpq
    // does, and --no-password keeps it from ever asking. The URL is one argument, and a
    // postgresql:// URL never starts with '-'.
    util::ProcessOptions options;
    options.timeout_ms = 24 * 3600 * 1000;
    options.keep_err_tail = true;
    const util::ProcessResult r = util::run_process(
        {"pg_dump", "--format=custom", "--no-password", "--file=" + target.string(), "--dbname=" + m_url}, options);
    if (r.spawn_failed) {
        throw DatabaseError(DatabaseError::Kind::other,
                            fmt::format("cannot run pg_dump (install the Debian package postgresql-client): {}", trimmed(r.err.c_str())));
    }
    if (r.exit_code != 0) {
        throw DatabaseError(DatabaseError::Kind::other,
                            fmt::format("pg_dump failed (exit {}): {}", r.exit_code, trimmed(r.err.c_str())));
    }
    std::error_code ec;
    const auto bytes = std::filesystem::file_size(target, ec);
    return static_cast<int>((bytes + 8191) / 8192); // in 8 KiB blocks, as PostgreSQL counts pages
}

PostgresStatement::PostgresStatement(PostgresConnection& conn, std::string_view sql)
    : m_conn(conn), m_sql(translate_placeholders(sql)) {
    const std::string_view table = insert_target(sql);
    if (!table.empty() && has_generated_id(table) && !mentions_returning(sql)) {
        // The id comes back with the INSERT itself (see last_insert_id()).
        m_sql.text += " RETURNING id";
        m_returns_id = true;
    }
    m_values.resize(static_cast<std::size_t>(m_sql.parameters));
}

PostgresStatement::~PostgresStatement() {
    m_result.reset();
    if (!m_name.empty()) {
        if (PGresult* r = libpq().exec(m_conn.raw(), ("DEALLOCATE " + m_name).c_str())) {
            libpq().clear(r);
        }
    }
}

bool PostgresStatement::step() {
    const auto& pq = libpq();
    if (!m_run) {
        std::vector<const char*> values(m_values.size());
        std::vector<Oid> types(m_values.size());
        for (std::size_t i = 0; i < m_values.size(); ++i) {
            values[i] = m_values[i].is_null ? nullptr : m_values[i].text.c_str();
            // A number the statement skips (?1 and ?3 only) has no place to infer a type
            // from, which PostgreSQL refuses: it is text, and never read.
            types[i] = m_values[i].type != 0 || m_sql.used[i] ? m_values[i].type : k_text;
        }
        const int count = static_cast<int>(m_values.size());
        PGresult* raw = nullptr;
        if (!m_name.empty() && same_types(types)) {
            raw = pq.exec_prepared(m_conn.raw(), m_name.c_str(), count, values.data(), nullptr, nullptr, 0);
        } else if (++m_runs >= 2) {
            // Run again: worth preparing once on the server (a loop of inserts, a cached
            // statement). A statement run once is parsed with its values, in one round trip.
            if (!m_name.empty()) {
                Result(pq.exec(m_conn.raw(), ("DEALLOCATE " + m_name).c_str()));
                m_name.clear();
            }
            const std::string name = m_conn.next_statement_name();
            checked(m_conn.raw(), pq.prepare(m_conn.raw(), name.c_str(), m_sql.text.c_str(), count, types.data()));
            m_name = name;
            m_types = types;
            raw = pq.exec_prepared(m_conn.raw(), m_name.c_str(), count, values.data(), nullptr, nullptr, 0);
        } else {
            raw = pq.exec_params(m_conn.raw(), m_sql.text.c_str(), count, types.data(), values.data(), nullptr,
                                 nullptr, 0);
        }
        m_result = checked(m_conn.raw(), raw);
        m_run = true;
        m_row = -1;
        // Rows changed: an INSERT, UPDATE or DELETE's count (a SELECT's rows are no change).
        if (m_returns_id || pq.result_status(m_result.get()) == k_command_ok) {
            const char* tuples = pq.cmd_tuples(m_result.get());
            m_changes = tuples && *tuples ? std::strtoll(tuples, nullptr, 10) : 0;
            m_conn.set_changes(m_changes);
        }
        if (m_returns_id) {
            const int rows = pq.ntuples(m_result.get());
            if (rows > 0) {
                m_conn.set_last_id(std::strtoll(pq.getvalue(m_result.get(), rows - 1, 0), nullptr, 10));
            }
            return false;
        }
    }
    if (m_returns_id) {
        return false;
    }
    ++m_row;
    return m_row < pq.ntuples(m_result.get());
}

// A query read through a cursor of the current transaction, a batch of rows at a time, so
// that a table of millions of rows never sits in memory whole (PQexec reads a result at once).
class PostgresCursor final : public PostgresStatement {
public:
    PostgresCursor(PostgresConnection& conn, std::string_view sql)
        : PostgresStatement(conn, ""), m_query(sql), m_name(conn.next_statement_name() + "_cursor") {}
    ~PostgresCursor() override {
        if (m_declared && !m_done) {
            if (PGresult* r = libpq().exec(m_conn.raw(), ("CLOSE " + m_name).c_str())) {
                libpq().clear(r);
            }
        }
    }
    PostgresCursor(const PostgresCursor&) = delete;
    PostgresCursor& operator=(const PostgresCursor&) = delete;

    bool step() override {
        const auto& pq = libpq();
        if (m_done) {
            return false;
        }
        if (!m_declared) {
            m_conn.exec(("DECLARE " + m_name + " NO SCROLL CURSOR FOR " + m_query).c_str());
            m_declared = true;
        }
        for (;;) {
            if (m_result.get()) {
                if (++m_row < pq.ntuples(m_result.get())) {
                    return true;
                }
                if (pq.ntuples(m_result.get()) < k_batch) {
                    m_conn.exec(("CLOSE " + m_name).c_str());
                    m_done = true;
                    return false;
                }
            }
            m_result = checked(m_conn.raw(),
                               pq.exec(m_conn.raw(), fmt::format("FETCH FORWARD {} FROM {}", k_batch, m_name).c_str()));
            m_row = -1;
        }
    }

private:
    static constexpr int k_batch = 10000;
    std::string m_query;
    std::string m_name;
    bool m_declared = false;
    bool m_done = false;
};

// Rows sent with COPY ... FROM STDIN in PostgreSQL's text format: columns separated by tabs,
// rows by newlines, NULL as \N, backslash, tab, newline and carriage return escaped; sent a
// MiB at a time.
class PostgresCopyWriter final : public RowWriter {
public:
    PostgresCopyWriter(PGconn* conn, const std::string& sql) : m_conn(conn) {
        Result r(libpq().exec(conn, sql.c_str()));
        if (!r.get() || libpq().result_status(r.get()) != k_copy_in) {
            fail(conn, r);
        }
        m_open = true;
    }
    ~PostgresCopyWriter() override {
        if (m_open) {
            // Abandoned (a failure on the way): the server ends the COPY with an error and
            // the connection is ready for the caller's ROLLBACK.
            libpq().put_copy_end(m_conn, "abandoned");
            while (PGresult* r = libpq().get_result(m_conn)) {
                libpq().clear(r);
            }
        }
    }
    PostgresCopyWriter(const PostgresCopyWriter&) = delete;
    PostgresCopyWriter& operator=(const PostgresCopyWriter&) = delete;

    void add_null() override {
        separate();
        m_buffer += "\\N";
    }
    void add_int64(std::int64_t value) override {
        separate();
        m_buffer += std::to_string(value);
    }
    void add_double(double value) override {
        separate();
        m_buffer += fmt::format("{}", value); // the shortest text that reads back the same
    }
    void add_text(std::string_view value) override {
        separate();
        for (char c : value) {
            switch (c) {
            case '\\':
                m_buffer += "\\\\";
                break;
            case '\n':
                m_buffer += "\\n";
                break;
            case '\r':
                m_buffer += "\\r";
                break;
            case '\t':
                m_buffer += "\\t";
                break;
            default:
                m_buffer += c;
            }
        }
    }
    void end_row() override {
        m_buffer += '\n';
        m_column = 0;
        if (m_buffer.size() >= k_chunk) {
            send();
        }
    }
    void finish() override {
        send();
        m_open = false;
        if (libpq().put_copy_end(m_conn, nullptr) != 1) {
            fail(m_conn, Result{});
        }
        // The COPY's own result, then the end of the results.
        Result r(libpq().get_result(m_conn));
        while (PGresult* more = libpq().get_result(m_conn)) {
            libpq().clear(more);
        }
        if (!r.get() || libpq().result_status(r.get()) != k_command_ok) {
            fail(m_conn, r);
        }
    }

private:
    static constexpr std::size_t k_chunk = std::size_t{1} << 20;
    void separate() {
        if (m_column++ > 0) {
            m_buffer += '\t';
        }
    }
    void send() {
        if (!m_buffer.empty() && libpq().put_copy_data(m_conn, m_buffer.data(), static_cast<int>(m_buffer.size())) != 1) {
            fail(m_conn, Result{});
        }
        m_buffer.clear();
    }

    PGconn* m_conn;
    std::string m_buffer;
    int m_column = 0;
    bool m_open = false;
};

// Search entries: COPY into a table of this transaction, then one INSERT ... SELECT that
// computes every entry's bigrams on the server, as ticket_search_sql().insert does for one.
class PostgresSearchWriter final : public RowWriter {
public:
    explicit PostgresSearchWriter(PostgresConnection& conn) : m_conn(conn) {
        m_conn.exec("CREATE TEMPORARY TABLE opsctl_copy_search (ticket_id BIGINT, title TEXT, body TEXT, "
                    "comments TEXT) ON COMMIT DROP");
        m_copy = std::make_unique<PostgresCopyWriter>(
            conn.raw(), "COPY opsctl_copy_search (ticket_id, title, body, comments) FROM STDIN");
    }
    void add_null() override { m_copy->add_null(); }
    void add_int64(std::int64_t value) override { m_copy->add_int64(value); }
    void add_double(double value) override { m_copy->add_double(value); }
    void add_text(std::string_view value) override { m_copy->add_text(value); }
    void end_row() override { m_copy->end_row(); }
    void finish() override {
        m_copy->finish();
        m_conn.exec("INSERT INTO opsctl_ticket_search (ticket_id, title, body, comments, grams) "
                    "SELECT ticket_id, title, body, comments, "
                    "opsctl_bigrams(title || chr(10) || body || chr(10) || comments) FROM opsctl_copy_search; "
                    "DROP TABLE opsctl_copy_search");
    }

private:
    PostgresConnection& m_conn;
    std::unique_ptr<PostgresCopyWriter> m_copy;
};

std::unique_ptr<RowWriter> PostgresConnection::bulk_insert_ticket_search() {
    return std::make_unique<PostgresSearchWriter>(*this);
}

std::unique_ptr<PreparedStatement> PostgresConnection::prepare_stream(std::string_view sql) {
    return std::make_unique<PostgresCursor>(*this, sql);
}

std::unique_ptr<RowWriter> PostgresConnection::bulk_insert(const std::string& table,
                                                           const std::vector<std::string>& columns) {
    std::string names;
    for (const auto& c : columns) {
        names += (names.empty() ? "" : ", ") + quoted(c);
    }
    return std::make_unique<PostgresCopyWriter>(m_conn, fmt::format("COPY {} ({}) FROM STDIN", quoted(table), names));
}

} // namespace

std::unique_ptr<Connection> open_postgres(const std::string& url, int busy_timeout_ms) {
    return std::make_unique<PostgresConnection>(url, busy_timeout_ms);
}

} // namespace opsctl::store::driver
