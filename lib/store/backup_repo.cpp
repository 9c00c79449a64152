#include "lib/store/backup_repo.hpp"

#include <fmt/format.h>

namespace opsctl::store {

namespace {

std::optional<std::int64_t> opt_int(const Column& c) {
    if (c.is_null()) {
        return std::nullopt;
    }
    return c.as_int64();
}

std::string text(const Column& c) { return c.is_null() ? std::string{} : c.as_string(); }

template <typename T>
void bind_opt(Statement& st, int index, const std::optional<T>& value) {
    if (value) {
        st.bind(index, static_cast<std::int64_t>(*value));
    } else {
        st.bind(index);
    }
}

// Every run query selects these columns in this order, so one reader serves them all.
constexpr const char* k_run_columns = R"sql(
    r.id, r.job, r.kind, r.started_at, r.finished_at, r.status, r.size_bytes, r.source_bytes,
    r.files, r.sha256, r.path, r.error, r.warning, r.actor, r.pruned_at,
    v.at, v.ok, v.deep, r.captured
)sql";

// The newest verification of each run, joined with LEFT JOIN ... ON v.run_id = r.id.
constexpr const char* k_last_verification = R"sql(
    LEFT JOIN backup_verifications v ON v.id = (
        SELECT id FROM backup_verifications WHERE run_id = r.id ORDER BY at DESC, id DESC LIMIT 1)
)sql";

BackupRunRow read_run(Statement& st) {
    BackupRunRow r;
    r.id = st.column(0).as_int64();
    r.job = st.column(1).as_string();
    r.kind = st.column(2).as_string();
    r.started_at = st.column(3).as_int64();
    r.finished_at = opt_int(st.column(4));
    r.status = st.column(5).as_string();
    r.size_bytes = opt_int(st.column(6));
    r.source_bytes = opt_int(st.column(7));
    r.files = opt_int(st.column(8));
    r.sha256 = text(st.column(9));
    r.path = text(st.column(10));
    r.error = text(st.column(11));
    r.warning = text(st.column(12));
    r.actor = text(st.column(13));
    r.pruned_at = opt_int(st.column(14));
    r.verified_at = opt_int(st.column(15));
    if (!st.column(16).is_null()) {
        r.verified_ok = st.column(16).as_int() != 0;
        r.verified_deep = st.column(17).as_int() != 0;
    }
    r.captured = text(st.column(18));
    return r;
}

std::vector<BackupRunRow> read_runs(Statement& st) {
    std::vector<BackupRunRow> rows;
    while (st.step()) {
        rows.push_back(read_run(st));
    }
    return rows;
}

std::string run_query(const std::string& where_and_order) {
    return fmt::format("SELECT {} FROM backup_runs r {} {}", k_run_columns, k_last_verification, where_and_order);
}

BackupVerificationRow read_verification(Statement& st) {
    BackupVerificationRow v;
    v.id = st.column(0).as_int64();
    v.run_id = st.column(1).as_int64();
    v.at = st.column(2).as_int64();
    v.ok = st.column(3).as_int() != 0;
    v.deep = st.column(4).as_int() != 0;
    v.detail = text(st.column(5));
    return v;
}

std::optional<BackupVerificationRow> one_verification(Database& db, const std::string& job, bool ok_only) {
    Statement st(db, fmt::format(R"sql(
        SELECT v.id, v.run_id, v.at, v.ok, v.deep, v.detail
        FROM backup_verifications v JOIN backup_runs r ON r.id = v.run_id
        WHERE r.job = ? {} ORDER BY v.at DESC, v.id DESC LIMIT 1)sql",
                                               ok_only ? "AND v.ok = 1" : ""));
    st.bind(1, job);
    if (st.step()) {
        return read_verification(st);
    }
    return std::nullopt;
}

} // namespace

std::int64_t insert_backup_run(Database& db, const std::string& job, const std::string& kind,
                               std::int64_t started_at, const std::string& actor) {
    Statement st(db, "INSERT INTO backup_runs (job, kind, started_at, status, actor) "
                     "VALUES (?, ?, ?, 'running', ?)");
    st.bind(1, job);
    st.bind(2, kind);
    st.bind(3, started_at);
    st.bind(4, actor);
    st.exec();
    return db.last_insert_id();
}

std::vector<std::int64_t> fail_running_backup_runs(Database& db, const std::string& job, std::int64_t at,
                                                   const std::string& error) {
    std::vector<std::int64_t> ids;
    Statement sel(db, "SELECT id FROM backup_runs WHERE job = ? AND status = 'running' ORDER BY id");
    sel.bind(1, job);
    while (sel.step()) {
        ids.push_back(sel.column(0).as_int64());
    }
    Statement upd(db, "UPDATE backup_runs SET status = 'failed', finished_at = ?, error = ? "
                      "WHERE id = ?");
    for (const auto id : ids) {
        upd.bind(1, at);
        upd.bind(2, error);
        upd.bind(3, id);
        upd.exec();
        upd.reset();
    }
    return ids;
}

void finish_backup_run(Database& db, const BackupRunRow& run) {
    Statement st(db, R"sql(
        UPDATE backup_runs SET status = 'success', finished_at = ?, size_bytes = ?, source_bytes = ?,
               files = ?, sha256 = ?, path = ?, warning = ?, error = NULL, captured = ?
        WHERE id = ?)sql");
    bind_opt(st, 1, run.finished_at);
    bind_opt(st, 2, run.size_bytes);
    bind_opt(st, 3, run.source_bytes);
    bind_opt(st, 4, run.files);
    st.bind(5, run.sha256);
    st.bind(6, run.path);
    if (run.warning.empty()) {
        st.bind(7);
    } else {
        st.bind(7, run.warning);
    }
    if (run.captured.empty()) {
        st.bind(8);
    } else {
        st.bind(8, run.captured);
    }
    st.bind(9, run.id);
    st.exec();
}

