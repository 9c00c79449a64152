#include "lib/store/database.hpp"
#include "lib/store/driver.hpp"

#include "lib/store/record_digest.hpp"

#include <chrono>
#include <thread>

#include "lib/core/error.hpp"
#include "lib/store/failure.hpp"
#include "lib/store/location.hpp"
#include "lib/store/migrations.hpp"

#include <cstdlib>
#include <fcntl.h>
#include <fmt/format.h>
#include <grp.h>
#include <optional>
#include <random>
#include <sys/stat.h>
#include <unistd.h>

namespace opsctl::store {

namespace fs = std::filesystem;

namespace {

// "opsc" in ASCII: marks the file as an opsctl database for `file` and for us.
constexpr int k_application_id = 0x6f707363;

int busy_timeout(const OpenOptions& options) {
    if (const char* env = std::getenv("OPSCTL_BUSY_TIMEOUT"); env && *env) {
        char* end = nullptr;
        long ms = std::strtol(env, &end, 10);
        if (end && *end == '\0' && ms >= 0) {
            return static_cast<int>(ms);
        }
    }
    return options.busy_timeout_ms;
}

gid_t group_id(const std::string& name) {
    if (const group* g = ::getgrnam(name.c_str())) {
        return g->gr_gid;
    }
    throw ConfigError(fmt::format("unknown group '{}' in site.database_group", name));
}

void create_file(const fs::path& path, const OpenOptions& options) {
    std::error_code ec;
    const std::optional<gid_t> gid =
        options.group.empty() ? std::nullopt : std::optional<gid_t>(group_id(options.group));
    if (path.has_parent_path()) {
        const fs::path dir = path.parent_path();
        const bool dir_existed = fs::exists(dir, ec);
        fs::create_directories(dir, ec);
        if (ec) {
            throw Failure(fmt::format("cannot create directory '{}': {}", dir.string(), ec.message()));
        }
        // A folder made for the database: the group must be able to reach the file (and
        // SQLite's -wal and -shm beside it), nobody else.
        if (!dir_existed && gid) {
            // Writing members also make SQLite's side files there (a rollback journal while
            // recovering): the folder is theirs to write in too.
            const mode_t dir_mode = options.group_writes ? 02770 : 0750; // setgid: files made there keep the group
            if (::chown(dir.c_str(), static_cast<uid_t>(-1), *gid) != 0 || ::chmod(dir.c_str(), dir_mode) != 0) {
                throw Failure(fmt::format("cannot give directory '{}' to group '{}': {}", dir.string(), options.group,
                                          std::strerror(errno)));
            }
        }
    }
    const mode_t mode = gid ? (options.group_writes ? 0660 : 0640) : 0600;
    const int fd = ::open(path.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, mode);
    if (fd < 0 && errno != EEXIST) {
        throw Failure(fmt::format("cannot create database '{}': {}", path.string(), std::strerror(errno)));
    }
    if (fd >= 0) {
        // The umask may have narrowed the mode; set exactly what we mean.
        ::fchmod(fd, mode);
        if (gid && ::fchown(fd, static_cast<uid_t>(-1), *gid) != 0) {
            ::close(fd);
            throw Failure(fmt::format("cannot give database '{}' to group '{}': {}", path.string(), options.group,
                                      std::strerror(errno)));
        }
        ::close(fd);
    }
}

// With site.database_group, members read the database without write access to it or its
// folder. SQLite (3.22+) reads a WAL database read-only only when its -wal and -shm files
// exist: the owner's connections keep them (the driver's keep_side_files()) instead of
// removing them on close, and they carry the database's group and mode 0640 (SQLite copies
// the database's owner and mode only when root creates them). Readers then map -shm
// read-only and never write it. With site.database_group_writes the three files are 0660
// instead, and members write as the owner does. The owner's connections keep the database
// file itself at the mode the policy asks for too, so that changing the policy changes who
// may write.
void share_with_group(driver::Connection& connection, const fs::path& path, const std::string& group_name,
                      bool writes) {
    if (group_name.empty()) {
        return;
    }
    const mode_t mode = writes ? 0660 : 0640;
    const std::vector<std::string> suffixes = connection.keep_side_files();
    struct stat db_st {};
    if (::stat(path.c_str(), &db_st) != 0 || db_st.st_uid != ::geteuid()) {
        return; // a reader: nothing of ours to adjust
    }
    const gid_t gid = group_id(group_name);
    for (const std::string& suffix : suffixes) {
        const std::string side = path.string() + suffix;
        const int fd = ::open(side.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0) {
            continue;
        }
        struct stat st {};
        if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == ::geteuid()) {
            if (st.st_gid != gid && ::fchown(fd, static_cast<uid_t>(-1), gid) != 0) {
                // Not fatal for the owner: members then fail to read, with a clear error.
            }
            if ((st.st_mode & 07777) != mode) {
                ::fchmod(fd, mode);
            }
        }
        ::close(fd);
    }
}

} // namespace