void fail_backup_run(Database& db, std::int64_t id, std::int64_t finished_at, const std::string& error) {
    Statement st(db, "UPDATE backup_runs SET status = 'failed', finished_at = ?, error = ? "
                     "WHERE id = ?");
    st.bind(1, finished_at);
    st.bind(2, error);
    st.bind(3, id);
    st.exec();
}

void mark_backup_run_pruned(Database& db, std::int64_t id, std::int64_t at) {
    Statement st(db, "UPDATE backup_runs SET pruned_at = ? WHERE id = ?");
    st.bind(1, at);
    st.bind(2, id);
    st.exec();
}

std::optional<BackupRunRow> find_backup_run(Database& db, std::int64_t id) {
    Statement st(db, run_query("WHERE r.id = ?"));
    st.bind(1, id);
    if (st.step()) {
        return read_run(st);
    }
    return std::nullopt;
}

std::vector<BackupRunRow> list_backup_runs(Database& db, const std::optional<std::string>& job, int limit) {
    const std::string lim = limit > 0 ? fmt::format(" LIMIT {}", limit) : std::string();
    if (job) {
        Statement st(db, run_query("WHERE r.job = ? ORDER BY r.started_at DESC, r.id DESC" + lim));
        st.bind(1, *job);
        return read_runs(st);
    }
    Statement st(db, run_query("ORDER BY r.started_at DESC, r.id DESC" + lim));
    return read_runs(st);
}

std::vector<BackupRunRow> live_backup_runs(Database& db, const std::string& job) {
    Statement st(db, run_query("WHERE r.job = ? AND r.status = 'success' AND r.pruned_at IS NULL "
                               "ORDER BY r.started_at DESC, r.id DESC"));
    st.bind(1, job);
    return read_runs(st);
}

std::optional<BackupRunRow> last_finished_backup_run(Database& db, const std::string& job) {
    Statement st(db, run_query("WHERE r.job = ? AND r.status <> 'running' "
                               "ORDER BY r.started_at DESC, r.id DESC LIMIT 1"));
    st.bind(1, job);
    if (st.step()) {
        return read_run(st);
    }
    return std::nullopt;
}

std::int64_t insert_backup_verification(Database& db, const BackupVerificationRow& row) {
    Statement st(db, "INSERT INTO backup_verifications (run_id, at, ok, deep, detail) "
                     "VALUES (?, ?, ?, ?, ?)");
    st.bind(1, row.run_id);
    st.bind(2, row.at);
    st.bind(3, row.ok ? 1 : 0);
    st.bind(4, row.deep ? 1 : 0);
    st.bind(5, row.detail);
    st.exec();
    return db.last_insert_id();
}

std::vector<BackupVerificationRow> backup_verifications_for(Database& db, std::int64_t run_id) {
    Statement st(db, "SELECT id, run_id, at, ok, deep, detail FROM backup_verifications "
                     "WHERE run_id = ? ORDER BY at, id");
    st.bind(1, run_id);
    std::vector<BackupVerificationRow> rows;
    while (st.step()) {
        rows.push_back(read_verification(st));
    }
    return rows;
}

std::optional<BackupVerificationRow> last_backup_verification(Database& db, const std::string& job) {
    return one_verification(db, job, false);
}

std::optional<BackupVerificationRow> last_ok_backup_verification(Database& db, const std::string& job) {
    return one_verification(db, job, true);
}

std::int64_t insert_backup_restore(Database& db, const BackupRestoreRow& row) {
    Statement st(db, "INSERT INTO backup_restores (run_id, at, duration_ms, ok, target, files, "
                     "detail, actor) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    st.bind(1, row.run_id);
    st.bind(2, row.at);
    st.bind(3, row.duration_ms);
    st.bind(4, row.ok ? 1 : 0);
    st.bind(5, row.target);
    st.bind(6, row.files);
    st.bind(7, row.detail);
    st.bind(8, row.actor);
    st.exec();
    return db.last_insert_id();
}

std::vector<BackupRestoreRow> backup_restores_for(Database& db, std::int64_t run_id) {
    Statement st(db, "SELECT id, run_id, at, duration_ms, ok, target, files, detail, actor "
                     "FROM backup_restores WHERE run_id = ? ORDER BY at, id");
    st.bind(1, run_id);
    std::vector<BackupRestoreRow> rows;
    while (st.step()) {
        BackupRestoreRow r;
        r.id = st.column(0).as_int64();
        r.run_id = st.column(1).as_int64();
        r.at = st.column(2).as_int64();
        r.duration_ms = st.column(3).as_int64();
        r.ok = st.column(4).as_int() != 0;
        r.target = st.column(5).as_string();
        r.files = st.column(6).as_int64();
        r.detail = st.column(7).as_string();
        r.actor = st.column(8).as_string();
        rows.push_back(std::move(r));
    }
    return rows;
}

std::int64_t insert_backup_prune(Database& db, const BackupPruneRow& row) {
    Statement st(db, "INSERT INTO backup_prunes (run_id, at, path, size_bytes, actor) "
                     "VALUES (?, ?, ?, ?, ?)");
    st.bind(1, row.run_id);
    st.bind(2, row.at);
    st.bind(3, row.path);
    st.bind(4, row.size_bytes);
    st.bind(5, row.actor);
    st.exec();
    return db.last_insert_id();
}

} // namespace opsctl::store