int current_schema_version() { return migrations().back().version; }

void rethrow_database_error(const DatabaseError& e, const fs::path& path) {
    throw *database_failure(e, path.string());
}

Database::Database(const fs::path& path, std::unique_ptr<driver::Connection> connection)
    : m_path(path), m_db(std::move(connection)) {}

Database::~Database() {
    // The statements go before the connection they were prepared on.
    m_statements.clear();
}

void Database::exec(const char* sql) { m_db->exec(sql); }

std::int64_t Database::last_insert_id() { return m_db->last_insert_id(); }

std::int64_t Database::changes() { return m_db->changes(); }

std::unique_ptr<Database> Database::open(const fs::path& path, const OpenOptions& options) {
    const bool url = is_database_url(path.native());
    if (!url) {
        std::error_code ec;
        const bool existed = fs::exists(path, ec);
        if (!existed) {
            if (!options.create) {
                throw NotFound(fmt::format("no database '{}'", path.string()), "run 'opsctl init' to create it");
            }
            create_file(path, options);
        }
    } else if (const auto problem = database_url_problem(path.native())) {
        // Never connect with it, never print it: the message names what is wrong only.
        throw UsageError(*problem, k_database_password_hint);
    }
    std::unique_ptr<Database> db;
    try {
        db.reset(new Database(path, url ? driver::open_postgres(path.native(), busy_timeout(options))
                                        : driver::open_sqlite(path, busy_timeout(options))));
        db->m_postgres = url;
        db->m_busy_timeout_ms = busy_timeout(options);
        auto& connection = *db->m_db;
        const driver::Stamp stamp = connection.stamp();
        if (stamp.application_id != 0 && stamp.application_id != k_application_id) {
            throw DataError(fmt::format("'{}' is not an opsctl database", path.string()));
        }
        if (stamp.application_id == 0 && stamp.schema_version == 0 && !stamp.empty) {
            throw DataError(fmt::format("'{}' is not an opsctl database", path.string()));
        }
        if (url && stamp.schema_version == 0) {
            // A PostgreSQL database exists before opsctl: only init makes the schema in it.
            if (!options.create) {
                throw NotFound(fmt::format("database '{}' holds no opsctl schema", path.string()),
                               "run 'opsctl init --db URL' to create it");
            }
            connection.prepare_new();
        }
        const int version = stamp.schema_version;
        if (version > current_schema_version()) {
            throw Failure(fmt::format("database '{}' has schema version {}, newer than this opsctl ({})",
                                      path.string(), version, current_schema_version()),
                          "upgrade opsctl");
        }
        connection.configure();
        if (version < current_schema_version()) {
            if (!options.migrate) {
                throw Failure(fmt::format("database '{}' has schema version {}, this opsctl needs {}",
                                          path.string(), version, current_schema_version()),
                              "run 'opsctl init' to migrate it");
            }
            db->migrate();
        }
        if (!url) {
            share_with_group(connection, path, options.group, options.group_writes);
        }
    } catch (const DatabaseError& e) {
        rethrow_database_error(e, path);
    }
    return db;
}

Statement& Database::cached(std::string_view sql) {
    auto it = m_statements.find(sql);
    if (it == m_statements.end()) {
        it = m_statements.emplace(std::string(sql), std::make_unique<Statement>(*this, sql)).first;
    } else {
        it->second->reset();
        it->second->clear_bindings();
    }
    return *it->second;
}

std::int64_t Database::select_int64(std::string_view sql) {
    Statement q(*this, sql);
    return q.step() ? q.column(0).as_int64() : 0;
}

void Database::set_page_cache_mib(int mib) { m_db->set_page_cache_mib(mib); }

void Database::begin_read_snapshot() { m_db->begin_read(); }

namespace {

void end_read(Database& db) noexcept { db.connection().rollback(); }

std::int64_t data_version(Database& db) { return db.connection().data_version(); }

} // namespace

ReadTransaction::ReadTransaction(Database& db) : m_db(db) { m_db.begin_read_snapshot(); }

ReadTransaction::~ReadTransaction() { end_read(m_db); }

std::unique_ptr<Database> Database::open_twin() const {
    OpenOptions options;
    options.create = false;
    options.migrate = false;
    auto twin = open(m_path, options);
    if (twin->schema_version() != current_schema_version()) {
        throw Failure(fmt::format("database '{}' changed its schema while being read", m_path.string()));
    }
    return twin;
}

SharedReadTransaction::SharedReadTransaction(Database& db, Database& twin) : m_db(db), m_twin(twin) {
    // A writer that commits between the two snapshots shows as a changed data_version on the
    // twin; then both start again. Commits are short: a few tries see a quiet moment.
    for (int attempt = 0;; ++attempt) {
        try {
            m_twin.begin_read_snapshot();
            const auto before = data_version(m_twin);
            m_db.begin_read_snapshot();
            m_twin.connection().rollback();
            m_twin.begin_read_snapshot();
            if (data_version(m_twin) == before) {
                return;
            }
        } catch (const DatabaseError& e) {
            end_read(m_db);
            end_read(m_twin);
            rethrow_database_error(e, m_db.path());
        }
        end_read(m_db);
        end_read(m_twin);
        std::this_thread::sleep_for(std::chrono::milliseconds(1 + attempt));
        if (attempt == 50) {
            throw Busy(fmt::format("database '{}' is being written to without pause", m_db.path().string()),
                       "try again in a moment");
        }
    }
}

SharedReadTransaction::~SharedReadTransaction() {
    end_read(m_db);
    end_read(m_twin);
}


int Database::schema_version() { return m_db->schema_version(); }

void Database::migrate() {
    for (const auto& m : m_postgres ? postgres_migrations() : migrations()) {
        WriteTransaction tx(*this);
        // Another process may have migrated while we waited for the lock.
        if (schema_version() >= m.version) {
            continue;
        }
        m_db->exec(m.sql);
        m_db->set_stamp(k_application_id, m.version);
        tx.commit();
    }
}

WriteTransaction::WriteTransaction(Database& db) : m_db(db) {
    try {
        m_db.connection().begin_write();
    } catch (const DatabaseError& e) {
        if (e.kind() == DatabaseError::Kind::conflict) {
            throw; // write_transaction() runs it again
        }
        rethrow_database_error(e, m_db.path());
    }
    m_db.last_event_hash_known() = false;
    m_db.first_unsealed_event() = 0;
}

WriteTransaction::~WriteTransaction() {
    if (!m_done) {
        // A failed rollback leaves nothing more to do: the engine rolls back when the
        // connection closes.
        m_db.connection().rollback();
        m_db.last_event_hash_known() = false;
        m_db.first_unsealed_event() = 0;
    }
}

void WriteTransaction::commit() {
    try {
        if (const std::int64_t first = m_db.first_unsealed_event(); first > 0) {
            seal_events(m_db, first);
            m_db.first_unsealed_event() = 0;
        }
        if (m_db.last_event_hash_known()) {
            // Events were written: the newest is also kept outside the chain (meta
            // 'events_head'), so that rows removed from the end of the chain are noticed.
            m_db.exec("INSERT INTO meta (key, value) "
                            "SELECT 'events_head', id || ' ' || hash FROM events WHERE true ORDER BY id DESC LIMIT 1 "
                            "ON CONFLICT (key) DO UPDATE SET value = excluded.value");
        }
        m_db.connection().commit();
    } catch (const DatabaseError& e) {
        if (e.kind() == DatabaseError::Kind::conflict) {
            throw; // write_transaction() runs it again
        }
        rethrow_database_error(e, m_db.path());
    }
    m_done = true;
}

namespace {

std::int64_t monotonic_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

} // namespace

ConflictRetry::ConflictRetry(Database& db) : m_db(db), m_started_ms(monotonic_ms()) {}

bool ConflictRetry::again(const DatabaseError& e) {
    if (e.kind() != DatabaseError::Kind::conflict) {
        return false;
    }
    ++m_attempt;
    // Doubling pauses from 4 ms, up to 256 ms, each a random share of its cap between a
    // half and all of it, so that writers that conflicted once do not meet again in step.
    const std::int64_t cap = std::int64_t{4} << std::min(m_attempt - 1, 6);
    static thread_local std::minstd_rand random(static_cast<unsigned>(::getpid()) ^
                                                static_cast<unsigned>(monotonic_ms()));
    const std::int64_t pause = cap / 2 + static_cast<std::int64_t>(random() % static_cast<unsigned>(cap / 2 + 1));
    const std::int64_t spent = monotonic_ms() - m_started_ms;
    if (m_attempt >= k_write_attempts || spent + pause > m_db.busy_timeout_ms()) {
        throw Busy(fmt::format("database '{}' is being written by others: the transaction conflicted with another "
                               "one {} time{} ({})",
                               m_db.path().string(), m_attempt, m_attempt == 1 ? "" : "s", e.what()),
                   "try again");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(pause));
    return true;
}

} // namespace opsctl::store
